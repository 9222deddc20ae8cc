"""A person in the reader: select, tag, save, edit, delete and undo, by mouse and keys."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from annotate.models import Annotation
from tests.factories import (
    actor_of,
    claim_of,
    make_actor,
    make_annotation,
    make_claim,
    make_document,
)

# Where a passage (found by the test, in UTF-16 units as the page counts) lies on screen
# or in the DOM. The page itself never searches the text; the test only does so to aim.
LOCATE = """
([needle, which]) => {
  const root = document.getElementById("document-text");
  const whole = root.textContent;
  const from = whole.indexOf(needle);
  if (from < 0) throw new Error("not in the text: " + needle);
  const to = from + needle.length;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let seen = 0, start = null, end = null, node;
  while ((node = walker.nextNode())) {
    const len = node.data.length;
    if (start === null && from < seen + len) start = [node, from - seen];
    if (end === null && to <= seen + len) end = [node, to - seen];
    seen += len;
  }
  const range = document.createRange();
  range.setStart(start[0], start[1]);
  range.setEnd(end[0], end[1]);
  if (which === "select") {
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    return null;
  }
  const first = document.createRange();
  first.setStart(start[0], start[1]);
  first.setEnd(start[0], start[1] + 1);
  const last = document.createRange();
  last.setStart(end[0], end[1] - 1);
  last.setEnd(end[0], end[1]);
  const a = first.getBoundingClientRect(), b = last.getBoundingClientRect();
  return {x1: a.left + 1, y1: a.top + a.height / 2, x2: b.right - 1, y2: b.top + b.height / 2};
}
"""


def open_reader(page, document):
    page.goto(
        reverse(
            "annotate:reader", kwargs={"project": document.project.slug, "document": document.pk}
        )
    )
    expect(page.locator("#document-text")).to_be_visible()


def drag_select(page, needle):
    box = page.evaluate(LOCATE, [needle, "box"])
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y2"], steps=5)
    page.mouse.up()


def dom_select(page, needle):
    page.evaluate(LOCATE, [needle, "select"])


def stance(page, name):
    return page.get_by_role("button", name=name, exact=True)


EMOJI_TEXT = (
    "安倍晋三首相は🙂「ロシアとの関係改善 🇯🇵🤝🇷🇺 を望んでいる」と述べた。\n"
    "Naryshkin 👩🏽‍🔬 said: q\u0303uo vadis, Japon? 日本 🎌."
)


@pytest.mark.parametrize(
    ("text", "passage"),
    [
        (None, "wants closer ties"),
        (EMOJI_TEXT, "ロシアとの関係改善 🇯🇵🤝🇷🇺 を望"),
        (EMOJI_TEXT, "Naryshkin 👩🏽‍🔬 said: q\u0303uo vadis"),
    ],
    ids=["plain", "japanese-and-emoji", "combining-accent"],
)
def test_an_annotator_tags_a_passage_edits_its_stance_deletes_it_and_undoes(
    page, sign_in, cast, text, passage
):
    make_document(cast.project, title="Abe and Putin", **({"text": text} if text else {}))
    make_actor(cast.project, "Shinzo Abe", aliases=["Abe"])
    make_claim(cast.project, "Closer ties with Russia")
    sign_in("bob")
    page.get_by_role("link", name="Japan–Russia relations").click()
    page.get_by_role("link", name="Abe and Putin").click()
    expect(page.locator("#document-text")).to_be_visible()

    drag_select(page, passage)
    actor = page.get_by_label("Actor")
    expect(actor).to_be_focused()
    actor.fill("Abe")
    page.get_by_label("Claim").fill("Closer ties with Russia")
    stance(page, "Support").click()
    expect(stance(page, "Support")).to_have_attribute("aria-pressed", "true")
    page.get_by_label("Note").fill("Said at the press conference.")
    page.get_by_role("button", name="Save annotation").click()

    entry = page.locator("#annotation-list li[data-id]")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("Shinzo Abe")
    annotation = Annotation.objects.get()
    assert annotation.quote == passage
    assert (actor_of(annotation).name, claim_of(annotation).label, annotation.stance) == (
        "Shinzo Abe",
        "Closer ties with Russia",
        "support",
    )
    highlight = page.locator(f'#document-text [data-ids~="{annotation.pk}"]')
    expect(highlight.first).to_have_class(re.compile("st-support"))

    highlight.first.click()
    expect(page.get_by_label("Actor")).to_have_value("Shinzo Abe")
    stance(page, "Oppose").click()
    page.get_by_role("button", name="Save annotation").click()
    expect(highlight.first).to_have_class(re.compile("st-oppose"))
    annotation.refresh_from_db()
    assert (annotation.stance, annotation.version) == ("oppose", 2)

    highlight.first.click()
    page.get_by_role("button", name="Delete").click()
    expect(highlight).to_have_count(0)
    undo = page.get_by_role("button", name="Undo")
    expect(undo).to_be_focused()
    annotation.refresh_from_db()
    assert annotation.is_trashed
    undo.click()
    expect(highlight.first).to_be_visible()
    annotation.refresh_from_db()
    assert not annotation.is_trashed


def test_emoji_japanese_and_combining_accents_yield_exactly_the_selected_passage(
    page, sign_in, cast
):
    text = (
        "Intro 🙂🙂 line.\n"
        "安倍晋三首相は「ロシアとの関係改善」を望んでいる 🇯🇵🤝🇷🇺。\n"
        "Combining: q\u0303uo and e\u0301 and 👩🏽‍🔬 scientists.\n"
        "Last line 🎌 日本."
    )
    document = make_document(cast.project, title="Emoji", text=text)
    make_annotation(document, start=6, end=8, created_by=cast.alice)  # the two smileys
    sign_in("bob")
    open_reader(page, document)
    for needle in [
        "ロシアとの関係改善」を望んでいる 🇯🇵🤝",
        "q\u0303uo and é and 👩🏽‍🔬",
        "🙂 line.\n安倍",
    ]:
        dom_select(page, needle)
        page.locator("body").press("a")
        expect(page.get_by_label("Actor")).to_be_focused()
        page.keyboard.press("Escape")
        page.evaluate(LOCATE, [needle, "select"])
        page.keyboard.press("a")
        page.keyboard.press("Tab")  # Claim
        page.keyboard.press("Tab")  # Support
        page.keyboard.press("3")
        expect(stance(page, "Neutral")).to_have_attribute("aria-pressed", "true")
        page.keyboard.press("Enter")
        expect(page.locator("#annotation-panel")).to_be_hidden()
        saved = Annotation.objects.filter(created_by=cast.bob).latest("id")
        assert saved.quote == needle.replace("e\u0301", "é")
        assert document.text[saved.start : saved.end] == saved.quote
        assert saved.stance == "neutral"


def test_a_selection_spilling_out_of_the_text_is_clipped_and_an_empty_one_opens_nothing(
    page, sign_in, cast
):
    document = make_document(cast.project, title="Clip", text="Only this text.\nAnd this.")
    sign_in("bob")
    open_reader(page, document)
    page.locator("#document-text").click()
    # Let the page finish handling the click before checking that nothing opened.
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 50))")
    expect(page.locator("#annotation-panel")).to_be_hidden()
    page.evaluate(
        """() => {
          const range = document.createRange();
          range.setStartBefore(document.querySelector(".reader-head h1"));
          range.setEnd(document.querySelector("#document-text span").firstChild, 4);
          getSelection().removeAllRanges();
          getSelection().addRange(range);
        }"""
    )
    page.keyboard.press("a")
    expect(page.locator("#form-quote")).to_have_text("Only")
    page.get_by_role("button", name="Save annotation").click()
    expect(page.locator("#annotation-list li[data-id]")).to_have_count(1)
    assert Annotation.objects.get().quote == "Only"


def test_keys_move_between_annotations_and_escape_gives_focus_back(page, sign_in, cast):
    document = make_document(cast.project, title="Keys")
    first = make_annotation(document, start=0, end=5, created_by=cast.alice)
    second = make_annotation(document, start=15, end=25, created_by=cast.alice)
    sign_in("bob")
    open_reader(page, document)
    page.locator("body").press("j")
    first_highlight = page.locator(f'[data-ids~="{first.pk}"]').first
    expect(first_highlight).to_be_focused()
    page.keyboard.press("j")
    second_highlight = page.locator(f'[data-ids~="{second.pk}"]').first
    expect(second_highlight).to_be_focused()
    expect(page.locator(f"#entry-{second.pk}")).to_have_class(re.compile("is-current"))
    page.keyboard.press("k")
    expect(first_highlight).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Actor")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#annotation-panel")).to_be_hidden()
    expect(first_highlight).to_be_focused()
    page.locator(f"#entry-{second.pk} .entry-quote").click()
    expect(second_highlight).to_be_focused()


@pytest.mark.parametrize("username", ["carol"])
def test_a_viewer_finds_no_way_to_change_anything(page, sign_in, cast, username):
    document = make_document(cast.project, title="Read only")
    annotation = make_annotation(document, start=0, end=5, stance="support", created_by=cast.bob)
    sign_in(username)
    open_reader(page, document)
    drag_select(page, "Minister Shinzo")
    page.keyboard.press("a")
    page.locator(f'[data-ids~="{annotation.pk}"]').first.click()
    expect(page.get_by_role("button", name="Save annotation")).to_have_count(0)
    expect(page.get_by_role("button", name="Delete")).to_have_count(0)
    expect(page.get_by_role("textbox")).to_have_count(0)
    expect(page.locator(f"#entry-{annotation.pk}")).to_have_class(re.compile("is-current"))
    assert Annotation.objects.count() == 1


def test_searching_documents_filters_as_you_type_and_keeps_the_url_shareable(page, sign_in, cast):
    make_document(cast.project, title="Sanctions piece", text="Tokyo keeps the sanctions.")
    make_document(cast.project, title="Islands piece", text="The Kuril islands dispute.")
    sign_in("carol")
    page.goto(reverse("corpus:project-detail", kwargs={"project": cast.project.slug}))
    expect(page.get_by_role("link", name="Islands piece")).to_be_visible()
    page.get_by_label("Search documents").press_sequentially("sanctions", delay=20)
    expect(page.get_by_role("link", name="Islands piece")).to_have_count(0)
    expect(page.get_by_role("link", name="Sanctions piece")).to_be_visible()
    expect(page.locator(".snippet mark")).to_have_text("sanctions")
    page.wait_for_url(re.compile(r"q=sanctions"))
    page.reload()
    expect(page.get_by_label("Search documents")).to_have_value("sanctions")
    expect(page.get_by_role("link", name="Islands piece")).to_have_count(0)


def test_nested_annotations_are_each_reachable_from_the_highlight(page, sign_in, cast):
    document = make_document(cast.project, title="Nested")
    outer = make_annotation(document, start=0, end=40, stance="support", created_by=cast.alice)
    inner = make_annotation(document, start=15, end=25, stance="oppose", created_by=cast.alice)
    sign_in("bob")
    open_reader(page, document)
    page.locator(f'[data-ids="{outer.pk} {inner.pk}"]').click()
    expect(page.get_by_label("Actor")).to_be_focused()
    expect(stance(page, "Oppose")).to_have_attribute("aria-pressed", "true")
    here = page.locator("#here-list")
    expect(here.get_by_role("button")).to_have_count(2)
    here.get_by_role("button", name=re.compile("Prime Minister")).click()
    expect(stance(page, "Support")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Escape")
    page.locator(f'[data-ids="{outer.pk}"]').first.click()
    expect(stance(page, "Support")).to_have_attribute("aria-pressed", "true")


def test_filtering_by_stance_hides_the_other_highlights(page, sign_in, cast):
    document = make_document(cast.project, title="Filters")
    support = make_annotation(document, start=0, end=5, stance="support", created_by=cast.alice)
    oppose = make_annotation(document, start=15, end=25, stance="oppose", created_by=cast.alice)
    sign_in("carol")
    open_reader(page, document)
    page.get_by_label("Position").select_option("oppose")
    expect(page.locator(f'[data-ids~="{support.pk}"]')).to_have_count(0)
    expect(page.locator(f'[data-ids~="{oppose.pk}"]')).to_have_count(1)
    page.wait_for_url(re.compile("stance_filter=oppose"))


def test_a_new_actor_is_offered_and_added_and_an_unknown_one_is_explained(page, sign_in, cast):
    document = make_document(cast.project, title="New names")
    sign_in("bob")
    open_reader(page, document)
    drag_select(page, "Sergey Naryshkin")
    page.get_by_label("Actor").fill("Sergey Naryshkin")
    page.get_by_role("button", name="Save annotation").click()
    expect(page.get_by_text("“Sergey Naryshkin” is not in the codebook")).to_be_visible()
    assert not Annotation.objects.exists()
    # The box the message asks for is there, not ticked.
    offer = page.get_by_label("Add “Sergey Naryshkin” to the codebook")
    expect(offer).not_to_be_checked()
    # Typing a name offers it as well.
    page.get_by_label("Actor").fill("Sergey Naryshki")
    page.get_by_label("Actor").press_sequentially("n")
    offer.check()
    page.get_by_role("button", name="Save annotation").click()
    expect(page.locator("#annotation-list li[data-id]")).to_contain_text("Sergey Naryshkin")
    annotation = Annotation.objects.get()
    assert (annotation.quote, actor_of(annotation).name) == ("Sergey Naryshkin", "Sergey Naryshkin")


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


def test_a_save_hidden_by_the_filters_says_it_was_saved(page, sign_in, cast):
    document = make_document(cast.project, title="Filtered save")
    start = document.text.index("Sergey Naryshkin")
    make_annotation(document, start=start, end=start + 16, stance="oppose", created_by=cast.alice)
    sign_in("bob")
    open_reader(page, document)
    page.get_by_label("Position").select_option("oppose")
    page.wait_for_url(re.compile("stance_filter=oppose"))
    drag_select(page, "Shinzo Abe")
    page.get_by_role("button", name="Support").click()
    page.get_by_role("button", name="Save annotation").click()
    expect(page.get_by_text("The current filters hide it")).to_be_visible()
    assert Annotation.objects.filter(document=document, quote="Shinzo Abe").exists()
