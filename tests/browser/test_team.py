"""Forming a team in a real browser: an owner starts a project, invites someone who joins
through the link on a phone, assigns a document, and the newcomer finds it first in
"my documents" and marks it done."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from corpus.models import Membership, Role

NEWCOMER_PASSWORD = "kuril-islands-2016"


def test_an_owner_forms_a_team_and_the_newcomer_finishes_an_assigned_document(
    browser, live_server, page, sign_in, cast
):
    # The owner starts a project and puts a document in it.
    sign_in("alice")
    page.get_by_role("link", name="New project").click()
    page.get_by_label("Name").fill("Kuril study")
    page.get_by_label("Description").fill("Who wants the islands back")
    page.get_by_role("button", name="Create project").click()
    expect(page.get_by_role("status")).to_contain_text("Created “Kuril study”. You are its owner.")
    nav = page.get_by_role("navigation", name="Project")
    nav.get_by_role("link", name="Import").click()
    page.get_by_label("Title").fill("Abe meets Putin")
    page.get_by_label("Text").fill("Abe wants the islands back. Putin says they are Russian.")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("link", name="Abe meets Putin", exact=True)).to_be_visible()

    # An invitation link for an annotator, copied with the labelled button.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    nav.get_by_role("link", name="Members").click()
    page.get_by_label("Role for the invited person").select_option("annotator")
    page.get_by_role("button", name="Create invitation link").click()
    link = page.get_by_label("Invitation link", exact=True).input_value()
    assert re.search(r"/invitations/[A-Za-z0-9_-]{40,}/$", link)
    page.get_by_role("button", name="Copy invitation link").click()
    expect(page.get_by_text("Copied.")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("1 invitation"))).to_contain_text("Open")

    # The newcomer opens it in a browser of their own, on a phone, and joins.
    phone = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    phone.set_default_timeout(10_000)
    newcomer = phone.new_page()
    newcomer.goto(link)
    expect(newcomer.get_by_role("heading", name="Join “Kuril study”")).to_be_visible()
    newcomer.get_by_label("Username").fill("dave")
    newcomer.get_by_label("Password", exact=True).fill(NEWCOMER_PASSWORD)
    newcomer.get_by_label("Password again").fill(NEWCOMER_PASSWORD)
    newcomer.get_by_role("button", name="Create account and join").click()
    expect(newcomer.get_by_role("status")).to_contain_text(
        "Welcome to “Kuril study”. You joined as annotator."
    )
    assert Membership.objects.get(user__username="dave").role == Role.ANNOTATOR

    # The used link now says so.
    page.goto(link)
    expect(page.get_by_role("alert")).to_contain_text("already been used")

    # The owner assigns the document to the newcomer on the Progress page.
    page.goto("/projects/")
    page.get_by_role("link", name="Kuril study").click()
    page.get_by_role("navigation", name="Project").get_by_role("link", name="Progress").click()
    page.get_by_label("Documents to assign").select_option(label="Abe meets Putin")
    page.get_by_label("dave").check()
    page.get_by_label("Annotators per document").fill("1")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("status")).to_contain_text("Made 1 assignment.")
    per_document = page.get_by_role("table", name="Per document")
    expect(per_document).to_contain_text("dave: Assigned")

    # The newcomer finds it first, under "My documents", and marks it done in the reader.
    newcomer.reload()
    mine = newcomer.get_by_role("region", name="My documents")
    expect(mine.get_by_role("row", name=re.compile("Abe meets Putin"))).to_contain_text("Assigned")
    mine.get_by_role("link", name="Abe meets Putin").click()
    newcomer.get_by_role("button", name="Mark this document as done").click()
    expect(newcomer.get_by_text("Marked “Abe meets Putin” as done.")).to_be_visible()
    expect(newcomer.get_by_role("button", name="Reopen this document")).to_be_visible()
    newcomer.get_by_role("link", name="Kuril study").click()
    expect(
        newcomer.get_by_role("region", name="My documents").get_by_role(
            "row", name=re.compile("Abe meets Putin")
        )
    ).to_contain_text("Done")
    phone.close()

    page.reload()
    expect(page.get_by_role("table", name="Per document")).to_contain_text("dave: Done")
    expect(
        page.get_by_role("table", name="Per annotator").get_by_role("row", name=re.compile("dave"))
    ).to_contain_text("1")


def test_the_owner_revokes_a_link_and_it_says_so(page, sign_in, cast):
    sign_in("alice")
    page.goto(f"/projects/{cast.project.slug}/members/")
    page.get_by_role("button", name="Create invitation link").click()
    link = page.get_by_label("Invitation link", exact=True).input_value()
    page.get_by_role("button", name=re.compile("^Revoke the annotator invitation")).click()
    expect(page.get_by_role("status")).to_contain_text("Revoked the invitation")
    page.goto(link)
    expect(page.get_by_role("alert")).to_contain_text("was revoked")
