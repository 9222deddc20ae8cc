"""What a newcomer meets on the first day: type-ahead, keyboard annotating, conflicts,
stance without colour, phone widths, readable history, clean imports and the small
courtesies around them."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from annotate.models import Annotation
from tests.browser.test_reader import drag_select, open_reader
from tests.factories import make_actor, make_claim, make_document


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
