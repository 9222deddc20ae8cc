import pytest
from django.core.exceptions import ValidationError

from annotate.models import Actor, Annotation, Claim
from annotate.services.codebook import delete_actor, delete_claim, merge_actors, merge_claims
from annotate.services.trash import trash_annotation
from tests.factories import make_actor, make_annotation, make_claim


@pytest.fixture
def two_actors(cast, document):
    abe = make_actor(cast.project, "Shinzo Abe", aliases=["Abe"], kind="person")
    prime = make_actor(cast.project, "Prime Minister Abe", aliases=["PM"], kind="person")
    return abe, prime


def test_merging_an_actor_repoints_its_live_and_trashed_annotations(cast, document, two_actors):
    abe, prime = two_actors
    live = make_annotation(document, actor=abe, start=0, end=5)
    trashed = make_annotation(document, actor=abe, start=6, end=10)
    trash_annotation(annotation=trashed, trashed_by=cast.bob)
    untouched = make_annotation(document, actor=prime, start=11, end=15)

    result = merge_actors(source=abe, target=prime, merged_by=cast.bob)

    assert result.annotations == 2
    assert set(Annotation.objects.filter(actor=prime).values_list("pk", flat=True)) == {
        live.pk,
        trashed.pk,
        untouched.pk,
    }
    assert not Actor.objects.filter(pk=abe.pk).exists()
    live.refresh_from_db()
    assert live.version == 2, "a form opened before the merge must be refused as stale"


def test_a_merged_actor_name_and_aliases_become_aliases_of_the_target(cast, two_actors):
    abe, prime = two_actors
    merge_actors(source=abe, target=prime, merged_by=cast.bob)
    prime.refresh_from_db()
    assert prime.aliases == ["PM", "Shinzo Abe", "Abe"]


def test_a_merge_is_recorded_in_each_annotation_history_and_the_target_history(
    cast, document, two_actors
):
    abe, prime = two_actors
    annotations = [make_annotation(document, actor=abe, start=i, end=i + 3) for i in range(3)]
    merge_actors(source=abe, target=prime, merged_by=cast.bob)
    reason = "merged actor “Shinzo Abe” into “Prime Minister Abe”"
    for annotation in annotations:
        latest = annotation.history.order_by("-history_id").first()
        assert (latest.history_change_reason, latest.history_user, latest.actor_id) == (
            reason,
            cast.bob,
            prime.pk,
        )
    assert prime.history.order_by("-history_id").first().history_change_reason == reason
    deleted = Actor.history.filter(id=abe.pk).order_by("-history_id").first()
    assert (deleted.history_type, deleted.history_change_reason) == ("-", reason)


def test_repointing_many_annotations_takes_a_fixed_number_of_queries(
    cast, document, two_actors, django_assert_max_num_queries
):
    abe, prime = two_actors
    for i in range(60):
        make_annotation(document, actor=abe, start=i, end=i + 2)
    with django_assert_max_num_queries(20):
        merge_actors(source=abe, target=prime, merged_by=cast.bob)
    assert Annotation.objects.filter(actor=prime).count() == 60


def test_actors_affiliated_with_the_merged_actor_move_to_the_target(cast):
    duma = make_actor(cast.project, "State Duma")
    duma2 = make_actor(cast.project, "The Duma")
    naryshkin = make_actor(cast.project, "Sergey Naryshkin", affiliation=duma)
    merge_actors(source=duma, target=duma2, merged_by=cast.alice)
    naryshkin.refresh_from_db()
    assert naryshkin.affiliation == duma2
    assert naryshkin.history.first().history_change_reason.startswith("merged actor")


def test_merging_an_actor_into_one_affiliated_with_it_leaves_no_cycle(cast):
    duma = make_actor(cast.project, "State Duma")
    speaker = make_actor(cast.project, "Speaker", affiliation=duma)
    merge_actors(source=duma, target=speaker, merged_by=cast.alice)
    speaker.refresh_from_db()
    assert speaker.affiliation is None


def test_an_actor_cannot_merge_into_itself_or_into_another_project(cast, two_actors):
    abe, _ = two_actors
    stranger = make_actor(cast.other, "Stranger")
    with pytest.raises(ValidationError) as error:
        merge_actors(source=abe, target=abe, merged_by=cast.bob)
    assert "cannot merge into itself" in error.value.message_dict["target"][0]
    with pytest.raises(ValidationError) as error:
        merge_actors(source=abe, target=stranger, merged_by=cast.bob)
    assert "another project" in error.value.message_dict["target"][0]
    assert Actor.objects.filter(pk=abe.pk).exists()


def test_merging_a_claim_repoints_annotations_and_reparents_its_children(cast, document):
    sanctions = make_claim(cast.project, "Lift sanctions")
    sanctions2 = make_claim(cast.project, "Japan should lift sanctions")
    child = make_claim(cast.project, "Lift sanctions on banks", parent=sanctions)
    trashed = make_annotation(document, claim=sanctions)
    trash_annotation(annotation=trashed, trashed_by=cast.bob)

    result = merge_claims(source=sanctions, target=sanctions2, merged_by=cast.bob)

    assert result.annotations == 1 and result.entries == 1
    trashed.refresh_from_db()
    child.refresh_from_db()
    assert trashed.claim == sanctions2 and trashed.is_trashed
    assert child.parent == sanctions2
    assert not Claim.objects.filter(pk=sanctions.pk).exists()
    with pytest.raises(ValidationError):
        merge_claims(source=child, target=make_claim(cast.other), merged_by=cast.bob)


def test_merging_a_claim_into_its_own_grandchild_keeps_the_tree_acyclic(cast):
    top = make_claim(cast.project, "Top")
    middle = make_claim(cast.project, "Middle", parent=top)
    leaf = make_claim(cast.project, "Leaf", parent=middle)
    merge_claims(source=top, target=leaf, merged_by=cast.alice)
    leaf.refresh_from_db()
    middle.refresh_from_db()
    assert leaf.parent is None
    assert middle.parent == leaf


def test_an_entry_in_use_cannot_be_deleted_and_the_message_points_to_merge(cast, document):
    abe = make_actor(cast.project, "Abe")
    claim = make_claim(cast.project, "Claim")
    annotation = make_annotation(document, actor=abe, claim=claim)
    trash_annotation(annotation=annotation, trashed_by=cast.bob)
    with pytest.raises(ValidationError) as error:
        delete_actor(actor=abe, deleted_by=cast.alice)
    assert "merge it into another actor" in error.value.messages[0]
    with pytest.raises(ValidationError):
        delete_claim(claim=claim, deleted_by=cast.alice)
    assert Actor.objects.filter(pk=abe.pk).exists()


def test_an_unused_entry_is_deleted_and_its_dependants_let_go(cast):
    duma = make_actor(cast.project, "State Duma")
    naryshkin = make_actor(cast.project, "Naryshkin", affiliation=duma)
    duma_id = duma.pk
    delete_actor(actor=duma, deleted_by=cast.alice)
    naryshkin.refresh_from_db()
    assert naryshkin.affiliation is None
    record = Actor.history.filter(id=duma_id).order_by("-history_id").first()
    assert (record.history_type, record.history_user) == ("-", cast.alice)


def test_merging_an_actor_that_was_just_merged_away_says_so(cast, two_actors):
    abe, prime = two_actors
    stale = Actor.objects.get(pk=abe.pk)
    merge_actors(source=abe, target=prime, merged_by=cast.bob)
    with pytest.raises(ValidationError) as error:
        merge_actors(source=stale, target=prime, merged_by=cast.alice)
    assert error.value.messages == ["This actor no longer exists."]
