"""DNA's sample database, imported through the DNA import, gives through the API the
networks DNA gives for it (organisation × concept, agreement as the stance).

The expected figures are those of the rDNA package's tests (two-mode: 7 × 6, 40 in
all, "Energy and Environmental Analysis, Inc." at 2 and 0 on the first two concepts,
22 ties; one-mode co-occurrence: 7 × 7, 276 in all, the Environmental Protection Agency
at 10 with the Alliance to Save Energy and 2 with Energy and Environmental Analysis,
21 ties) and, for congruence and conflict, DNA's definitions worked through the sample's
own tables: 160 and 116, which add up to the co-occurrence total as they must."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from tests.data import DNA_SAMPLE

SAMPLE = DNA_SAMPLE

pytestmark = [
    pytest.mark.django_db,
]


@pytest.fixture
def network(cast):
    call_command("import_documents", str(SAMPLE), "--project", cast.project.slug)
    client = APIClient()
    client.force_authenticate(cast.alice)

    def get(**params):
        response = client.get(
            reverse("api:project-network", kwargs={"pk": cast.project.pk}), params
        )
        assert response.status_code == 200, response.content
        return response.json()

    return get


def by_label(body):
    labels = {node["id"]: node["label"] for node in body["nodes"]}
    return {(labels[e["source"]], labels[e["target"]]): e["weight"] for e in body["edges"]}


def test_the_affiliation_network_is_dnas(network):
    body = network(kind="affiliation")
    actors = [n["label"] for n in body["nodes"] if n["mode"] == "actor"]
    concepts = [n["label"] for n in body["nodes"] if n["mode"] == "claim"]
    assert (len(actors), len(concepts)) == (7, 6)
    assert actors[0] == "Alliance to Save Energy"
    assert concepts[0] == "CO2 legislation will not hurt the economy."
    assert body["statements"] == 40
    assert sum(e["weight"] for e in body["edges"]) == 40
    assert len(body["edges"]) == 22
    edges = by_label(body)
    energy = "Energy and Environmental Analysis, Inc."
    assert edges[energy, "CO2 legislation will not hurt the economy."] == 2
    assert (energy, "Cap and trade is the solution.") not in edges


def test_the_cooccurrence_network_is_dnas(network):
    body = network(kind="cooccurrence")
    assert len(body["nodes"]) == 7
    assert 2 * sum(e["weight"] for e in body["edges"]) == 276  # both triangles
    assert len(body["edges"]) == 21
    edges = by_label(body)
    assert edges["Alliance to Save Energy", "Environmental Protection Agency"] == 10
    assert edges["Energy and Environmental Analysis, Inc.", "Environmental Protection Agency"] == 2


def test_congruence_and_conflict_split_the_cooccurrence(network):
    congruence = network(kind="congruence")
    conflict = network(kind="conflict")
    assert 2 * sum(e["weight"] for e in congruence["edges"]) == 160
    assert 2 * sum(e["weight"] for e in conflict["edges"]) == 116
    assert by_label(congruence)["Environmental Protection Agency", "Senate"] == 22
