"""Editing a document's details in the browser; the text and its offsets never move."""

from __future__ import annotations

import datetime

from django.urls import reverse

from tests.factories import make_annotation, make_document


def edit_url(document) -> str:
    return reverse("corpus:document-edit", args=[document.project.slug, document.pk])


FORM = {
    "title": "Abe visits Nagato",
    "source_name": "Kyodo",
    "source_url": "https://kyodo.example/nagato",
    "author": "Aiko Tanaka",
    "published_at": "2016-12-15",
    "language": "en",
    "notes": "Checked against the print edition.",
}


def test_the_form_labels_every_field_with_its_plain_name(cast, client, document):
    client.force_login(cast.bob)
    html = client.get(edit_url(document)).content.decode()
    for label in ("Title", "Source", "URL", "Author", "Date", "Language", "Notes"):
        assert f">{label}</label>" in html


def test_an_annotator_changes_the_details_and_the_annotations_stay_put(cast, client, document):
    annotation = make_annotation(document, start=0, end=5)
    text = document.text
    client.force_login(cast.bob)

    response = client.post(edit_url(document), FORM)

    assert response.status_code == 302
    assert response["Location"] == document.get_absolute_url()
    document.refresh_from_db()
    annotation.refresh_from_db()
    assert document.title == "Abe visits Nagato"
    assert (document.source_name, document.source_url, document.author) == (
        "Kyodo",
        "https://kyodo.example/nagato",
        "Aiko Tanaka",
    )
    assert document.published_at == datetime.datetime(2016, 12, 15, tzinfo=datetime.UTC)
    assert (document.language, document.notes) == ("en", "Checked against the print edition.")
    assert document.text == text
    assert (annotation.start, annotation.end, annotation.quote) == (0, 5, text[:5])


def test_a_time_of_day_survives_when_the_date_is_left_alone(cast, client):
    published = datetime.datetime(2015, 6, 9, 14, 30, tzinfo=datetime.UTC)
    document = make_document(cast.project, published_at=published)
    client.force_login(cast.alice)
    form = {**FORM, "published_at": "2015-06-09"}
    client.post(edit_url(document), form)
    document.refresh_from_db()
    assert document.published_at == published


def test_bad_details_are_explained_beside_their_field_and_change_nothing(cast, client, document):
    client.force_login(cast.bob)
    response = client.post(
        edit_url(document), {**FORM, "title": "  ", "source_url": "kyodo", "published_at": "soon"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required." in html
    assert "Enter a valid URL." in html
    assert "Enter a valid date." in html
    document.refresh_from_db()
    assert document.title == "Abe and Putin"


def test_viewers_cannot_edit_details(cast, client, document):
    client.force_login(cast.carol)
    assert client.get(edit_url(document)).status_code == 403
    assert client.post(edit_url(document), FORM).status_code == 403
    document.refresh_from_db()
    assert document.title == "Abe and Putin"


def test_another_projects_document_is_not_found(cast, client, document):
    client.force_login(cast.mallory)
    assert client.get(edit_url(document)).status_code == 404
    theirs = make_document(cast.other)
    wrong_project = reverse("corpus:document-edit", args=[cast.project.slug, theirs.pk])
    client.force_login(cast.alice)
    assert client.get(wrong_project).status_code == 404
