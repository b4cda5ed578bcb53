"""Branch asset bands (Art. 3, 12; SPEC §2): a branch head proposes their branch's own bands,
which take effect only once HQ approves them; the classification then uses the approved
version in force for that branch alone; HQ may set the company-wide bands directly."""

from decimal import Decimal

import factories
import pytest
from sqlalchemy import select

from portal.domain.classification import DEFAULT_FLOORS, bands_from_floors, check_floors, classify
from portal.extensions import db
from portal.models import AssetBandSetting, ClassChange, Client
from portal.services import classification

OWN = [Decimal(v) for v in (20_000, 200_000, 700_000, 2_500_000, 8_000_000)]


def classes() -> dict[str, str]:
    return dict(db.session.execute(select(Client.name, Client.class_code)).all())


def test_bands_from_floors_keep_the_classes_and_say_the_bounds():
    bands = bands_from_floors(OWN)
    assert [b.label for b in bands] == [
        "800万以上",
        "250万-800万",
        "70万-250万",
        "20万-70万",
        "2万-20万",
        "2万以下",
    ]
    assert [(b.low, b.high) for b in bands] == [
        (b.low, b.high) for b in bands_from_floors(DEFAULT_FLOORS)
    ]
    assert classify(Decimal(2_100_000), 1, bands=bands) == "D"  # A under the policy's table
    assert classify(Decimal(2_100_000), 1) == "A"
    assert classify(Decimal(20_000), 5, bands=bands) == "F"  # a lower bound is in its band


@pytest.mark.parametrize(
    ("floors", "message"),
    [
        (OWN[:4], "资产分档须有5个下限"),
        ([OWN[0], OWN[2], OWN[1], OWN[3], OWN[4]], "各档下限须从低到高逐档递增"),
        ([Decimal(0), *OWN[1:]], "各档下限须为正数"),
        ([Decimal("0.001"), *OWN[1:]], "各档下限须为正数"),
    ],
)
def test_bad_floors_are_refused(floors, message):
    with pytest.raises(ValueError, match=message):
        check_floors(floors)


def test_a_proposal_takes_effect_for_its_branch_only_once_approved(book):
    with book.app_context():
        before = classes()
        head, hq = factories.user("head1"), factories.user("hq")
        proposal = classification.propose_bands(OWN, head.branch_id, head, "本部客户资产普遍较高")
        assert classes() == before  # proposed, not in force
        changed = classification.decide_bands(proposal, True, hq)
        after = classes()
        assert (after["李明"], after["单田芳"], after["欧阳修"]) == ("D", "B", "C-")
        assert (after["赵六"], after["解缙"]) == (before["赵六"], before["解缙"])  # 第二营业部
        assert after["王五"] == "C"  # 2,100,000, high turnover: B under the policy's table
        assert changed == 4
        causes = db.session.scalars(
            select(ClassChange.cause).where(ClassChange.cause == classification.CAUSE_BANDS)
        ).all()
        assert len(causes) == 4
        with pytest.raises(ValueError, match="该申请已处理"):
            classification.decide_bands(proposal, False, hq)


def test_a_rejected_proposal_changes_nothing_and_hq_sets_company_bands_at_once(book):
    with book.app_context():
        before = classes()
        head, hq = factories.user("head1"), factories.user("hq")
        proposal = classification.propose_bands(OWN, head.branch_id, head)
        assert classification.decide_bands(proposal, False, hq) == 0
        assert classes() == before
        assert classification.set_bands(OWN, hq, "全公司统一调整") == 5
        assert classes()["赵六"] == "A"  # 6,000,000 < 8,000,000: the A/B band, low turnover
        with pytest.raises(PermissionError):
            classification.set_bands(OWN, head)


# --------------------------------------------------------------------------- the page


def test_a_head_proposes_from_the_page_and_hq_approves(book, login_as):
    head = login_as("branch_head")
    form = {"floor_1": "2", "floor_2": "20", "floor_3": "70", "floor_4": "250", "floor_5": "800"}
    response = head.post_form("/classification/bands", form | {"note": "本部调整"})
    assert response.status_code == 302
    page = head.get("/classification/thresholds").get_data(as_text=True)
    assert "2万 / 20万 / 70万 / 250万 / 800万" in page and "待审批" in page
    with book.app_context():
        setting_id = db.session.scalar(select(AssetBandSetting.id))
    assert (
        head.post_form(
            f"/classification/bands/{setting_id}/decision", {"decision": "approve"}
        ).status_code
        == 403
    )
    hq = login_as("hq")
    assert (
        hq.post_form(
            f"/classification/bands/{setting_id}/decision", {"decision": "approve"}
        ).status_code
        == 302
    )
    assert "已批准，4 位客户的分类随之变化" in hq.get("/classification/thresholds").get_data(
        as_text=True
    )
    page = head.get("/classification/thresholds").get_data(as_text=True)
    assert "70万-250万" in page  # the branch's bands in force, beside the company's
    assert (
        hq.post_form("/classification/bands/999/decision", {"decision": "approve"}).status_code
        == 404
    )


def test_bad_bands_are_refused_in_chinese_and_kept(book, login_as):
    form = {"floor_1": "2", "floor_2": "20", "floor_3": "10", "floor_4": "250", "floor_5": "800"}
    response = login_as("branch_head").post_form("/classification/bands", form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "各档下限须从低到高逐档递增。" in html
    assert 'name="floor_3" type="text" value="10"' in html or 'value="10"' in html
    with book.app_context():
        assert db.session.scalar(select(AssetBandSetting.id)) is None
