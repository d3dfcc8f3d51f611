"""The agent's Webhooks page: add an endpoint (its secret shown once), refuse a URL on this
network, see the delivery log, pause, delete, send a test event; another's endpoint is a 404."""

import re
import socket

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from seats import services as seat_services
from tests.support.webhook_receiver import running_receiver
from webhooks import services
from webhooks.models import Delivery, Endpoint
from webhooks.tasks import deliver_webhooks

pytestmark = pytest.mark.django_db

LIST = reverse("portal:webhooks")


def add(client, url: str, events=("seat.assigned", "link.emailed")):
    return client.post(LIST, {"url": url, "description": "CRM", "events": list(events)})


def last_message(response) -> str:
    return list(get_messages(response.wsgi_request))[-1].message


@pytest.fixture
def receiver():
    with running_receiver() as receiver:
        yield receiver


@pytest.fixture
def endpoint(agent, receiver):
    return services.register_endpoint(actor=agent, url=receiver.url, events=["seat.assigned"])


def test_an_agent_adds_an_endpoint_and_sees_its_secret_once(agent_client, agent, receiver):
    response = add(agent_client, receiver.url)
    endpoint = Endpoint.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("portal:webhook", args=[endpoint.pk])
    assert (endpoint.owner, endpoint.events) == (agent, ["seat.assigned", "link.emailed"])

    first = agent_client.get(response.url)
    assert endpoint.secret in first.text
    assert re.search(r"whsec_[A-Za-z0-9+/=]{44}", endpoint.secret)
    assert endpoint.secret not in agent_client.get(response.url).text
    assert endpoint.secret not in agent_client.get(LIST).text


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hooks",
        "http://10.1.2.3/hooks",
        "http://192.168.0.10/hooks",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8000/hooks",
        "http://[::ffff:127.0.0.1]/hooks",
        "http://[64:ff9b::a9fe:a9fe]/latest/meta-data/",  # NAT64 to 169.254.169.254
        "http://[64:ff9b:1::a00:1]/hooks",
        "http://[::7f00:1]:8499/hooks",  # IPv4-compatible 127.0.0.1
        "http://[2002:7f00:1::1]/hooks",  # 6to4 of 127.0.0.1
        "http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/hooks",  # Teredo client 10.0.0.1
        "http://192.0.0.8/hooks",
        "http://localhost:8000/hooks",
        "http://internal.example.com/hooks",
    ],
)
def test_a_url_on_this_network_is_refused_with_a_clear_message(
    agent_client, settings, monkeypatch, url
):
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    real = socket.getaddrinfo

    def resolving_internal(host, *args, **kwargs):
        if host == "internal.example.com":
            return real("10.0.0.7", *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolving_internal)
    response = add(agent_client, url)

    assert response.status_code == 200
    (error,) = response.context["form"].errors["url"]
    assert "private, loopback or link-local address" in error
    assert "webhooks go to public addresses only" in error
    assert not Endpoint.objects.exists()


def test_loopback_is_accepted_where_the_setting_allows_it(agent_client, settings, receiver):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    assert add(agent_client, receiver.url).status_code == 302
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    assert add(agent_client, receiver.url).status_code == 200
    assert Endpoint.objects.count() == 1


def test_an_address_that_turned_private_since_registration_is_not_sent_to(
    endpoint, receiver, settings, order, agent
):
    seat_services.assign_seat(seat=order.seats.first(), actor=agent, email="ada@example.com")
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    deliver_webhooks.apply(args=[[Delivery.objects.get().pk]])

    delivery = Delivery.objects.get()
    assert delivery.status == "pending"
    assert "private, loopback or link-local" in delivery.last_error
    assert receiver.arrivals == 0


def test_an_unknown_host_is_refused(agent_client):
    response = add(agent_client, "https://no-such-host.invalid/hooks")
    assert response.context["form"].errors["url"] == ["no-such-host.invalid could not be found."]


def test_no_event_chosen_is_refused(agent_client, receiver):
    response = add(agent_client, receiver.url, events=())
    assert response.context["form"].errors["events"] == ["This field is required."]


def test_the_delivery_log_shows_status_attempts_and_last_response(
    agent_client, endpoint, receiver, order, agent, django_capture_on_commit_callbacks
):
    receiver.secret = endpoint.secret
    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        seat_services.assign_seat(seat=order.seats.first(), actor=agent, email="ada@example.com")
    page = agent_client.get(reverse("portal:webhook", args=[endpoint.pk]))
    delivery = Delivery.objects.get()
    row = re.search(rf'<tr id="delivery-{delivery.pk}">(.*?)</tr>', page.text, re.S).group(1)
    assert "seat.assigned" in row
    assert "Pending" in row
    assert ">1</td>" in row
    assert "500" in row
    assert delivery.message_id in row


def test_send_test_event_button(
    agent_client, endpoint, receiver, django_capture_on_commit_callbacks
):
    receiver.secret = endpoint.secret
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(reverse("portal:webhook_test", args=[endpoint.pk]))
    assert last_message(response) == "A test event is on its way; its outcome shows in the log."
    assert receiver.payloads[0]["type"] == "webhook.test"
    assert Delivery.objects.get().status == "delivered"


def test_pause_resume_and_delete(agent_client, endpoint):
    pause = reverse("portal:webhook_pause", args=[endpoint.pk])
    assert "paused" in last_message(agent_client.post(pause))
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    agent_client.post(pause)
    endpoint.refresh_from_db()
    assert endpoint.is_active

    response = agent_client.post(reverse("portal:webhook_delete", args=[endpoint.pk]))
    assert response.url == LIST
    assert not Endpoint.objects.exists()


@pytest.mark.parametrize("name", ["webhook", "webhook_test", "webhook_pause", "webhook_delete"])
def test_another_organizations_endpoint_is_a_404_and_changes_nothing(
    client, other_agent, endpoint, name
):
    client.force_login(other_agent)
    url = reverse(f"portal:{name}", args=[endpoint.pk])
    response = client.get(url) if name == "webhook" else client.post(url)
    assert response.status_code == 404
    endpoint.refresh_from_db()
    assert endpoint.is_active
    assert not Delivery.objects.exists()


def test_the_list_shows_only_ones_own_endpoints(client, other_agent, endpoint):
    client.force_login(other_agent)
    assert endpoint.url not in client.get(LIST).text


def test_someone_who_manages_no_seat_cannot_add_an_endpoint(client, learner, receiver):
    client.force_login(learner)
    response = add(client, receiver.url)
    assert response.status_code == 200
    assert "You don't manage any seats" in response.text
    assert not Endpoint.objects.exists()


def test_the_pages_take_the_same_number_of_queries_however_many_rows(
    agent_client, agent, endpoint, django_assert_num_queries
):
    def deliveries(n):
        Delivery.objects.bulk_create(
            Delivery(endpoint=endpoint, event_type="seat.assigned", payload={}) for _ in range(n)
        )

    # session, user, sections (view and menu), endpoints with their counts
    with django_assert_num_queries(5):
        agent_client.get(LIST)
    for n in range(3):
        services.register_endpoint(actor=agent, url=endpoint.url, events=["seat.assigned"])
    deliveries(60)
    with django_assert_num_queries(5):
        agent_client.get(LIST)

    detail = reverse("portal:webhook", args=[endpoint.pk])
    # session, user, the endpoint, the log's count and page, the menu's sections
    with django_assert_num_queries(6):
        agent_client.get(detail)
    deliveries(60)
    with django_assert_num_queries(6):
        agent_client.get(detail, {"page": 2})
