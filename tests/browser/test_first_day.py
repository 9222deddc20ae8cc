"""What a newcomer meets on the first day: type-ahead, keyboard annotating,
stance without colour, phone widths, readable history, clean imports and the small
courtesies around them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from annotate.models import Annotation
from tests.browser.test_reader import dom_select, drag_select, open_reader
from tests.factories import (
    actor_of,
    claim_of,
    make_actor,
    make_annotation,
    make_claim,
    make_document,
)

# Type-ahead -------------------------------------------------------------------------------


def test_enter_in_the_actor_field_takes_the_highlighted_suggestion_and_saves_nothing(
    page, sign_in, cast
):
    document = make_document(cast.project, title="Type-ahead")
    make_actor(cast.project, "Shinzo Abe", aliases=["Abe"])
    make_claim(cast.project, "Closer ties with Russia")
    sign_in("bob")
    open_reader(page, document)
    drag_select(page, "Shinzo Abe")
    actor = page.get_by_label("Actor")
    actor.press_sequentially("abe", delay=30)
    suggestions = page.get_by_role("listbox", name="Names in the codebook")
    expect(suggestions.get_by_role("option", name="Shinzo Abe")).to_have_attribute(
        "aria-selected", "true"
    )
    actor.press("Enter")
    expect(actor).to_have_value("Shinzo Abe")
    expect(suggestions).to_be_hidden()
    expect(page.get_by_role("dialog")).to_be_visible()
    # A second Enter moves on to the claim rather than saving a half-filled annotation.
    actor.press("Enter")
    claim = page.get_by_label("Claim")
    expect(claim).to_be_focused()
    claim.press_sequentially("closer", delay=30)
    page.get_by_role("listbox", name="Labels in the codebook").get_by_role(
        "option", name="Closer ties with Russia"
    ).wait_for()
    claim.press("ArrowDown")  # stays on the only entry
    claim.press("Enter")
    expect(claim).to_have_value("Closer ties with Russia")
    claim.press("Enter")
    expect(page.get_by_role("button", name="Support", exact=True)).to_be_focused()
    assert not Annotation.objects.exists()
    page.get_by_role("button", name="Save annotation").click()
    expect(page.locator("#annotation-list li[data-id]")).to_have_count(1)
    saved = Annotation.objects.get()
    assert (actor_of(saved).name, claim_of(saved).label) == (
        "Shinzo Abe",
        "Closer ties with Russia",
    )


def test_suggestions_say_how_many_more_match_and_can_be_clicked(page, sign_in, cast):
    document = make_document(cast.project, title="Many ministers")
    for n in range(15):
        make_actor(cast.project, f"Minister {n:02d}")
    sign_in("bob")
    open_reader(page, document)
    drag_select(page, "Shinzo Abe")
    page.get_by_label("Actor").press_sequentially("minister", delay=20)
    suggestions = page.get_by_role("listbox", name="Names in the codebook")
    expect(suggestions.get_by_role("option")).to_have_count(12)
    expect(page.get_by_text("12 of 15 shown; type more to narrow them.")).to_be_visible()
    page.get_by_label("Actor").press_sequentially(" 1", delay=20)
    expect(suggestions.get_by_role("option")).to_have_count(5)
    expect(page.get_by_text("of 15 shown")).to_have_count(0)
    suggestions.get_by_role("option", name="Minister 13").click()
    expect(page.get_by_label("Actor")).to_have_value("Minister 13")
    expect(page.get_by_label("Actor")).to_be_focused()


# Annotating without a mouse ----------------------------------------------------------------


def text_of_form(page):
    return page.locator("#form-quote").text_content()


def test_the_keyboard_moves_a_caret_by_character_word_and_sentence_and_shift_extends(
    page, sign_in, cast
):
    text = "Prime Minister Shinzo Abe met Putin. Then the talks began. Japan wants ties."
    document = make_document(cast.project, title="Keyboard only", text=text)
    sign_in("bob")
    open_reader(page, document)
    body = page.get_by_role("article", name="Document text")
    body.focus()
    expect(body).to_be_focused()
    page.keyboard.press("Control+ArrowRight")  # after "Prime"
    page.keyboard.press("Control+ArrowRight")  # after "Minister"
    page.keyboard.press("ArrowRight")  # over the space
    page.keyboard.press("Shift+Control+ArrowRight")
    page.keyboard.press("Shift+Control+ArrowRight")
    page.keyboard.press("a")
    expect(page.get_by_role("dialog")).to_be_visible()
    expect(page.locator("#form-quote")).to_have_text("Shinzo Abe")
    page.keyboard.press("Escape")
    expect(body).to_be_focused()

    # By sentence: to the start of the next one, then Shift takes the whole sentence.
    page.keyboard.press("Control+ArrowDown")
    page.keyboard.press("Shift+Control+ArrowDown")
    page.keyboard.press("a")
    expect(page.locator("#form-quote")).to_have_text("Then the talks began.")
    page.get_by_role("button", name="Save annotation").click()
    expect(page.locator("#annotation-list li[data-id]")).to_have_count(1)
    saved = Annotation.objects.get()
    assert (saved.start, saved.end) == (37, 58)
    assert text[saved.start : saved.end] == "Then the talks began."

    # Shift with a plain arrow extends by one character; the passage snaps to the word.
    body.focus()
    page.keyboard.press("End")
    page.keyboard.press("Control+ArrowLeft")  # before "ties"
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("a")
    expect(page.locator("#form-quote")).to_have_text("ties")


def test_mouse_selections_snap_to_words_unless_exact_characters_are_asked_for(page, sign_in, cast):
    document = make_document(cast.project, title="Snapping")
    sign_in("bob")
    open_reader(page, document)
    drag_select(page, "inister Shin")
    expect(page.locator("#form-quote")).to_have_text("Minister Shinzo")
    page.keyboard.press("Escape")
    page.get_by_label("Select exact characters").check()
    drag_select(page, "inister Shin")
    expect(page.locator("#form-quote")).to_have_text("inister Shin")
    page.get_by_role("button", name="Save annotation").click()
    expect(page.locator("#annotation-list li[data-id]")).to_have_count(1)
    assert Annotation.objects.get().quote == "inister Shin"


@pytest.mark.parametrize("exact", [True, False], ids=["exact", "snapped"])
def test_keyboard_selections_over_emoji_cjk_and_combining_accents_round_trip(
    page, sign_in, cast, exact
):
    text = "日本 🇯🇵 q\u0303uo 👩🏽\u200d🔬 ok."
    document = make_document(cast.project, title="Graphemes", text=text)
    sign_in("bob")
    open_reader(page, document)
    if exact:
        page.get_by_label("Select exact characters").check()
    page.get_by_role("article", name="Document text").focus()
    for _ in range(3):  # 日, 本 and the space: one character each
        page.keyboard.press("ArrowRight")
    for _ in range(6):  # the flag, a space, q̃ (q and its tilde), u, o, a space
        page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")  # the scientist: one emoji of four code points
    page.keyboard.press("a")
    quote = "🇯🇵 q\u0303uo 👩🏽\u200d🔬"
    expect(page.locator("#form-quote")).to_have_text(quote)
    page.get_by_role("button", name="Save annotation").click()
    expect(page.locator("#annotation-list li[data-id]")).to_have_count(1)
    saved = Annotation.objects.get()
    # Code points, not UTF-16 units: the flag is 2, q̃ is 2, the scientist is 4.
    assert (saved.start, saved.end) == (3, 3 + len(quote))
    assert text[saved.start : saved.end] == saved.quote == quote


# Stance without colour ------------------------------------------------------------------


def test_stance_shows_as_a_sign_and_a_pattern_and_overlapping_highlights_all_stay_visible(
    page, sign_in, cast
):
    document = make_document(cast.project, title="Overlaps")
    outer = make_annotation(document, start=0, end=40, stance="support", created_by=cast.alice)
    inner = make_annotation(document, start=15, end=25, stance="oppose", created_by=cast.alice)
    untagged = make_annotation(document, start=50, end=60, created_by=cast.alice)
    sign_in("carol")
    open_reader(page, document)
    key = page.get_by_role("list", name="Stance key")
    for text in ("+Support", "−Oppose", "=Neutral", "?No stance yet"):
        expect(key.get_by_role("listitem").filter(has_text=text[1:])).to_have_text(text)

    def sign(ids):
        return page.locator(f'#document-text [data-ids="{ids}"]').first.evaluate(
            "(el) => getComputedStyle(el, '::before').content"
        )

    assert sign(f"{outer.pk}") == '"+"'
    assert sign(f"{outer.pk} {inner.pk}") == '"−"'
    assert sign(f"{untagged.pk}") == '"?"'
    # Where the two overlap, both underlines are drawn: the outer solid, the inner dashed.
    layers = page.locator(f'#document-text [data-ids="{outer.pk} {inner.pk}"]').evaluate(
        "(el) => getComputedStyle(el).backgroundImage"
    )
    assert "linear-gradient(rgb(46, 125, 50), rgb(46, 125, 50))" in layers  # support, solid
    assert "repeating-linear-gradient(90deg, rgb(198, 40, 40) 0px, rgb(198, 40, 40) 7px" in layers


# A phone, 390 px wide ---------------------------------------------------------------------

LONG = "Ministry-of-Foreign-Affairs-of-the-Russian-Federation-and-its-many-departments"


@pytest.fixture
def phone(browser, live_server, cast):
    """A phone-sized page with a touch screen, signed in as bob."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        has_touch=True,
        is_mobile=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/projects/**")
    yield page
    context.close()
    assert not errors, f"the page raised errors: {errors}"


def sideways(page) -> list[str]:
    """What sticks out to the right of the viewport, if the page scrolls sideways."""
    # A phone zooms out to show a page that is too wide, so the viewport's own width may
    # grow with the page: compare with the screen's width instead.
    return page.evaluate(
        """(width) => {
          if (document.documentElement.scrollWidth <= width) return [];
          return Array.from(document.querySelectorAll("body *"))
            .filter((el) => !el.closest(".table-scroll"))
            .filter((el) => el.getBoundingClientRect().right > width + 1)
            .slice(0, 5).map((el) => el.tagName + "." + el.className)
            .concat(["scroll width " + document.documentElement.scrollWidth]);
        }""",
        page.viewport_size["width"],
    )


def test_no_page_scrolls_sideways_on_a_phone_and_wide_tables_scroll_in_their_box(phone, cast):
    from annotate.services.annotations import update_annotation
    from annotate.services.trash import trash_annotation

    cast.project.name = "Japan–Russia relations " + LONG
    cast.project.save()
    document = make_document(cast.project, title="Talks " + LONG, source_name=LONG)
    actor = make_actor(cast.project, LONG, aliases=["MFA"])
    claim = make_claim(cast.project, "Japan should lift sanctions " + LONG)
    kept = make_annotation(
        document, actor=actor, claim=claim, stance="oppose", created_by=cast.bob, note=LONG
    )
    update_annotation(annotation=kept, updated_by=cast.bob, stance="support")
    trashed = make_annotation(document, start=10, end=20, actor=actor, created_by=cast.bob)
    trash_annotation(annotation=trashed, trashed_by=cast.bob)
    slug = cast.project.slug
    pages = {
        "projects": "/projects/",
        "documents": f"/projects/{slug}/",
        "reader": document.get_absolute_url(),
        "actors": f"/projects/{slug}/actors/",
        "claims": f"/projects/{slug}/claims/",
        "actor history": f"/projects/{slug}/actors/{actor.pk}/history/",
        "import": f"/projects/{slug}/import/",
        "matrix": f"/projects/{slug}/matrix/",
        "trash": f"/projects/{slug}/trash/",
        "members": f"/projects/{slug}/members/",
        "token": "/account/api-token/",
        "history": f"/projects/{slug}/annotations/{kept.pk}/history/",
        "document details": f"/projects/{slug}/documents/{document.pk}/edit/",
    }
    for name, url in pages.items():
        phone.goto(url)
        assert sideways(phone) == [], f"{name} scrolls sideways"
        nav = phone.get_by_role("navigation", name="Project")
        if nav.count():
            assert nav.bounding_box()["width"] <= 390, f"{name}: the project navigation is wider"
    phone.goto(f"/projects/{slug}/")
    table = phone.get_by_role("region", name="Documents")
    assert table.evaluate("(el) => getComputedStyle(el).overflowX") == "auto"
    expect(phone.get_by_role("heading", level=1)).to_contain_text(LONG)


def test_selecting_text_by_touch_opens_the_form(phone, cast):
    document = make_document(cast.project, title="On a phone")
    phone.goto(document.get_absolute_url())
    text = phone.locator("#document-text")
    box = text.bounding_box()
    phone.touchscreen.tap(box["x"] + 20, box["y"] + 20)
    # The tap's own events are over before a long press starts selecting; a touch
    # selection then changes only the selection, with no mouse events after it.
    phone.evaluate("() => new Promise((resolve) => setTimeout(resolve, 400))")
    dom_select(phone, "Shinzo Abe")
    expect(phone.get_by_role("dialog")).to_be_visible()
    expect(phone.locator("#form-quote")).to_have_text("Shinzo Abe")
    assert sideways(phone) == []
    phone.get_by_role("button", name="Support", exact=True).tap()
    phone.get_by_role("button", name="Save annotation").tap()
    expect(phone.locator("#annotation-list li[data-id]")).to_have_count(1)
    assert Annotation.objects.get().quote == "Shinzo Abe"


def test_text_fields_are_no_longer_than_their_columns(page, sign_in, cast):
    document = make_document(cast.project, title="Limits")
    actor = make_actor(cast.project, "Shinzo Abe")
    slug = cast.project.slug
    expected = {
        "title": "500",
        "source_name": "200",
        "author": "300",
        "language": "35",
        "source_url": "2000",
        "name": "200",
        "label": "300",
        "colour": "7",
        "username": "150",
        "actor": "200",
        "claim": "300",
    }
    page.goto("/accounts/login/")
    expect(page.get_by_label("Username")).to_have_attribute("maxlength", "150")
    sign_in("alice")
    seen = set()
    for url in [
        f"/projects/{slug}/",
        f"/projects/{slug}/import/",
        f"/projects/{slug}/documents/{document.pk}/edit/",
        f"/projects/{slug}/actors/new/",
        f"/projects/{slug}/actors/{actor.pk}/edit/",
        f"/projects/{slug}/claims/new/",
        f"/projects/{slug}/members/",
        f"/projects/{slug}/actors/",
        f"/projects/{slug}/claims/",
        document.get_absolute_url(),
    ]:
        page.goto(url)
        fields = page.locator(
            "main input[type=text], main input[type=search], main input[type=url], "
            "main input:not([type])"
        )
        for index in range(fields.count()):
            field = fields.nth(index)
            name = field.get_attribute("name")
            limit = field.get_attribute("maxlength")
            if name == "aliases":  # a list of names, each checked on its own
                continue
            assert limit, f"{url}: {name} has no maxlength"
            if name in expected:
                assert limit == expected[name], f"{url}: {name} allows {limit}"
                seen.add(name)
    assert seen == set(expected)


# Notes and history ---------------------------------------------------------------------------


def test_notes_show_in_the_side_list_and_history_reads_as_names_and_words(page, sign_in, cast):
    from annotate.services.annotations import update_annotation
    from annotate.services.codebook import update_actor

    document = make_document(cast.project, title="Notes")
    abe = make_actor(cast.project, "Shinzo Abe", aliases=["Abe"])
    putin = make_actor(cast.project, "Vladimir Putin")
    annotation = make_annotation(
        document, actor=abe, stance="support", created_by=cast.bob, note="Said on TV."
    )
    update_annotation(annotation=annotation, updated_by=cast.bob, actor=putin, stance="oppose")
    update_actor(actor=abe, updated_by=cast.alice, aliases=["Abe", "PM Abe"])
    sign_in("carol")
    open_reader(page, document)
    expect(page.locator(f"#entry-{annotation.pk}")).to_contain_text("Said on TV.")

    page.goto(f"/projects/{cast.project.slug}/annotations/{annotation.pk}/history/")
    changes = page.get_by_role("table", name="Changes, newest first")
    expect(changes).to_contain_text("Shinzo Abe → Vladimir Putin")
    expect(changes).to_contain_text("Support → Oppose")
    expect(changes).not_to_contain_text("support →")

    page.goto(f"/projects/{cast.project.slug}/actors/{abe.pk}/history/")
    changes = page.get_by_role("table", name="Changes, newest first")
    expect(changes).to_contain_text("Abe → Abe, PM Abe")
    expect(changes).not_to_contain_text("[")


# Page junk ----------------------------------------------------------------------------------


def test_the_demo_page_and_an_imported_web_page_read_without_page_junk(
    page, sign_in, cast, tmp_path
):
    from django.core.management import call_command

    from tests.corpus.test_import import CHROME_HTML

    call_command("load_demo", verbosity=0)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("demo")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Japan–Russia relations").click()
    page.get_by_role("link", name="Tense US-Russia relations complicate Abe's diplomacy").click()
    text = page.get_by_role("article", name="Document text")
    expect(text).to_contain_text("TOKYO -- Increased tensions over Ukraine")
    for junk in ("Artboard", "Created with Sketch", "Icon Facebook", "placeholder image"):
        expect(text).not_to_contain_text(junk)

    page_file = tmp_path / "nikkei.html"
    page_file.write_text(CHROME_HTML, encoding="utf-8")
    page.context.clear_cookies()
    sign_in("bob")
    page.goto(f"/projects/{cast.project.slug}/import/")
    page.get_by_label("Files").set_input_files(str(page_file))
    page.get_by_role("button", name="Import").click()
    page.get_by_role(
        "link", name="Tense US-Russia relations complicate Abe's diplomacy", exact=True
    ).click()
    text = page.get_by_role("article", name="Document text")
    expect(text).to_contain_text("TOKYO -- Increased tensions over Ukraine")
    for junk in ("Arrow", "Icon Mail", "Icon Print", "Eye Icon"):
        expect(text).not_to_contain_text(junk)


# Import, search, a new project and a password ------------------------------------------------


def test_the_import_page_shows_upload_progress_and_counts_in_words(page, sign_in, cast, tmp_path):
    first = tmp_path / "first.txt"
    first.write_text("Abe will visit Moscow in May.\n" * 20000, encoding="utf-8")  # ~600 KB
    sign_in("bob")
    page.goto(f"/projects/{cast.project.slug}/import/")
    # A slow line (200 KB/s up), so that the upload takes a few seconds to watch.
    network = page.context.new_cdp_session(page)
    network.send("Network.enable")
    network.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": 200_000},
    )
    page.get_by_label("Files").set_input_files(str(first))
    page.get_by_label("Title").fill("Phone call")
    page.get_by_label("Text").fill("Putin called Abe on Wednesday.")
    page.get_by_role("button", name="Import").click()
    progress = page.get_by_role("progressbar", name="Upload progress")
    expect(progress).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="uploaded")).to_have_text(
        re.compile(r"^[1-9]\d?% uploaded$")
    )
    expect(progress).to_have_attribute("value", re.compile(r"^[1-9]\d?$"))
    summary = page.locator(".import-summary")
    expect(summary).to_have_text(
        "2 documents imported from 1 file and the pasted text: 2 imported, 0 duplicate, 0 rejected."
    )
    expect(progress).to_be_hidden()
    results = page.get_by_role("table", name="Result for each file and the pasted text")
    expect(results.get_by_role("row", name="first.txt")).to_contain_text("Imported")
    expect(results.get_by_role("row", name="Pasted text")).to_contain_text("Imported")

    page.get_by_label("Text").fill("Lavrov met Kishida in Moscow.")
    page.get_by_role("button", name="Import").click()
    expect(summary).to_have_text(
        "1 document imported from the pasted text: 1 imported, 0 duplicate, 0 rejected."
    )
    expect(page.get_by_role("table", name="Result for the pasted text")).to_be_visible()


def test_enter_in_the_search_field_asks_once_and_snippets_keep_whole_words(page, sign_in, cast):
    words = "Kremlin representatives deliberately postponed consultations regarding territorial "
    make_document(
        cast.project, title="Long piece", text=words * 6 + "sanctions remain. " + words * 6
    )
    sign_in("carol")
    page.goto(f"/projects/{cast.project.slug}/")
    search = page.get_by_label("Search documents")
    search.fill("sanctions")
    snippet = page.locator(".snippet")
    expect(snippet.locator("mark")).to_have_text("sanctions")
    asked = []
    page.on("request", lambda request: asked.append(request.url) if "q=" in request.url else None)
    search.press("Enter")
    expect(snippet.locator("mark")).to_have_text("sanctions")
    page.wait_for_timeout(600)  # past the type-ahead's delay: any second request has gone
    assert len(asked) == 1, asked
    text = snippet.text_content().strip("…")
    whole = set(words.split()) | {"sanctions", "remain."}
    first, last = text.split()[0], text.split()[-1]
    assert first in whole and last in whole, text


def test_a_new_project_belongs_to_its_creator_and_its_empty_page_points_to_import(
    page, sign_in, cast
):
    sign_in("mallory")
    page.get_by_role("link", name="New project").click()
    page.get_by_label("Name").fill("Arctic shipping")
    page.get_by_label("Description").fill("Who wants the northern sea route opened.")
    page.get_by_role("button", name="Create project").click()
    expect(page.get_by_role("heading", name="Arctic shipping")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("You are its owner.")
    page.get_by_role("main").get_by_role("link", name="Import documents").click()
    expect(page.get_by_role("heading", name="Import documents")).to_be_visible()
    from corpus.access import role_in
    from corpus.models import Project, Role

    project = Project.objects.get(name="Arctic shipping")
    assert role_in(cast.mallory, project) == Role.OWNER


def test_the_password_is_changed_from_the_header_on_a_page_like_the_others(page, sign_in, cast):
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    sign_in("bob")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Change password").click()
    expect(page.get_by_role("heading", name="Change password")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()  # the app's own page
    page.get_by_label("Old password").fill("pass-word-123")
    page.get_by_label("New password", exact=True).fill("a-new-pass-phrase-77")
    page.get_by_label("New password confirmation").fill("a-new-pass-phrase-77")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("heading", name="Password changed")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    assert authenticate(RequestFactory().get("/"), username="bob", password="a-new-pass-phrase-77")
