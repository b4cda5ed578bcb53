import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Branch, LoginAttempt, User
from portal.services import scope


def usernames(viewer: str) -> set[str]:
    user = db.session.scalar(select(User).where(User.username == viewer))
    return set(db.session.scalars(scope.scoped(User, user).with_only_columns(User.username)))


def test_user_scope_by_role(org):
    with org.app_context():
        branch_1 = {"head1", "ops1", "cs1", "mgr1", "mgr2", "counter1"}
        assert usernames("hq") == branch_1 | {"hq", "mgr3"}
        assert usernames("head1") == branch_1
        assert usernames("mgr1") == {"mgr1"}
        assert usernames("counter1") == {"counter1"}


def test_branch_scope(org):
    with org.app_context():
        head = db.session.scalar(select(User).where(User.username == "head1"))
        hq = db.session.scalar(select(User).where(User.username == "hq"))
        assert [b.name for b in db.session.scalars(scope.scoped(Branch, head))] == ["第一营业部"]
        assert len(db.session.scalars(scope.scoped(Branch, hq)).all()) == 2


def test_branch_head_lists_only_their_branch(login_as):
    html = login_as("branch_head").get("/users/").get_data(as_text=True)
    assert "李明" in html and "陈静" in html
    assert "赵磊" not in html  # mgr3 works in the other branch


def test_hq_lists_everyone(login_as):
    html = login_as("hq").get("/users/").get_data(as_text=True)
    assert "赵磊" in html and "李明" in html


@pytest.mark.parametrize("path", ["/users/{id}", "/users/{id}/card.pdf", "/history/users/{id}"])
def test_a_record_outside_scope_is_404(login_as, user_id, path):
    head = login_as("branch_head")
    assert head.get(path.format(id=user_id("mgr3"))).status_code == 404
    assert head.get(path.format(id=user_id("mgr1"))).status_code == 200
    # A record that does not exist answers the same.
    assert head.get(path.format(id=99999)).status_code == 404


def test_unknown_model_fails_closed(org):
    with org.app_context():
        hq = db.session.scalar(select(User).where(User.username == "hq"))
        with pytest.raises(KeyError):
            scope.scoped(LoginAttempt, hq)
