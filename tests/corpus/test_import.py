"""Import through the page, and the pipeline's rules: formats, encodings, duplicates, safety."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.urls import reverse

from annotate.demo import CORPUS_DIR
from corpus import hooks
from corpus.importing import ParsedFile, Upload, import_files
from corpus.importing.formats import DocumentDraft
from corpus.models import Document, Role
from corpus.search import search_documents
from tests.factories import add_member, make_document, make_project

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"

ARTICLE_HTML = """<!doctype html>
<html lang="en"><head>
<title>Abe and Putin agree to talk about the islands | Example News</title>
<meta name="author" content="Jane Roe">
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2016-12-15T09:00:00Z">
<link rel="canonical" href="https://news.example.com/abe-putin-islands">
</head><body>
<nav><ul><li><a href="/">Home page</a></li><li><a href="/world">World news section</a></li>
<li><a href="/subscribe">Subscribe to our newsletter today</a></li></ul></nav>
<article>
<h1>Abe and Putin agree to talk about the islands</h1>
<p>Prime Minister Shinzo Abe met President Vladimir Putin in Nagato on Thursday, and the two
leaders agreed to keep talking about the disputed islands north of Hokkaido.</p>
<p>Officials said joint economic activity on the islands could open the way to a peace treaty,
seventy years after the end of the Second World War.</p>
</article>
<footer><p>Copyright 2016 Example News. All rights reserved. Contact the newsroom.</p></footer>
</body></html>
"""


def sample_files() -> list[Path]:
    return sorted(CORPUS_DIR.glob("*.txt"))


def uploads_of(paths: list[Path]) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(path.name, path.read_bytes()) for path in paths]


def snapshot(project) -> list[tuple[str, str]]:
    return sorted(Document.objects.filter(project=project).values_list("title", "content_hash"))


def import_page(client, project, files=(), **data):
    return client.post(
        reverse("corpus:import", args=[project.slug]), {"files": list(files), **data}
    )


def test_the_sample_corpus_comes_in_the_same_through_the_page_the_api_and_the_command(cast, client):
    by_page, by_api, by_command = (make_project(slug=f"via-{n}") for n in ("page", "api", "cmd"))
    for project in (by_page, by_api, by_command):
        add_member(project, cast.alice, Role.OWNER)
    client.force_login(cast.alice)

    page = import_page(client, by_page, uploads_of(sample_files()))
    api = client.post(
        reverse("api:document-import"),
        {"project": by_api.pk, "files": uploads_of(sample_files())},
    )
    call_command(
        "import_documents",
        str(CORPUS_DIR),
        project=by_command.slug,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
        no_progress=True,
    )

    assert page.status_code == 200
    assert api.status_code == 201
    assert len(snapshot(by_page)) == 5
    assert snapshot(by_page) == snapshot(by_api) == snapshot(by_command)
    assert page.content.decode().count("Imported as") == 5


def test_importing_the_sample_again_reports_five_duplicates_and_adds_nothing(cast, client):
    client.force_login(cast.bob)
    import_page(client, cast.project, uploads_of(sample_files()))
    before = snapshot(cast.project)

    again = import_page(client, cast.project, uploads_of(sample_files()))

    assert snapshot(cast.project) == before
    assert again.context["counts"] == {"imported": 0, "duplicate": 5, "rejected": 0, "documents": 0}
    assert all("already in the project as" in r.message for r in again.context["results"])


def test_titles_come_from_a_headline_like_first_line_else_from_the_file_name(cast, client):
    client.force_login(cast.bob)
    import_page(client, cast.project, uploads_of(sample_files()))
    titles = {d.original_filename: d.title for d in Document.objects.filter(project=cast.project)}
    # A real headline…
    assert titles["003_2841f2a1df42bc26.txt"] == "Japan tests West’s boycott of Russia"
    # …but not a long opening sentence, nor a scraped time stamp.
    assert titles["000_3f2d6af3ead843af.txt"] == "000_3f2d6af3ead843af"
    assert titles["004_cd44fa2f4d81743e.txt"] == "004_cd44fa2f4d81743e"


def test_a_markdown_heading_becomes_the_title(cast):
    upload = Upload.from_bytes("notes.md", b"# Kuril talks resume\n\nDiplomats met in Moscow.\n")
    [result] = import_files(project=cast.project, uploads=[upload], created_by=cast.bob)
    assert result.status == "imported"
    assert Document.objects.get(pk=result.documents[0][0]).title == "Kuril talks resume"


def test_the_original_bytes_and_encoding_are_kept_beside_the_normalised_text(cast):
    raw = "\ufeffLine one\r\nLine two\r\n".encode()
    [result] = import_files(
        project=cast.project, uploads=[Upload.from_bytes("a.txt", raw)], created_by=cast.bob
    )
    document = Document.objects.get(pk=result.documents[0][0])
    assert document.text == "Line one\nLine two\n"
    assert bytes(document.original) == raw
    assert (document.original_filename, document.original_encoding) == ("a.txt", "utf-8-sig")
    assert document.created_by == cast.bob


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compression is PostgreSQL's")
def test_long_texts_and_uploads_are_compressed_with_lz4_and_read_back_exactly(cast):
    raw = "\ufeffTōkyō and Moscow resumed talks on the islands.\r\n".encode() * 200
    [result] = import_files(
        project=cast.project, uploads=[Upload.from_bytes("long.txt", raw)], created_by=cast.bob
    )
    document = Document.objects.get(pk=result.documents[0][0])
    assert bytes(document.original) == raw
    assert document.text.startswith("Tōkyō and Moscow resumed talks on the islands.\n")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_compression(text), pg_column_compression(original) "
            "FROM corpus_document WHERE id = %s",
            [document.pk],
        )
        assert cursor.fetchone() == ("lz4", "lz4")


def test_an_html_page_yields_its_article_text_and_metadata_without_navigation_or_footer(cast):
    [result] = import_files(
        project=cast.project,
        uploads=[Upload.from_bytes("page.html", ARTICLE_HTML.encode())],
        created_by=cast.bob,
    )
    document = Document.objects.get(pk=result.documents[0][0])
    assert "leaders agreed to keep talking about the disputed islands" in document.text
    assert "seventy years after the end of the Second World War" in document.text
    for junk in ("Home page", "World news section", "newsletter", "Copyright", "newsroom"):
        assert junk not in document.text
    assert document.title.startswith("Abe and Putin agree to talk about the islands")
    assert document.author == "Jane Roe"
    assert document.source_url == "https://news.example.com/abe-putin-islands"
    assert document.published_at is not None
    assert document.published_at.date().isoformat() == "2016-12-15"


CHROME_HTML = """<!doctype html>
<html lang="en"><head><title>Tense US-Russia relations complicate Abe's diplomacy</title></head>
<body><div>
<svg:svg><svg:title>Arrow</svg:title></svg:svg>
<p><i class="icon icon-mail">Icon Mail</i><span hidden>Icon Print</span>
<span class="fa fa-eye">Eye Icon</span>TOKYO -- Increased tensions over Ukraine are no longer
someone else's problem for the government of Japanese Prime Minister Shinzo Abe.</p>
<p><span class="icon">Positive Arrow</span>Japan has found itself in the middle of the fierce
tug-of-war between the U.S. and Russia, according to a Japanese government official.</p>
<p><span class="icon-note">This longer remark sits in an element styled as an icon note, and
stays because it is far longer than any icon's label.</span></p>
</div></body></html>
"""


def test_an_html_page_loses_its_chrome_drawings_icons_and_hidden_labels(cast):
    [result] = import_files(
        project=cast.project,
        uploads=[Upload.from_bytes("nikkei.html", CHROME_HTML.encode())],
        created_by=cast.bob,
    )
    document = Document.objects.get(pk=result.documents[0][0])
    assert document.text.startswith("TOKYO -- Increased tensions over Ukraine")
    assert "fierce\ntug-of-war" in document.text or "fierce tug-of-war" in document.text
    for junk in ("Arrow", "Icon Mail", "Icon Print", "Eye Icon"):
        assert junk not in document.text
    assert "This longer remark sits in an element styled as an icon note" in document.text


def test_bad_files_each_get_their_own_reason_while_the_good_files_go_in(cast, client, settings):
    settings.IMPORT_MAX_FILE_SIZE = 2000
    client.force_login(cast.bob)
    files = [
        SimpleUploadedFile("good.txt", b"Abe will visit Moscow in May.\n"),
        SimpleUploadedFile("legacy.txt", "Café talks in Sôchi: “détente”.\n".encode("cp1252")),
        SimpleUploadedFile("empty.txt", b""),
        SimpleUploadedFile("photo.txt", PNG),
        SimpleUploadedFile("huge.txt", b"word " * 1000),
        SimpleUploadedFile("report.docx", b"PK\x03\x04 not really"),
    ]
    response = import_page(client, cast.project, files)

    results = {r.filename: r for r in response.context["results"]}
    assert [r.filename for r in response.context["results"]] == [f.name for f in files]
    assert results["good.txt"].status == "imported"
    assert results["legacy.txt"].status == "imported"
    assert results["legacy.txt"].encoding == "cp1252"
    assert "not UTF-8" in results["legacy.txt"].message
    legacy = Document.objects.get(original_filename="legacy.txt")
    assert legacy.text == "Café talks in Sôchi: “détente”.\n"
    assert results["empty.txt"].message == "The file is empty."
    assert results["photo.txt"].message == "This is not a text file: it looks like a PNG image."
    assert "over the limit of" in results["huge.txt"].message
    assert "“.docx” files cannot be imported" in results["report.docx"].message
    assert {r.status for n, r in results.items() if n not in ("good.txt", "legacy.txt")} == {
        "rejected"
    }
    assert Document.objects.filter(project=cast.project).count() == 2
    page = response.content.decode()
    assert "This is not a text file: it looks like a PNG image." in page
    assert "The file is empty." in page


def test_a_csv_file_with_metadata_comes_in_with_that_metadata(cast):
    csv_bytes = (  # noqa: UP012 - the CSV reads better as text
        "title,text,source_name,source_url,author,published_at,language,section\n"
        "Sanctions stay,Japan keeps its sanctions.,Nikkei,https://nikkei.example/1,"
        "Ken Sato,2014-03-10,en,Politics\n"
        '"Talks, again","Abe and Putin talk again.\nA second line.",Kyodo,,,'
        "2016-12-15T08:30:00+09:00,ja,\n"
    ).encode()
    [result] = import_files(
        project=cast.project,
        uploads=[Upload.from_bytes("articles.csv", csv_bytes)],
        created_by=None,
    )
    assert result.status == "imported", result.message
    first = Document.objects.get(title="Sanctions stay")
    assert (first.source_name, first.source_url, first.author, first.language) == (
        "Nikkei",
        "https://nikkei.example/1",
        "Ken Sato",
        "en",
    )
    assert first.published_at is not None
    assert first.published_at.date().isoformat() == "2014-03-10"
    assert first.metadata == {"section": "Politics"}
    second = Document.objects.get(title="Talks, again")
    assert second.text == "Abe and Putin talk again.\nA second line."
    assert second.published_at is not None
    assert second.published_at.isoformat() == "2016-12-14T23:30:00+00:00"
    assert second.language == "ja"


def test_a_json_lines_file_with_metadata_comes_in_with_that_metadata(cast):
    lines = [
        {"title": "One", "text": "First text.", "author": "A. Writer", "tags": ["japan", "russia"]},
        {
            "title": "Two",
            "text": "Second text.",
            "published_at": "2015-06-09",
            "source_name": "Asahi",
        },
    ]
    data = "\n".join(json.dumps(line) for line in lines).encode()
    [result] = import_files(
        project=cast.project, uploads=[Upload.from_bytes("feed.jsonl", data)], created_by=None
    )
    assert result.status == "imported"
    one, two = Document.objects.filter(project=cast.project).order_by("title")
    assert one.author == "A. Writer"
    assert one.metadata == {"tags": ["japan", "russia"]}
    assert two.source_name == "Asahi"
    assert two.published_at is not None
    assert two.published_at.date().isoformat() == "2015-06-09"


def test_a_json_file_may_hold_one_object_or_a_list(cast):
    one = json.dumps({"title": "Alone", "text": "Just one."}).encode()
    many = json.dumps([{"text": "Untitled first line\n\nbody"}, {"title": "B", "text": "Bee."}])
    results = list(
        import_files(
            project=cast.project,
            uploads=[
                Upload.from_bytes("one.json", one),
                Upload.from_bytes("many.json", many.encode()),
            ],
            created_by=None,
        )
    )
    assert [r.imported for r in results] == [1, 2]
    assert set(Document.objects.values_list("title", flat=True)) == {
        "Alone",
        "Untitled first line",
        "B",
    }


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        (
            "bad.csv",
            "title,text\nFine,Good text.\nBroken,\n",
            "Row 2: the text is missing or empty.",
        ),
        ("bad.csv", "title,text,published_at\nA,Text.,yesterday\n", "Row 1: published_at"),
        ("bad.csv", "title,body\nA,Text.\n", "The CSV has no “text” column"),
        ("bad.jsonl", '{"text": "ok"}\n{"text": \n', "Line 2: not valid JSON"),
        ("bad.json", '[{"text": "ok"}, 3]', "Item 2: expected an object"),
        ("bad.json", '{"text": "ok",', "This is not valid JSON"),
        ("bad.csv", "title,text,source_url\nA,Text.,not a url\n", "Row 1: URL: Enter a full"),
    ],
)
def test_a_bad_record_rejects_its_whole_file_naming_where_and_leaves_nothing(
    cast, name, content, reason
):
    [result] = import_files(
        project=cast.project, uploads=[Upload.from_bytes(name, content.encode())], created_by=None
    )
    assert result.status == "rejected"
    assert result.message.startswith(reason), result.message
    assert not Document.objects.exists()


def test_the_same_text_twice_in_one_import_goes_in_once(cast):
    results = list(
        import_files(
            project=cast.project,
            uploads=[
                Upload.from_bytes("a.txt", b"Same words.\n"),
                Upload.from_bytes("b.txt", b"Same words.\r\n"),
            ],
            created_by=None,
        )
    )
    assert [r.status for r in results] == ["imported", "duplicate"]
    assert "the same text as a.txt, earlier in this import" in results[1].message
    assert Document.objects.count() == 1


def test_duplicate_rows_of_a_table_are_skipped_and_the_other_rows_go_in(cast):
    make_document(cast.project, title="Known", text="Known text.")
    data = b"title,text\nAgain,Known text.\nNew,New text.\nNew twice,New text.\n"
    [result] = import_files(
        project=cast.project, uploads=[Upload.from_bytes("t.csv", data)], created_by=None
    )
    assert result.status == "imported"
    assert result.imported == 1
    assert [d.label for d in result.duplicates] == ["Row 1", "Row 3"]
    assert result.duplicates[0].existing_title == "Known"


def test_a_failure_half_way_through_a_file_leaves_nothing_of_that_file(cast):
    def failing_after_save(documents, created_by):
        raise DatabaseError("the disk is full")

    def importer(data: bytes, filename: str) -> ParsedFile:
        drafts = [DocumentDraft(text=f"Text {n}.", title=f"T{n}") for n in range(3)]
        return ParsedFile(drafts=drafts, after_save=failing_after_save)

    hooks.register_importer(".fail", importer)
    try:
        results = list(
            import_files(
                project=cast.project,
                uploads=[
                    Upload.from_bytes("first.txt", b"Before."),
                    Upload.from_bytes("broken.fail", b"x"),
                    Upload.from_bytes("last.txt", b"After."),
                ],
                created_by=None,
            )
        )
    finally:
        hooks._importers.pop(".fail")
    assert [r.status for r in results] == ["imported", "rejected", "imported"]
    assert "nothing of it was kept" in results[1].message
    assert set(Document.objects.values_list("title", flat=True)) == {"first", "last"}


def test_a_search_for_naryshkin_finds_the_one_imported_sample_document_that_names_him(cast):
    uploads = [Upload.from_path(path) for path in sample_files()]
    list(import_files(project=cast.project, uploads=uploads, created_by=cast.bob))
    found = list(search_documents(Document.objects.filter(project=cast.project), "Naryshkin"))
    assert [d.original_filename for d in found] == ["000_3f2d6af3ead843af.txt"]


# The page ---------------------------------------------------------------------------------


def test_pasted_text_comes_in_with_its_title(cast, client):
    client.force_login(cast.bob)
    response = import_page(
        client, cast.project, title="Phone call", text="Abe called Putin on Wednesday."
    )
    assert response.context["results"][0].status == "imported"
    document = Document.objects.get()
    assert (document.title, document.text) == ("Phone call", "Abe called Putin on Wednesday.")


def test_an_empty_import_form_says_what_is_missing_and_changes_nothing(cast, client):
    client.force_login(cast.bob)
    response = import_page(client, cast.project)
    assert response.status_code == 422
    assert "Choose one or more files, or paste a text." in response.content.decode()
    assert not Document.objects.exists()


def test_a_title_without_text_asks_for_the_text(cast, client):
    client.force_login(cast.bob)
    response = client.post(
        reverse("corpus:import", args=[cast.project.slug]),
        {"title": "Only a title", "text": ""},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Paste the text that goes with this title." in page
    assert "Choose one or more files" not in page
    assert not Document.objects.exists()


def test_an_htmx_import_answers_with_the_results_only(cast, client):
    client.force_login(cast.bob)
    response = client.post(
        reverse("corpus:import", args=[cast.project.slug]),
        {"files": [SimpleUploadedFile("a.txt", b"Some text.")]},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="import-results"')
    assert "<form" not in html
    assert "Imported as" in html
    assert response["Vary"].count("HX-Request") == 1


def test_the_import_page_shows_a_form_with_labelled_fields_to_annotators(cast, client):
    client.force_login(cast.bob)
    html = client.get(reverse("corpus:import", args=[cast.project.slug])).content.decode()
    for label in ("Files", "Title", "Text"):
        assert f">{label}</label>" in html
    assert 'type="file" name="files" multiple' in html


def test_viewers_cannot_import(cast, client):
    client.force_login(cast.carol)
    url = reverse("corpus:import", args=[cast.project.slug])
    assert client.get(url).status_code == 403
    response = client.post(url, {"files": [SimpleUploadedFile("a.txt", b"Text.")]})
    assert response.status_code == 403
    assert not Document.objects.exists()


def test_another_projects_import_page_is_not_found(cast, client):
    client.force_login(cast.mallory)
    assert client.get(reverse("corpus:import", args=[cast.project.slug])).status_code == 404


def test_the_project_navigation_offers_import_to_annotators_but_not_to_viewers(cast, client):
    url = reverse("corpus:project-detail", args=[cast.project.slug])
    import_url = reverse("corpus:import", args=[cast.project.slug])
    client.force_login(cast.bob)
    assert import_url in client.get(url).content.decode()
    client.force_login(cast.carol)
    assert import_url not in client.get(url).content.decode()


@pytest.mark.parametrize("files", [3, 30])
def test_an_import_takes_the_same_number_of_queries_however_many_files(
    cast, client, files, django_assert_max_num_queries
):
    client.force_login(cast.bob)
    uploads = [SimpleUploadedFile(f"f{n}.txt", f"Text number {n}.".encode()) for n in range(files)]
    with django_assert_max_num_queries(12):
        response = import_page(client, cast.project, uploads)
    assert response.context["counts"]["documents"] == files
