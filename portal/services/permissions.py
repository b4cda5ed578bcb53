"""Who may do what (SPEC §1): the one table of named actions and the roles allowed each.

A view is guarded with :func:`requires`, a template shows its button with ``can(action)``
(:func:`permits` for the current user), and the navigation names the action of its page, so the
three read the same row and cannot drift apart. *Which records* a permitted user reaches is
:mod:`portal.services.scope`'s business; an action on one record that only its own manager may
take asks ``can(action, record)``, which adds :func:`portal.services.scope.owns`.
"""

from functools import wraps

from flask import abort, current_app
from flask_login import current_user

from portal.models import User
from portal.services import scope

MANAGER, COUNTER, HEAD, HQ = "manager", "counter", "branch_head", "hq"

PERMISSIONS: dict[str, frozenset[str]] = {
    # Client files (附件3): opened at the counter (SPEC §1: counter staff open accounts) or by
    # the manager and the branch head; kept by the client's manager and the branch head; HQ
    # and counter staff read them (numbers masked).
    "client.create": frozenset({MANAGER, COUNTER, HEAD}),
    "client.edit": frozenset({MANAGER, HEAD}),  # the file, its related persons, monthly figures
    "client.reassign": frozenset({HEAD}),
    # The client list as Excel / CSV (numbers masked as listed): counter staff serve clients
    # one at a time and take no lists away.
    "clients.export": frozenset({MANAGER, HEAD, HQ}),
    # Risk tolerance (附件1, Art. 8): entered where the client is met; the daily report of new
    # accounts is counter staff's, for the branch's directors and HQ.
    "risk.assess": frozenset({MANAGER, COUNTER, HEAD}),  # the questionnaire and its signed scan
    "risk.disclosure": frozenset({MANAGER, COUNTER, HEAD}),
    "risk.pending": frozenset({MANAGER, COUNTER, HEAD}),  # counter staff enter them (Art. 8.4)
    "risk.daily_report": frozenset({COUNTER, HEAD, HQ}),
    "risk.daily_deliver": frozenset({COUNTER, HEAD}),  # 报送 (Art. 8.4)
    "risk.daily_ack": frozenset({HEAD}),  # 签收: the 运营总监 and 客服总监 (User predicate)
    "questionnaire.load": frozenset({HQ}),  # new versions of 附件1 (Art. 3)
    # Art. 8.3: all of a book's clients by level (a manager their own); Art. 8.4: the fund
    # sales platform's file of the clients with a fund account.
    "risk.levels": frozenset({MANAGER, HEAD, HQ}),
    "risk.fund_export": frozenset({HEAD, HQ}),
    # A manager's working day (附件2, 5, 6, 7): counter staff keep accounts, not visits.
    "work.read": frozenset({MANAGER, HEAD, HQ}),  # contacts, work logs, weekly summaries, PDFs
    "contacts.write": frozenset({MANAGER}),  # log, complete, cancel; 附件6; readiness check
    "logs.write": frozenset({MANAGER}),
    "weeks.write": frozenset({MANAGER}),
    "weeks.comment": frozenset({HEAD}),
    "weeks.branch": frozenset({HEAD, HQ}),  # the branch's managers side by side
    # Investment advice (附件8, 9, 10; Art. 59–61).
    "advice.read": frozenset({MANAGER, HEAD, HQ}),
    "advice.write": frozenset({MANAGER}),  # record, correct, follow up
    "advice.review": frozenset({HEAD}),
    "advice.delete": frozenset({HEAD}),
    "meeting.read": frozenset({HEAD, HQ}),  # the monthly advice meeting
    "meeting.hold": frozenset({HEAD}),  # its minutes and sign-off
    # Inquiries (首问负责制, Art. 29, 31, 36, 47): anyone of the branch logs and answers them;
    # HQ reads every branch's; the branch head reviews answers the Art. 44 screening flags.
    "inquiries.read": frozenset({MANAGER, COUNTER, HEAD, HQ}),
    "inquiries.write": frozenset({MANAGER, COUNTER, HEAD}),
    "inquiries.review": frozenset({HEAD}),
    # Client events (Art. 50.4, 50.8, 50.11): organised by a manager or the head; attendees
    # picked among the clients each may see (services/events.py).
    "events.read": frozenset({MANAGER, HEAD, HQ}),
    "events.write": frozenset({MANAGER, HEAD}),
    # The branch profile for the firm's web site (Art. 33): kept by the head, read by the
    # branch's staff; HQ gathers every branch's and downloads them.
    "profile.read": frozenset({MANAGER, COUNTER, HEAD}),
    "profile.edit": frozenset({HEAD}),
    "profile.all": frozenset({HQ}),
    # Care (Art. 50.9, 50.10): birthdays and clients at risk of leaving; retention and 转销户
    # requests are recorded by the client's manager or the branch head.
    "care.read": frozenset({MANAGER, HEAD, HQ}),
    "care.write": frozenset({MANAGER, HEAD}),
    # 附件4, the batch archive export, the classification overview (counter staff print single
    # client files only).
    "reports.read": frozenset({MANAGER, HEAD, HQ}),
    # Classification standard (Art. 6, 12): HQ sets the threshold; a branch head proposes one.
    "thresholds.manage": frozenset({HEAD, HQ}),
    "thresholds.set": frozenset({HQ}),  # directly, or by deciding on a branch's proposal
    # Figures from the trading system (Step 10): HQ for every branch, a head for theirs.
    "imports.run": frozenset({HEAD, HQ}),
    # The quarterly report to HQ (Art. 55): the head sees the branch's figures and submits them
    # once the quarter has ended; HQ sees every branch's side by side and downloads them. The
    # head records spot checks (抽查) of the managers' activity; a manager reads their own.
    "quarterly.read": frozenset({HEAD, HQ}),
    "quarterly.submit": frozenset({HEAD}),
    "quarterly.all": frozenset({HQ}),
    "spotchecks.read": frozenset({MANAGER, HEAD, HQ}),
    "spotchecks.write": frozenset({HEAD}),
    # Appointments to open an account (Art. 32): entered and followed up by the branch's
    # staff; HQ reads them.
    "prospects.read": frozenset({MANAGER, COUNTER, HEAD, HQ}),
    "prospects.write": frozenset({MANAGER, COUNTER, HEAD}),
    # SMS to new accounts (Art. 34–35): managers write their clients' messages (the head any
    # of the branch); the head hands the branch's outbox to the SMS platform; HQ keeps the two
    # templates.
    "sms.read": frozenset({MANAGER, HEAD, HQ}),
    "sms.write": frozenset({MANAGER, HEAD}),
    "sms.outbox": frozenset({HEAD}),
    "sms.templates": frozenset({HQ}),
    # Organisation.
    "users.read": frozenset({HEAD, HQ}),
    "users.manage": frozenset({HQ}),
    "branches.manage": frozenset({HQ}),
    # HQ's holiday table (调休, 补假, corrections; SPEC §5): wins over the official calendar.
    "holidays.manage": frozenset({HQ}),
}


def permits(user: User | None, action: str, record=None) -> bool:
    """Whether ``user`` may do ``action`` (an unknown action is an error, not a refusal) — on
    ``record``, when given, only if it is the user's own (:func:`scope.owns`)."""
    roles = PERMISSIONS[action]
    allowed = bool(user and user.is_authenticated and user.role in roles)
    return allowed and (record is None or scope.owns(record, user))


def can(action: str, record=None) -> bool:
    """``permits`` for the current user: the templates' ``can("client.edit")``, or
    ``can("advice.write", record)`` for a button only the record's own manager sees."""
    return permits(current_user, action, record)


def requires(action: str):
    """View decorator: only the roles allowed ``action`` may use the page (403 for the others,
    the login page for anonymous users)."""
    if action not in PERMISSIONS:  # a misspelt action fails at import, not at a request
        raise KeyError(action)

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if not permits(current_user, action):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_action = action
        return wrapped

    return decorator
