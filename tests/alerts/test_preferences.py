"""An agent chooses their alerts on a portal page, or switches one kind off from the link in the
email without signing in; a link that was altered says so and changes nothing."""

import json

import pytest
from django.core import signing

from alerts.models import AlertKind, AlertPreference
from alerts.preferences import preferences_of, unsubscribe_token, unsubscribe_url


def test_every_alert_is_on_until_the_agent_chooses(agent):
    choice = preferences_of(agent)
    assert (choice.bounce_alerts, choice.weekly_digest) == (True, True)


def test_preferences_page_saves_the_agents_choice(agent_client, agent):
    page = agent_client.get("/account/alerts/")
    assert page.status_code == 200
    assert 'id="id_weekly_digest" checked' in page.content.decode()
    response = agent_client.post("/account/alerts/", {"bounce_alerts": "on"}, follow=True)
    assert "Your email alerts are saved." in response.content.decode()
    choice = AlertPreference.objects.get(user=agent)
    assert (choice.bounce_alerts, choice.weekly_digest) == (True, False)


def test_preferences_page_asks_a_visitor_to_sign_in(client):
    assert client.get("/account/alerts/")["Location"].startswith("/account/login/")


def _path(user, kind) -> str:
    return unsubscribe_url(user.pk, kind).removeprefix("http://testserver")


def test_unsubscribe_link_asks_then_switches_the_kind_off_without_signing_in(client, agent):
    path = _path(agent, AlertKind.WEEKLY_DIGEST)
    page = client.get(path)
    assert page.status_code == 200
    assert "Stop the weekly digest?" in page.content.decode()
    assert preferences_of(agent).weekly_digest  # looking changes nothing
    done = client.post(path)
    assert "will no longer get the weekly digest" in done.content.decode()
    choice = preferences_of(agent)
    assert (choice.bounce_alerts, choice.weekly_digest) == (True, False)


def test_mail_programs_one_click_post_unsubscribes(client, agent):
    client.post(
        _path(agent, AlertKind.BOUNCE_ALERTS),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert preferences_of(agent).bounce_alerts is False


def test_unsubscribing_twice_is_harmless(client, agent):
    path = _path(agent, AlertKind.WEEKLY_DIGEST)
    client.post(path)
    assert client.post(path).status_code == 200
    assert AlertPreference.objects.filter(user=agent).count() == 1


def _payload(value) -> str:
    """A token's first part, as another person's token would carry it."""
    return signing.b64_encode(json.dumps(value, separators=(",", ":")).encode()).decode()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: token.replace(token.split(":")[0], _payload([999_999, "weekly_digest"])),
        lambda token: "not-a-token",
    ],
    ids=["signature", "payload", "garbage"],
)
def test_altered_unsubscribe_link_says_so_and_changes_nothing(client, agent, tamper):
    token = tamper(unsubscribe_token(agent.pk, AlertKind.WEEKLY_DIGEST))
    for method in (client.get, client.post):
        response = method(f"/alerts/unsubscribe/{token}/")
        assert response.status_code == 400
        assert "This unsubscribe link is not valid" in response.content.decode()
    assert not AlertPreference.objects.filter(user=agent).exists()


def test_a_token_for_an_unknown_kind_is_refused(client, agent):
    token = signing.dumps([agent.pk, "is_staff"], salt="alerts.unsubscribe")
    assert client.post(f"/alerts/unsubscribe/{token}/").status_code == 400


def test_unsubscribe_token_never_reaches_a_log(agent):
    from seatstore.logs import REDACTED, redact

    path = _path(agent, AlertKind.WEEKLY_DIGEST)
    token = path.split("/")[-2]
    line = redact(f'"POST {path} HTTP/1.1" 200 and /account/login/?next={path.replace("/", "%2F")}')
    assert token not in line
    assert line.count(REDACTED) == 2
