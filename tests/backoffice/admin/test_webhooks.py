"""Store webhooks in the admin: a store admin adds an endpoint for a store (secret shown once,
an address on this network refused), sends it a test event, and reads the delivery log."""

import pytest
from django.urls import reverse

from tests.support.admin import change_url, changelist_url, messages_of
from tests.support.webhook_receiver import running_receiver
from webhooks import services
from webhooks.models import Delivery, Endpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    with running_receiver() as receiver:
        yield receiver


def add_endpoint(client, store, url):
    return client.post(
        reverse("admin:webhooks_endpoint_add"),
        {"store": store.pk, "url": url, "description": "", "events": ["seat.assigned"]},
        follow=True,
    )


def test_a_store_admin_adds_a_store_endpoint_and_sees_its_secret_once(
    staff_client, store, receiver
):
    response = add_endpoint(staff_client, store, receiver.url)
    endpoint = Endpoint.objects.get()
    assert (endpoint.store, endpoint.owner) == (store, None)
    (message,) = [m for m in messages_of(response) if "secret" in m]
    assert message.endswith(endpoint.secret)
    assert endpoint.secret not in staff_client.get(change_url(endpoint)).text


def test_an_address_on_this_network_is_refused_in_the_admin_too(staff_client, store, settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    response = add_endpoint(staff_client, store, "http://10.0.0.5/hooks")
    assert "private, loopback or link-local address" in response.text
    assert not Endpoint.objects.exists()


def test_the_admin_lists_store_endpoints_only_and_the_log_read_only(
    staff_client, store, store_admin, agent, receiver
):
    store_endpoint = services.register_endpoint(
        actor=store_admin, url=receiver.url, events=["seat.assigned"], store=store
    )
    agents = services.register_endpoint(actor=agent, url=receiver.url, events=["seat.assigned"])
    listed = staff_client.get(changelist_url(Endpoint))
    assert list(listed.context["cl"].result_list) == [store_endpoint]
    assert staff_client.get(change_url(agents)).status_code == 302  # not found: back to the list

    receiver.secret = store_endpoint.secret
    response = staff_client.post(
        changelist_url(Endpoint),
        {"action": "send_test_event", "_selected_action": [store_endpoint.pk]},
        follow=True,
    )
    assert "1 test event(s) on their way; see the delivery log." in messages_of(response)
    delivery = Delivery.objects.get()
    log = staff_client.get(change_url(delivery))
    assert log.status_code == 200
    assert log.context["has_change_permission"] is False
    assert staff_client.get(changelist_url(Delivery)).status_code == 200
