"""The API token page and the interactive API docs in a real browser, under the CSP."""

import re

from playwright.sync_api import expect


def test_a_user_creates_and_replaces_the_api_token(page, sign_in, cast):
    sign_in("carol")
    page.get_by_role("link", name="API token").click()
    page.get_by_role("button", name="Create a token").click()
    token = page.get_by_label("Your API token")
    expect(token).to_have_value(re.compile(r"^[0-9a-f]{40}$"))
    first = token.input_value()
    page.get_by_role("button", name="Replace with a new token").click()
    expect(page.get_by_role("status")).to_contain_text("the old one no longer works")
    expect(page.get_by_label("Your API token")).not_to_have_value(first)


def test_the_api_docs_run_from_the_app_under_its_csp(page, sign_in, cast):
    sign_in("bob")
    page.goto("/api/docs/")
    expect(page.get_by_role("heading", name=re.compile("Stancemap API"))).to_be_visible()
    expect(page.get_by_text("/api/annotations/bulk/").first).to_be_visible()
