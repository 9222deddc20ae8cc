"""What a newcomer meets on the first day: type-ahead, keyboard annotating, conflicts,
stance without colour, phone widths, readable history, clean imports and the small
courtesies around them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from annotate.models import Annotation
from tests.browser.test_reader import drag_select, open_reader
from tests.factories import make_actor, make_annotation, make_claim, make_document


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
    assert (saved.actor.name, saved.claim.label) == ("Shinzo Abe", "Closer ties with Russia")


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


def test_mouse_selections_snap_to_words_unless_exact_characters_are_asked_for(
    page, sign_in, cast
):
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


# A conflict ---------------------------------------------------------------------------------


def test_after_a_conflict_the_page_shows_the_current_annotation_and_keeps_the_refused_change(
    page, sign_in, cast, browser, live_server
):
    document = make_document(cast.project, title="Two editors")
    annotation = make_annotation(document, start=0, end=5, stance="support", created_by=cast.bob)
    sign_in("bob")
    open_reader(page, document)
    highlight = page.locator(f'#document-text [data-ids~="{annotation.pk}"]').first
    highlight.click()

    other = browser.new_context(base_url=live_server.url)
    try:
        alice = other.new_page()
        alice.goto("/accounts/login/")
        alice.get_by_label("Username").fill("alice")
        alice.get_by_label("Password").fill("pass-word-123")
        alice.get_by_role("button", name="Sign in").click()
        alice.wait_for_url("**/projects/**")
        alice.goto(document.get_absolute_url())
        alice.locator(f'[data-ids~="{annotation.pk}"]').first.click()
        alice.get_by_role("button", name="Neutral", exact=True).click()
        alice.get_by_role("button", name="Save annotation").click()
        expect(alice.locator(f"#entry-{annotation.pk}")).to_contain_text("Neutral")
    finally:
        other.close()

    page.get_by_role("button", name="Oppose", exact=True).click()
    page.get_by_label("Note").fill("Read again: he opposes it.")
    page.get_by_role("button", name="Save annotation").click()
    expect(page.get_by_role("alert")).to_contain_text("This annotation was changed")
    # The text and the side list show alice's save, not what the page had before.
    expect(page.locator(f"#entry-{annotation.pk}")).to_contain_text("Neutral")
    expect(highlight).to_have_class(re.compile("st-neutral"))
    expect(page.get_by_role("button", name="Neutral", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    refused = page.get_by_role("region", name="Your change that was not saved")
    expect(refused).to_contain_text("Oppose")
    expect(refused).to_contain_text("Read again: he opposes it.")
    refused.get_by_role("button", name="Apply my change again").click()
    expect(page.get_by_role("button", name="Oppose", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.get_by_label("Note")).to_have_value("Read again: he opposes it.")
    page.get_by_role("button", name="Save annotation").click()
    expect(page.locator(f"#entry-{annotation.pk}")).to_contain_text("Oppose")
    annotation.refresh_from_db()
    assert (annotation.stance, annotation.note, annotation.version) == (
        "oppose",
        "Read again: he opposes it.",
        3,
    )


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
