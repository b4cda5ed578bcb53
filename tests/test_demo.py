"""The demo data is what a trainee first sees: it must keep the rules the portal enforces."""

from sqlalchemy import func, select

from portal.domain.beijing import local_date
from portal.extensions import db
from portal.models import Client, ClientAssignment, Contact
from portal.models.activity import Consultation, WorkLog


def test_demo_records_never_precede_the_account_opening(demo_risk, demo_activities):
    # demo_risk first, as `flask seed demo` does: it opens accounts today.
    with demo_activities.app_context():
        visits = db.session.execute(
            select(Contact.occurred_at, Client.opened_on)
            .join(Client, Client.id == Contact.client_id)
            .where(Contact.status == "done")
        ).all()
        assert len(visits) > 100
        assert [(at, opened) for at, opened in visits if local_date(at) < opened] == []
        consulted = db.session.execute(
            select(WorkLog.day, Client.opened_on)
            .join(Consultation, Consultation.log_id == WorkLog.id)
            .join(Client, Client.id == Consultation.client_id)
        ).all()
        assert consulted and [row for row in consulted if row[0] < row[1]] == []
        early = db.session.scalar(
            select(func.count())
            .select_from(ClientAssignment)
            .join(Client, Client.id == ClientAssignment.client_id)
            .where(ClientAssignment.since < Client.opened_on)
        )
        assert early == 0
