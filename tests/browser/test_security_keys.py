"""A learner adds a security key under Account settings → Two-factor sign-in, signs out, signs in
again with password and key (told so when the key at hand does not answer or its answer is
refused), and removes the key confirming with it; each change is emailed. The key pages run from
our own static files under our Content Security Policy. Chromium's virtual authenticator plays
the key."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, UserFactory
from tests.support.mailbox import latest, text_of

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def security_key(page):
    """A USB key plugged into the browser that answers every request, PIN checked: the CDP
    session that drives it and the key's id."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp, {"authenticatorId": added["authenticatorId"]}


def test_add_a_security_key_and_sign_in_with_it(
    page, live_server, sign_in, security_key, screenshot
):
    assert live_server.url.startswith("http://localhost:")  # a key's RP ID cannot be an IP
    cdp, key = security_key
    learner = UserFactory()
    outside, problems = [], []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    sign_in(learner)

    page.get_by_role("link", name="Account").click()
    page.get_by_role("link", name="Two-factor sign-in").click()
    screenshot("accounts-two-factor")
    page.get_by_role("link", name="Add a security key").click()  # signed in just now: no re-asking
    page.get_by_label("Name").fill("Blue key")
    screenshot("accounts-add-security-key")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("Security key added.")).to_be_visible()
    screenshot("accounts-security-key-recovery-codes")
    page.get_by_role("link", name="Two-factor sign-in").click()
    page.get_by_role("link", name="Manage security keys").click()
    expect(page.get_by_role("cell", name="Blue key")).to_be_visible()
    screenshot("accounts-security-keys")

    notice = text_of(latest(learner.email, "security_notice"))
    assert "A security key was added" in notice

    page.get_by_role("button", name="Sign out").click()
    page.goto("/account/login/")
    page.get_by_label("Email").fill(learner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    screenshot("accounts-sign-in-with-security-key")
    (blue,) = cdp.send("WebAuthn.getCredentials", key)["credentials"]
    cdp.send("WebAuthn.clearCredentials", key)  # the key at hand is another one
    page.get_by_role("button", name="Use a security key").click()
    expect(page.get_by_text("Your security key did not answer.")).to_be_visible()
    cdp.send("WebAuthn.addCredential", {**key, "credential": blue})
    cdp.send("WebAuthn.setResponseOverrideBits", {**key, "isBogusSignature": True})
    page.get_by_role("button", name="Use a security key").click()
    expect(page.get_by_text("Your security key's answer could not be used.")).to_be_visible()
    cdp.send("WebAuthn.setResponseOverrideBits", {**key, "isBogusSignature": False})
    page.get_by_role("button", name="Use a security key").click()
    expect(page.locator(".account-menu__who")).to_have_text(learner.email)

    page.goto("/account/2fa/webauthn/")
    page.get_by_role("link", name="Remove").click()  # signed in just now: no re-asking
    page.get_by_role("button", name="Remove the key").click()
    expect(page.get_by_text("Security key removed.")).to_be_visible()
    notice = text_of(latest(learner.email, "security_notice"))
    assert "A security key was removed" in notice

    assert outside == []
    assert problems == []
