"""Signing in a browser (Playwright) through the pages, second factor included."""

from allauth.mfa.models import Authenticator

from tests.factories import PASSWORD
from tests.support.two_factor import code_now


def sign_in_on(page, user, password: str | None = None) -> None:
    """Sign in through the sign-in form, as a person would; one with an authenticator app (staff
    always) then gives its current code."""
    page.goto("/account/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(password or PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        page.get_by_label("Code").fill(code_now())
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
