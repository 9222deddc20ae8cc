"""Digits that are not ASCII ("²", "٣") pass ``str.isdigit()`` but not ``int()``: every
place that reads an id or a count from a request refuses them cleanly, never with a 500."""

import pytest
from django.urls import reverse

from corpus.models import Assignment
from tests.factories import make_document

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["²", "٣", str(2**63)])
def test_a_matrix_cell_with_a_digit_like_id_is_not_found(client, cast, value):
    client.force_login(cast.carol)
    url = reverse("annotate:matrix", kwargs={"project": cast.project.slug})
    assert client.get(url, {"actor": value, "claim": value}).status_code == 404


@pytest.mark.parametrize("value", ["²", "٣", str(2**63)])
def test_bulk_assignment_refuses_digit_like_document_ids_and_counts(api, cast, value):
    document = make_document(cast.project)
    url = f"/api/projects/{cast.project.pk}/assignments/"
    body = {"documents": [value], "annotators": ["bob"], "per_document": 1}
    response = api("alice").post(url, body, format="json")
    assert response.status_code == 400 and "documents" in response.json()
    body = {"documents": [document.pk], "annotators": ["bob"], "per_document": value}
    response = api("alice").post(url, body, format="json")
    assert response.status_code == 400 and "per_document" in response.json()
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("value", ["²", "٣"])
def test_progress_refuses_a_digit_like_number_of_days(api, cast, value):
    response = api("alice").get(f"/api/projects/{cast.project.pk}/progress/", {"days": value})
    assert response.status_code == 400 and "days" in response.json()
