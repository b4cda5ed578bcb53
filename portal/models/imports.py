"""The record of each import of a trading-system file (Step 10): who, when, which file (name
and SHA-256), what it held and what it changed, and whether it was taken or refused. It is
itself the log of imports, so it is not audited; the changes an import makes are, each trail
row naming the import (``AuditLog.request_id`` = :attr:`DataImport.trail_id`)."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.beijing import utcnow
from portal.extensions import db
from portal.models.base import BigId
from portal.models.org import Branch, User

IMPORT_KINDS = {"figures": "月度数据", "clients": "客户资料"}
IMPORT_RESULTS = {"imported": "已导入", "unchanged": "无变化", "refused": "已拒绝"}


class DataImport(db.Model):
    __tablename__ = "data_imports"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(80))
    # The branch whose clients it could change (a branch head's); NULL: every branch.
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    file_name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(default=0)
    new: Mapped[int] = mapped_column(default=0)
    changed: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    class_changes: Mapped[int] = mapped_column(default=0)
    errors: Mapped[int] = mapped_column(default=0)
    result: Mapped[str] = mapped_column(String(10))

    user: Mapped[User | None] = relationship()
    branch: Mapped[Branch | None] = relationship()

    @property
    def trail_id(self) -> str:
        return f"import-{self.id}"

    @property
    def kind_label(self) -> str:
        return IMPORT_KINDS[self.kind]

    @property
    def result_label(self) -> str:
        return IMPORT_RESULTS[self.result]
