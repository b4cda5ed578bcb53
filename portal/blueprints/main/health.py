"""``/healthz`` for the load balancer or reverse proxy: 200 while the portal can reach its
database, 503 otherwise. No log-in, no data: only "ok" or "unavailable"."""

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from portal.blueprints.main import bp
from portal.extensions import db


@bp.get("/healthz")
def health():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable"}, 503
    return {"status": "ok"}
