from playwright.sync_api import expect


def test_a_member_signs_in_and_sees_their_projects_only(page, sign_in, cast):
    sign_in("bob")
    expect(page.get_by_role("link", name="Japan–Russia relations")).to_be_visible()
    expect(page.get_by_role("link", name="Elsewhere")).to_have_count(0)
