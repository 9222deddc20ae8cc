from django.urls import reverse

from corpus.models import Membership, Role
from tests.factories import make_user


def members_url(project):
    return reverse("corpus:members", args=[project.slug])


def membership(project, user):
    return Membership.objects.get(project=project, user=user)


def test_everyone_in_the_project_sees_its_members(client, cast):
    client.force_login(cast.carol)
    response = client.get(members_url(cast.project))
    content = response.content.decode().split('<main id="main">', 1)[1]
    for name in ("alice", "bob", "carol"):
        assert name in content
    assert "mallory" not in content
    assert "<form" not in content, "a viewer sees no forms"


def test_an_owner_adds_a_member_by_username(client, cast):
    dave = make_user("dave")
    client.force_login(cast.alice)
    response = client.post(
        members_url(cast.project), {"username": "dave", "role": "viewer"}, follow=True
    )
    assert "Added dave as viewer." in response.content.decode()
    assert membership(cast.project, dave).role == Role.VIEWER


def test_adding_an_unknown_user_shows_the_reason_and_adds_nobody(client, cast):
    client.force_login(cast.alice)
    response = client.post(members_url(cast.project), {"username": "nobody", "role": "viewer"})
    assert response.status_code == 400
    assert response.context["form"].errors["username"] == ["There is no user named “nobody”."]
    assert Membership.objects.filter(project=cast.project).count() == 3


def test_an_owner_changes_a_role_and_removes_a_member(client, cast):
    client.force_login(cast.alice)
    bob = membership(cast.project, cast.bob)
    client.post(
        reverse("corpus:member-role", args=[cast.project.slug, bob.pk]),
        {f"m{bob.pk}-role": "owner"},
    )
    bob.refresh_from_db()
    assert bob.role == Role.OWNER
    carol = membership(cast.project, cast.carol)
    client.post(reverse("corpus:member-remove", args=[cast.project.slug, carol.pk]))
    assert not Membership.objects.filter(pk=carol.pk).exists()


def test_the_last_owner_can_be_neither_demoted_nor_removed_through_the_page(client, cast):
    client.force_login(cast.alice)
    alice = membership(cast.project, cast.alice)
    response = client.post(
        reverse("corpus:member-role", args=[cast.project.slug, alice.pk]),
        {f"m{alice.pk}-role": "viewer"},
    )
    assert response.status_code == 400
    assert "only owner" in response.content.decode()
    response = client.post(reverse("corpus:member-remove", args=[cast.project.slug, alice.pk]))
    assert response.status_code == 400
    alice.refresh_from_db()
    assert alice.role == Role.OWNER


def test_annotators_and_viewers_cannot_change_members(client, cast):
    dave = make_user("dave")
    carol = membership(cast.project, cast.carol)
    for user in (cast.bob, cast.carol):
        client.force_login(user)
        assert (
            client.post(
                members_url(cast.project), {"username": "dave", "role": "owner"}
            ).status_code
            == 403
        )
        role_url = reverse("corpus:member-role", args=[cast.project.slug, carol.pk])
        assert client.post(role_url, {f"m{carol.pk}-role": "owner"}).status_code == 403
        remove_url = reverse("corpus:member-remove", args=[cast.project.slug, carol.pk])
        assert client.post(remove_url).status_code == 403
    assert not Membership.objects.filter(user=dave).exists()
    carol.refresh_from_db()
    assert carol.role == Role.VIEWER


def test_a_user_of_another_project_gets_404_from_the_members_pages(client, cast):
    client.force_login(cast.mallory)
    bob = membership(cast.project, cast.bob)
    assert client.get(members_url(cast.project)).status_code == 404
    assert (
        client.post(members_url(cast.project), {"username": "mallory", "role": "owner"}).status_code
        == 404
    )
    assert (
        client.post(reverse("corpus:member-remove", args=[cast.project.slug, bob.pk])).status_code
        == 404
    )
    # A membership of another project cannot be reached through one's own project.
    assert (
        client.post(reverse("corpus:member-remove", args=[cast.other.slug, bob.pk])).status_code
        == 404
    )
    assert Membership.objects.filter(pk=bob.pk).exists()


def test_the_members_page_takes_the_same_number_of_queries_however_many_members(
    client, cast, django_assert_max_num_queries
):
    client.force_login(cast.alice)
    with django_assert_max_num_queries(8) as small:
        client.get(members_url(cast.project))
    for _ in range(20):
        Membership.objects.create(project=cast.project, user=make_user(), role=Role.VIEWER)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(members_url(cast.project))
    assert len(response.context["rows"]) == 23
