"""A newcomer registers, confirms the address from the email in the demo outbox, turns on an
authenticator app, signs in with it, signs in once more with a recovery code after losing the
phone, and signs out the other browser."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.factories import PASSWORD
from tests.support.two_factor import code_now, recovery_codes

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "casey.newcomer@example.com"


def _sign_in(page, code: str) -> None:
    page.goto("/account/login/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".account-menu__who")).to_have_text(EMAIL)


def test_register_confirm_turn_on_two_factor_and_recover(
    page, _browser, live_server, settings, screenshot
):
    settings.SITE_URL = live_server.url
    page.goto("/account/signup/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("First name").fill("Casey")
    page.get_by_label("Last name").fill("Newcomer")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    screenshot("accounts-register")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    page.goto("/dev/outbox/")
    page.get_by_role("link", name="Confirm your email address").click()
    page.frame_locator("iframe").get_by_role("link", name="Confirm my address").click()
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.locator(".account-menu__who")).to_have_text(EMAIL)

    page.get_by_role("link", name="Account").click()
    page.get_by_role("link", name="Two-factor sign-in").click()
    page.get_by_role("link", name="Set up an authenticator app").click()
    page.get_by_label("Password").fill(PASSWORD)  # allauth asks again before changing sign-in
    page.get_by_role("button", name="Confirm").click()
    secret = page.get_by_label("Authenticator secret").input_value()
    screenshot("accounts-activate-totp")
    page.get_by_label("Authenticator code").fill(code_now(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text("Authenticator app activated.")).to_be_visible()
    codes = page.get_by_label("Unused codes").input_value().split()  # kept on paper
    screenshot("accounts-recovery-codes")

    other = _browser.new_context(base_url=live_server.url).new_page()
    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, code_now(secret))
    screenshot("accounts-signed-in-with-totp")

    casey = User.objects.get(email=EMAIL)
    rescue = codes[0]
    other.goto("/account/login/")
    other.get_by_label("Email").fill(EMAIL)
    other.get_by_label("Password").fill(PASSWORD)
    other.get_by_role("button", name="Sign in").click()
    other.get_by_label("Code").fill(rescue)
    other.get_by_role("button", name="Sign in").click()
    expect(other.locator(".account-menu__who")).to_have_text(EMAIL)
    assert rescue not in recovery_codes(casey)

    page.goto("/account/sessions/")
    expect(page.get_by_role("cell", name=re.compile("Chrome|HeadlessChrome"))).to_have_count(2)
    screenshot("accounts-sessions")
    page.get_by_role("button", name="Sign out the other sessions").click()
    other.goto("/account/training/")
    expect(other).to_have_url(re.compile(r"/account/login/"))
    page.goto("/account/training/")
    expect(page.locator(".account-menu__who")).to_have_text(EMAIL)
