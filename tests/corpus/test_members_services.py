import pytest
from django.core.exceptions import ValidationError

from corpus.models import Membership, Role
from corpus.services import add_member, change_role, remove_member
from tests.factories import make_user


def test_an_owner_adds_a_user_by_username_with_a_role(cast):
    dave = make_user("dave")
    membership = add_member(
        project=cast.project, username="Dave", role="viewer", added_by=cast.alice
    )
    assert (membership.user, membership.role) == (dave, Role.VIEWER)


def test_adding_an_unknown_user_or_a_member_twice_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        add_member(project=cast.project, username="nobody", role="viewer", added_by=cast.alice)
    assert error.value.message_dict["username"] == ["There is no user named “nobody”."]
    with pytest.raises(ValidationError) as error:
        add_member(project=cast.project, username="bob", role="viewer", added_by=cast.alice)
    assert "already a member" in error.value.message_dict["username"][0]


def test_the_last_owner_can_be_neither_demoted_nor_removed(cast):
    owner = Membership.objects.get(project=cast.project, user=cast.alice)
    with pytest.raises(ValidationError) as error:
        change_role(membership=owner, role="viewer", changed_by=cast.alice)
    assert "only owner" in error.value.message_dict["role"][0]
    with pytest.raises(ValidationError):
        remove_member(membership=owner, removed_by=cast.alice)
    owner.refresh_from_db()
    assert owner.role == Role.OWNER


def test_with_a_second_owner_the_first_may_step_down(cast):
    bob = Membership.objects.get(project=cast.project, user=cast.bob)
    change_role(membership=bob, role="owner", changed_by=cast.alice)
    alice = Membership.objects.get(project=cast.project, user=cast.alice)
    remove_member(membership=alice, removed_by=cast.alice)
    assert not Membership.objects.filter(pk=alice.pk).exists()


def test_an_unknown_role_is_refused(cast):
    bob = Membership.objects.get(project=cast.project, user=cast.bob)
    with pytest.raises(ValidationError) as error:
        change_role(membership=bob, role="admin", changed_by=cast.alice)
    assert "not a role" in error.value.message_dict["role"][0]
