from datetime import date

from portal.domain import prospects


def test_a_prospect_is_due_for_a_follow_up_on_the_second_working_day():
    assert prospects.follow_up_due(date(2026, 11, 23)) == date(2026, 11, 25)  # Mon → Wed
    assert prospects.follow_up_due(date(2026, 11, 27)) == date(2026, 12, 1)  # Fri → Tue
    assert prospects.follow_up_due(date(2026, 11, 28)) == date(2026, 12, 1)  # Sat → Tue


def test_national_day_and_hqs_table_count():
    assert prospects.follow_up_due(date(2026, 9, 30)) == date(2026, 10, 9)
    saturday = date(2026, 12, 5)
    assert prospects.follow_up_due(date(2026, 12, 4), {saturday: True}) == date(2026, 12, 7)


def test_a_follow_up_outcome_closes_only_when_the_client_gives_up():
    assert prospects.status_after("dropped") == "dropped"
    assert {prospects.status_after(o) for o in prospects.OUTCOMES if o != "dropped"} == {"open"}
