import re

from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import make_actor, make_annotation, make_claim


def usage_of(page, name):
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name))
    return row.locator('[data-label="annotations"]')


def test_an_annotator_merges_two_actors_and_sees_the_usage_counts_change(
    page, sign_in, cast, document
):
    abe = make_actor(cast.project, "Shinzo Abe", kind="person")
    make_actor(cast.project, "Prime Minister Abe", kind="person", colour="#1a56a7")
    claim = make_claim(cast.project, "Closer ties with Russia")
    make_annotation(document, actor=abe, claim=claim, stance="support", start=0, end=5)
    make_annotation(document, actor=abe, start=6, end=14)

    sign_in("bob")
    page.goto(reverse("annotate:actor-list", args=[cast.project.slug]))
    expect(usage_of(page, "Shinzo Abe")).to_have_text("2")
    expect(usage_of(page, "Prime Minister Abe")).to_have_text("0")

    page.get_by_role("link", name="Merge Shinzo Abe").click()
    page.get_by_label("Merge into actor").select_option(label="Prime Minister Abe")
    page.get_by_role("button", name="Merge").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Merged “Shinzo Abe” into “Prime Minister Abe”"
    )
    expect(usage_of(page, "Prime Minister Abe")).to_have_text("2")
    expect(page.get_by_role("rowheader", name="Shinzo Abe", exact=True)).to_have_count(0)
    expect(page.get_by_text("also: Shinzo Abe")).to_be_visible()

    # Search as you type narrows the list without a page load, and inline edit saves in place.
    page.get_by_label("Search actors").fill("zzz")
    expect(page.get_by_text("No actor matches.")).to_be_visible()
    page.get_by_label("Search actors").fill("prime")
    page.get_by_role("link", name="Edit Prime Minister Abe").click()
    expect(page.get_by_label("Name")).to_be_focused()
    page.get_by_label("Name").fill("Abe Shinzo")
    page.get_by_role("button", name="Save actor").click()
    expect(page.get_by_role("rowheader", name="Abe Shinzo")).to_be_visible()
    expect(page.get_by_role("link", name="Edit Abe Shinzo")).to_be_focused()
    expect(usage_of(page, "Abe Shinzo")).to_have_text("2")
    expect(page).to_have_url(re.compile(r"/actors/\?q=prime"))  # never left the list


def test_a_viewer_sees_the_codebook_but_no_forms(page, sign_in, cast):
    make_actor(cast.project, "Shinzo Abe")
    sign_in("carol")
    page.goto(reverse("annotate:actor-list", args=[cast.project.slug]))
    expect(page.get_by_role("rowheader", name="Shinzo Abe")).to_be_visible()
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name="New actor")).to_have_count(0)
    expect(main.get_by_role("link", name="Edit Shinzo Abe")).to_have_count(0)
    expect(main.get_by_role("link", name="Merge Shinzo Abe")).to_have_count(0)
    expect(main.locator("form[method=post]")).to_have_count(0)
    page.get_by_role("navigation", name="Project").get_by_role("link", name="Members").click()
    expect(main.get_by_role("button")).to_have_count(0)
