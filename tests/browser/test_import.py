"""Importing files through the page, in a real browser."""

from __future__ import annotations

from playwright.sync_api import expect

from annotate.demo import CORPUS_DIR
from corpus.models import Document


def test_an_annotator_uploads_files_and_sees_a_result_for_each(cast, page, sign_in, tmp_path):
    good = CORPUS_DIR / "003_2841f2a1df42bc26.txt"
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    sign_in("bob")
    page.goto(f"/projects/{cast.project.slug}/")
    page.get_by_role("navigation", name="Project").get_by_role("link", name="Import").click()

    page.get_by_label("Files").set_input_files([str(good), str(empty)])
    page.get_by_role("button", name="Import").click()

    results = page.get_by_role("table", name="Result for each file")
    expect(results.get_by_role("row", name="003_2841f2a1df42bc26.txt")).to_contain_text("Imported")
    expect(results.get_by_role("row", name="empty.txt")).to_contain_text(
        "Rejected The file is empty."
    )
    expect(
        page.get_by_role("link", name="Japan tests West’s boycott of Russia", exact=True)
    ).to_be_visible()
    expect(page.get_by_label("Files")).to_have_value("")
    assert Document.objects.filter(project=cast.project).count() == 1


def test_a_refused_import_says_why_and_keeps_what_was_typed(cast, page, sign_in):
    sign_in("bob")
    page.goto(f"/projects/{cast.project.slug}/import/")
    page.get_by_label("Title").fill("Phone call")
    page.get_by_role("button", name="Import").click()

    expect(page.get_by_text("Paste the text that goes with this title.")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Phone call")
    expect(page.get_by_role("navigation", name="Project")).to_be_visible()
    assert not Document.objects.exists()
