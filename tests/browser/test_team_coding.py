"""A team codes independently in a real browser: the owner starts a project with
independent coding, invites two annotators who join through their links, assigns them a
document, both code it without seeing each other's highlights and mark it done; the
owner reads the agreement; a curator accepts a version on the curation page and marks
the document curated; the stance matrix then counts the final statement."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from playwright.sync_api import expect

from annotate.models import Annotation, Curation
from corpus.models import Project
from tests.browser.test_reader import drag_select, stance
from tests.factories import make_actor, make_annotation, make_claim, make_document

PASSWORD = "kuril-islands-2016"
TEXT = "Abe wants the islands back. Putin says they are Russian."
PASSAGE = "Abe wants the islands back"


def invite(page) -> str:
    page.get_by_label("Role for the invited person").select_option("annotator")
    page.get_by_role("button", name="Create invitation link").click()
    return page.get_by_label("Invitation link", exact=True).input_value()


def join(browser, live_server, link, username, width=1400):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 1000}
    )
    context.set_default_timeout(10_000)
    person = context.new_page()
    person.goto(link)
    person.get_by_label("Username").fill(username)
    person.get_by_label("Password", exact=True).fill(PASSWORD)
    person.get_by_label("Password again").fill(PASSWORD)
    person.get_by_role("button", name="Create account and join").click()
    expect(person.get_by_role("status")).to_contain_text("You joined as annotator.")
    return context, person


def code(person, which: str) -> None:
    """Open the assigned document, tag the passage with the stance ``which``, mark done."""
    mine = person.get_by_role("region", name="My documents")
    mine.get_by_role("link", name="Abe meets Putin").click()
    expect(person.locator("#document-text")).to_be_visible()
    # Nobody else's highlight is there to copy.
    expect(person.locator("#annotation-list li[data-id]")).to_have_count(0)
    drag_select(person, PASSAGE)
    person.get_by_label("Actor").fill("Shinzo Abe")
    person.get_by_label("Claim").fill("Return the islands")
    stance(person, which).click()
    person.get_by_role("button", name="Save annotation").click()
    expect(person.locator("#annotation-list li[data-id]")).to_have_count(1)
    person.get_by_role("button", name="Mark this document as done").click()
    expect(person.get_by_text("Marked “Abe meets Putin” as done.")).to_be_visible()


def test_a_team_codes_independently_measures_agreement_and_curates(
    browser, live_server, page, sign_in, cast, curator
):
    sign_in("alice")
    page.get_by_role("link", name="New project").click()
    page.get_by_label("Name").fill("Kuril study")
    page.get_by_role("button", name="Create project").click()
    nav = page.get_by_role("navigation", name="Project")
    nav.get_by_role("link", name="Settings").click()
    page.get_by_label("Independent coding").check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_contain_text("Saved the project's settings.")
    nav.get_by_role("link", name="Import").click()
    page.get_by_label("Title").fill("Abe meets Putin")
    page.get_by_label("Text").fill(TEXT)
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("link", name="Abe meets Putin", exact=True)).to_be_visible()
    project = Project.objects.get(name="Kuril study")
    assert project.independent_coding
    make_actor(project, "Shinzo Abe")
    make_claim(project, "Return the islands")

    # Two annotators join through their links (one on a phone); a curator is added.
    nav.get_by_role("link", name="Members").click()
    dave_link = invite(page)
    erin_link = invite(page)
    dave_context, dave = join(browser, live_server, dave_link, "dave")
    erin_context, erin = join(browser, live_server, erin_link, "erin", width=390)
    nav.get_by_role("link", name="Members").click()
    adding = page.get_by_role("group", name="Add a member")
    adding.get_by_label("Username").fill("cora")
    adding.get_by_label("Role").select_option("curator")
    adding.get_by_role("button", name="Add member").click()
    expect(page.get_by_role("table", name=re.compile("members"))).to_contain_text("cora")

    # Both get the document.
    nav.get_by_role("link", name="Progress").click()
    page.get_by_label("Documents to assign").select_option(label="Abe meets Putin")
    page.get_by_label("dave").check()
    page.get_by_label("erin").check()
    page.get_by_label("Annotators per document").fill("2")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("status")).to_contain_text("Made 2 assignments.")

    # Each codes it alone: neither sees the other's highlight.
    dave.reload()
    code(dave, "Support")
    erin.reload()
    code(erin, "Oppose")
    dave.reload()
    expect(dave.locator("#annotation-list li[data-id]")).to_have_count(1)
    expect(dave.locator("#annotation-list")).not_to_contain_text("erin")
    dave_context.close()
    erin_context.close()

    # The owner reads the agreement on the stance: they disagree on the one passage.
    nav.get_by_role("link", name="Agreement").click()
    page.get_by_label("Field").select_option("stance")
    page.get_by_role("button", name="Measure").click()
    figures = page.get_by_role("table", name="Agreement on the stance")
    expect(figures).to_contain_text("Krippendorff's alpha (nominal)")
    expect(
        figures.get_by_role("row", name=re.compile("Cohen's kappa, dave and erin"))
    ).to_contain_text("1 unit both coded")
    disagreements = page.locator("ol.disagreements")
    expect(disagreements).to_contain_text("dave: Support")
    expect(disagreements).to_contain_text("erin: Oppose")

    # The curator follows the passage's link to curation and accepts dave's version.
    page.context.clear_cookies()
    sign_in("cora")
    page.goto(f"/projects/{project.slug}/agreement/?field=stance")
    page.get_by_role("link", name=re.compile("Abe meets Putin, characters 0–26")).click()
    row = page.locator("#passage-0")
    expect(row).to_contain_text("≠ Differs: stance")
    page.get_by_role("button", name="Accept dave's version at characters 0–26").click()
    expect(page.get_by_role("status").first).to_contain_text("Accepted dave's version")
    expect(row).to_contain_text("accepted from dave by cora")
    page.get_by_role("button", name="Mark curated").click()
    expect(page.get_by_role("status").first).to_contain_text("Marked curated.")
    final = Annotation.objects.select_related("curated_from__created_by").get(final=True)
    accepted = final.curated_from
    assert accepted is not None and accepted.created_by == User.objects.get(username="dave")
    assert final.stance == "support"
    assert Curation.objects.get(document=final.document).curated

    # The matrix now counts the final statement, and says what it counts.
    page.get_by_role("navigation", name="Project").get_by_role("link", name="Stance matrix").click()
    expect(page.get_by_text("Counting the final annotations of curated documents")).to_be_visible()
    matrix = page.get_by_role("table", name=re.compile("Statements by actor"))
    expect(
        matrix.get_by_role("link", name=re.compile("Shinzo Abe on Return the islands"))
    ).to_have_attribute("aria-label", "Shinzo Abe on Return the islands: 1 support, 0 oppose")


def test_the_agreement_and_curation_pages_fit_a_phone(browser, live_server, cast, curator):
    document = make_document(cast.project, title="Abe meets Putin", text=TEXT)
    actor, claim = make_actor(cast.project, "Shinzo Abe"), make_claim(cast.project, "Islands")
    for who, position in ((cast.bob, "support"), (cast.alice, "oppose")):
        make_annotation(
            document, start=0, end=26, actor=actor, claim=claim, stance=position, created_by=who
        )
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    phone = context.new_page()
    phone.goto("/accounts/login/")
    phone.get_by_label("Username").fill("cora")
    phone.get_by_label("Password").fill("pass-word-123")
    phone.get_by_role("button", name="Sign in").click()
    phone.wait_for_url("**/projects/**")
    for url in (
        f"/projects/{cast.project.slug}/agreement/?field=stance",
        f"/projects/{cast.project.slug}/documents/{document.pk}/curation/",
    ):
        phone.goto(url)
        expect(phone.get_by_role("heading", level=2)).to_be_visible()
        # Wide tables scroll inside their labelled region; the page itself does not.
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    expect(phone.get_by_role("button", name=re.compile("^Accept bob's version"))).to_be_visible()
    context.close()


def test_a_curator_edits_a_final_annotation_from_the_curation_page(page, sign_in, cast, curator):
    from annotate.services.curation import accept_annotation

    document = make_document(cast.project, title="Abe meets Putin", text=TEXT)
    actor, claim = make_actor(cast.project, "Shinzo Abe"), make_claim(cast.project, "Islands")
    bobs = make_annotation(
        document, start=0, end=26, actor=actor, claim=claim, stance="support", created_by=cast.bob
    )
    final = accept_annotation(annotation=bobs, accepted_by=cast.cora)
    sign_in("cora")
    page.goto(f"/projects/{cast.project.slug}/documents/{document.pk}/curation/")
    page.get_by_role("link", name="Edit in the reader").click()
    # The reader opens on the final annotation, marked as such in the side list.
    entry = page.locator(f"#entry-{final.pk}")
    expect(entry).to_contain_text("Final, curated by cora")
    highlight = page.locator(f'#document-text [data-ids~="{final.pk}"]').first
    highlight.click()
    expect(page.get_by_label("Actor")).to_have_value("Shinzo Abe")
    stance(page, "Neutral").click()
    page.get_by_role("button", name="Save annotation").click()
    expect(highlight).to_have_class(re.compile("st-neutral"))
    final.refresh_from_db()
    bobs.refresh_from_db()
    assert (final.stance, final.final, bobs.stance) == ("neutral", True, "support")
