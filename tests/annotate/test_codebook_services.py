import pytest
from django.core.exceptions import ValidationError

from annotate.models import Actor, Claim
from annotate.services.codebook import create_actor, create_claim, update_actor, update_claim


def test_an_actor_name_is_unique_in_a_project_whatever_its_case(cast):
    create_actor(project=cast.project, name="Shinzo Abe", created_by=cast.bob)
    with pytest.raises(ValidationError) as error:
        create_actor(project=cast.project, name="  shinzo   ABE ", created_by=cast.bob)
    assert error.value.message_dict["name"] == [
        "The codebook already has an actor named “shinzo ABE”."
    ]
    assert Actor.objects.filter(project=cast.project).count() == 1


def test_an_affiliation_must_be_in_the_same_project_and_not_circular(cast):
    duma = create_actor(
        project=cast.project, name="State Duma", kind="organisation", created_by=None
    )
    foreign = create_actor(project=cast.other, name="Elsewhere Inc", created_by=None)
    with pytest.raises(ValidationError) as error:
        create_actor(project=cast.project, name="Naryshkin", affiliation=foreign, created_by=None)
    assert "another project" in error.value.message_dict["affiliation"][0]
    naryshkin = create_actor(
        project=cast.project, name="Sergey Naryshkin", affiliation=duma, created_by=cast.bob
    )
    with pytest.raises(ValidationError):
        update_actor(actor=duma, affiliation=naryshkin, updated_by=cast.bob)


def test_codebook_changes_are_kept_in_the_history(cast):
    claim = create_claim(
        project=cast.project, label="Japan should lift sanctions", created_by=cast.bob
    )
    update_claim(claim=claim, description="Over Ukraine.", updated_by=cast.alice)
    records = list(claim.history.order_by("history_id"))
    assert [(r.history_change_reason, r.history_user) for r in records] == [
        ("created", cast.bob),
        ("updated", cast.alice),
    ]


def test_a_bad_colour_or_kind_is_refused(cast):
    with pytest.raises(ValidationError) as error:
        create_actor(project=cast.project, name="Japan", kind="planet", created_by=None)
    assert "is not a kind" in error.value.message_dict["kind"][0]
    with pytest.raises(ValidationError) as error:
        create_claim(project=cast.project, label="X", colour="red", created_by=None)
    assert "#rrggbb" in error.value.message_dict["colour"][0]
    assert not Claim.objects.exists()


def test_a_refused_update_leaves_the_entry_as_it_was(cast):
    china = create_actor(project=cast.project, name="China", created_by=None)
    create_actor(project=cast.project, name="Russia", created_by=None)
    with pytest.raises(ValidationError):
        update_actor(actor=china, name="Russia", colour="#112233", updated_by=cast.bob)
    assert (china.name, china.colour) == ("China", "")
    assert Actor.objects.get(pk=china.pk).name == "China"


def test_a_name_or_alias_stands_for_one_actor_only(cast):
    create_actor(project=cast.project, name="Shinzo Abe", aliases=["Abe"], created_by=None)
    create_actor(project=cast.project, name="Vladimir Putin", aliases=["Putin"], created_by=None)
    with pytest.raises(ValidationError) as error:
        create_actor(project=cast.project, name="abe", created_by=None)
    assert error.value.message_dict == {"name": ["“abe” is already an alias of “Shinzo Abe”."]}
    with pytest.raises(ValidationError) as error:
        create_actor(
            project=cast.project, name="Test", aliases=["PUTIN", "Kremlin"], created_by=None
        )
    assert error.value.message_dict == {
        "aliases": ["Already another actor's name or alias: “PUTIN” (Vladimir Putin)."]
    }
    assert Actor.objects.filter(project=cast.project).count() == 2
    # Another project's codebook is its own.
    create_actor(project=cast.other, name="Abe", created_by=None)
