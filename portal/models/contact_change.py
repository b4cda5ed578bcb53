"""Changes of a client's mobile or e-mail with their evidence (Art. 35, 36; issue 12 item 6):
who changed what, from what to what, on which evidence (a recording's number, a written
request, …). The numbers are sealed like the client's own (:mod:`portal.models.encrypted`);
the record is a part of the client's file, so the client's history shows it."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.beijing import utcnow
from portal.extensions import db
from portal.models.base import Audited
from portal.models.client import Client
from portal.models.encrypted import Encrypted
from portal.models.org import User

EVIDENCE_KINDS = {"recording": "电话录音编号", "letter": "书面申请", "other": "其他"}
"""The evidence a user may give."""
IMPORT_EVIDENCE = "import"
"""The evidence of a change the trading system's client file made (an import, which names the
file): the change was made and evidenced there."""
KIND_LABELS = EVIDENCE_KINDS | {IMPORT_EVIDENCE: "数据导入"}


class ContactChange(Audited, db.Model):
    """One edit of a client's mobile and/or e-mail: a field not changed is NULL on both sides."""

    __tablename__ = "client_contact_changes"
    __audit_label__ = "联系方式变更"
    __audit_parent__ = ("clients", "client_id")
    __table_args__ = (
        CheckConstraint(
            "evidence_kind IN ('recording', 'letter', 'other', 'import')", name="kind_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), index=True, info={"label": "客户"}
    )
    old_mobile: Mapped[str | None] = mapped_column(
        Encrypted(), info={"label": "原手机号码", "masked": True}
    )
    new_mobile: Mapped[str | None] = mapped_column(
        Encrypted(), info={"label": "新手机号码", "masked": True}
    )
    old_email: Mapped[str | None] = mapped_column(Encrypted(), info={"label": "原电子邮箱"})
    new_email: Mapped[str | None] = mapped_column(Encrypted(), info={"label": "新电子邮箱"})
    evidence_kind: Mapped[str] = mapped_column(
        String(10), info={"label": "证据类型", "choices": KIND_LABELS}
    )
    evidence_ref: Mapped[str] = mapped_column(String(200), info={"label": "证据说明"})
    # NULL: an import from the command line (the trail names its actor).
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), info={"label": "变更人"}
    )
    changed_at: Mapped[datetime] = mapped_column(default=utcnow, info={"label": "变更时间"})

    client: Mapped[Client] = relationship()
    changed_by: Mapped[User | None] = relationship()

    @property
    def evidence_label(self) -> str:
        return KIND_LABELS.get(self.evidence_kind, self.evidence_kind)

    @property
    def mobile_changed(self) -> bool:
        return self.new_mobile is not None or self.old_mobile is not None

    @property
    def email_changed(self) -> bool:
        return self.new_email is not None or self.old_email is not None
