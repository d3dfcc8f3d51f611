"""API keys: made on the API access page and shown once, stored hashed, revoked there, and
noting when they were last used without a write per request."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from api.models import ApiKey
from tests.support.api import ApiClient, api_client_for

KEY = re.compile(r"ssk_[0-9a-f]{12}_[\w-]{43}")


def test_a_key_made_on_the_page_is_shown_once_and_works(agent_client, agent, order):
    response = agent_client.post(reverse("api:keys"), {"name": "HR sync"}, follow=True)
    text = KEY.search(response.content.decode()).group()
    assert "shown only this once" in response.content.decode()

    again = agent_client.get(reverse("api:keys")).content.decode()
    assert text not in again and "HR sync" in again
    key = ApiKey.objects.get(user=agent)
    secret = text.split("_", 2)[2]  # the secret itself may hold "_"
    assert secret not in key.secret_hash, "only a hash of the secret is stored"

    orders = ApiClient(text).get("/orders").json()["items"]
    assert [o["number"] for o in orders] == [order.number]


def test_a_revoked_key_answers_401(agent_client, agent):
    api = api_client_for(agent)
    key = ApiKey.objects.get(user=agent)
    assert api.get("/orders").status_code == 200
    response = agent_client.post(reverse("api:revoke", args=[key.pk]), follow=True)
    assert "no longer works" in response.content.decode()
    assert api.get("/orders").status_code == 401


def test_someone_elses_key_cannot_be_revoked(client, agent, other_agent):
    api = api_client_for(agent)
    client.force_login(other_agent)
    key = ApiKey.objects.get(user=agent)
    assert client.post(reverse("api:revoke", args=[key.pk])).status_code == 404
    assert api.get("/orders").status_code == 200


def test_an_inactive_users_key_answers_401(agent):
    api = api_client_for(agent)
    agent.is_active = False
    agent.save()
    assert api.get("/orders").status_code == 401


def test_last_use_is_written_at_most_once_a_minute(agent, django_assert_num_queries):
    api = api_client_for(agent)
    api.get("/orders")
    key = ApiKey.objects.get(user=agent)
    first_use = key.last_used_at
    assert first_use is not None
    api.get("/orders")
    assert ApiKey.objects.get(user=agent).last_used_at == first_use

    ApiKey.objects.filter(pk=key.pk).update(last_used_at=first_use - timedelta(minutes=2))
    api.get("/orders")
    assert ApiKey.objects.get(user=agent).last_used_at > first_use - timedelta(seconds=1)
    assert ApiKey.objects.get(user=agent).last_used_at <= timezone.now()


def test_the_account_settings_offer_api_access_to_agents(agent_client):
    page = agent_client.get(reverse("account_email")).content.decode()
    assert f'<a href="{reverse("api:keys")}">API access</a>' in page
