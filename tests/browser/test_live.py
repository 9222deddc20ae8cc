"""Two people read the same document; one annotates; the other sees the highlight appear
(and go, when it is trashed) within two seconds, while their own half-filled form stays
exactly as it was."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from annotate.models import Annotation
from tests.factories import make_document

from .test_reader import drag_select, open_reader

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 1000}
#: The promise: a colleague's change shows within two seconds.
WITHIN = 2_000


def _signed_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/projects/**")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_colleagues_new_highlight_appears_while_a_half_filled_form_stays(
    page, browser, live_server, cast, viewport
):
    document = make_document(cast.project, title="Abe and Putin")
    # alice reads, and has begun an annotation of her own.
    page.set_viewport_size(viewport)
    _signed_in(page, "alice")
    open_reader(page, document)
    drag_select(page, "wants closer ties")
    page.get_by_label("Actor").fill("Shinzo A")
    page.get_by_label("Note").fill("Half a thought about")
    # bob reads the same document in his own browser.
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    try:
        bobs = context.new_page()
        _signed_in(bobs, "bob")
        open_reader(bobs, document)

        drag_select(bobs, "Sergey Naryshkin")
        bobs.get_by_label("Note").fill("bob's annotation")
        bobs.get_by_role("button", name="Save annotation").click()
        expect(bobs.locator("#annotation-list li[data-id]")).to_have_count(1)
        annotation = Annotation.objects.get()

        highlight = page.locator(f'#document-text [data-ids~="{annotation.pk}"]')
        expect(highlight.first).to_be_visible(timeout=WITHIN)
        expect(page.locator("#annotation-list li[data-id]")).to_have_count(1)
        # alice's form is as she left it, still open.
        expect(page.get_by_label("Actor")).to_have_value("Shinzo A")
        expect(page.get_by_label("Note")).to_have_value("Half a thought about")
        expect(page.locator("#annotation-panel")).to_be_visible()

        # bob trashes it: it leaves alice's page too.
        bobs.locator(f'#document-text [data-ids~="{annotation.pk}"]').first.click()
        bobs.get_by_role("button", name="Delete").click()
        expect(highlight).to_have_count(0, timeout=WITHIN)
        expect(page.get_by_label("Note")).to_have_value("Half a thought about")
    finally:
        context.close()
