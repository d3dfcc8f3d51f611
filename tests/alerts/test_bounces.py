"""A bounced redemption link alerts the agents who manage its seat, once, with a link that
takes them to correcting the address."""

import pytest

from alerts.bounces import alert_bounced_links
from alerts.models import AlertEmail, BounceAlert
from alerts.preferences import set_preferences
from groups.models import GroupMembership
from notifications import services as outbox
from notifications.emails import Renderer, render
from notifications.models import OutboundEmail
from seats import services
from tests import factories

from .helpers import alerts_to, bounce, message

BOUNCE = AlertEmail.BOUNCE_ALERT


@pytest.fixture
def co_agent(group):
    return factories.make_agent(group, email="co-agent@example.com")


def test_bounce_alerts_every_agent_of_the_seats_group(redemption, agent, co_agent, other_agent):
    bounce(redemption)
    assert len(alerts_to(agent.email, BOUNCE)) == 1
    assert len(alerts_to(co_agent.email, BOUNCE)) == 1
    assert alerts_to(other_agent.email, BOUNCE) == []


def test_the_same_bounce_reported_twice_alerts_once(redemption, agent):
    bounce(redemption)
    bounce(redemption)
    assert len(alerts_to(agent.email, BOUNCE)) == 1
    assert BounceAlert.objects.filter(redemption=redemption).count() == 1


def test_a_new_link_that_bounces_again_alerts_again(redemption, agent):
    bounce(redemption)
    fresh = services.resend_redemption(seat=redemption.seat, actor=agent)
    bounce(fresh)
    assert len(alerts_to(agent.email, BOUNCE)) == 2


def test_delivered_links_alert_nobody(redemption, agent):
    email = OutboundEmail.objects.get(context__redemption_id=redemption.pk)
    outbox.record_delivery(event_type="delivered", message_id=None, email_id=str(email.pk))
    assert alerts_to(agent.email, BOUNCE) == []


def test_a_link_already_corrected_alerts_nobody(redemption, agent):
    services.cancel_redemption(seat=redemption.seat, actor=agent)
    assert alert_bounced_links([redemption.pk]) == 0


def test_agent_who_switched_bounce_alerts_off_gets_none(redemption, agent, co_agent):
    set_preferences(user=agent, bounce_alerts=False, weekly_digest=True)
    bounce(redemption)
    assert alerts_to(agent.email, BOUNCE) == []
    assert len(alerts_to(co_agent.email, BOUNCE)) == 1


def test_seat_without_a_group_alerts_its_buyer(store):
    buyer = factories.make_agent(factories.PurchasingGroupFactory(store=store))
    order = factories.make_order(seats=1, buyer=buyer)
    order.seats.update(owner_group=None)
    GroupMembership.objects.filter(user=buyer).delete()
    link = services.email_redemption(seat=order.seats.get(), actor=buyer, email="x@example.com")
    bounce(link)
    assert len(alerts_to(buyer.email, BOUNCE)) == 1


def test_alert_names_the_address_and_links_to_correcting_it(client, redemption, agent):
    bounce(redemption)
    (alert,) = alerts_to(agent.email, BOUNCE)
    subject, text, html = render(alert)
    assert redemption.recipient_email in subject
    correct = f"/account/seats/{redemption.seat_id}/correct/?next=/account/orders/"
    assert f"http://testserver{correct}" in text
    assert "Correct the address" in html
    path = text.split("http://testserver", 1)[1].split()[0]
    client.force_login(agent)
    page = client.get(path)
    assert page.status_code == 200
    assert "Correct the recipient&#x27;s address" in page.content.decode()


def test_alert_link_asks_a_signed_out_agent_to_sign_in_first(client, redemption, agent):
    bounce(redemption)
    (alert,) = alerts_to(agent.email, BOUNCE)
    path = render(alert)[1].split("http://testserver", 1)[1].split()[0]
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/?next=")


def test_alert_carries_one_click_unsubscribe_headers(redemption, agent):
    bounce(redemption)
    (alert,) = alerts_to(agent.email, BOUNCE)
    headers = message(alert).extra_headers
    assert headers["List-Unsubscribe"].startswith("<http://testserver/alerts/unsubscribe/")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_alert_is_not_sent_once_the_address_was_corrected(redemption, agent):
    bounce(redemption)
    (alert,) = alerts_to(agent.email, BOUNCE)
    services.correct_recipient(seat=redemption.seat, actor=agent, email="right@example.com")
    assert "corrected, cancelled or used" in Renderer([alert]).obsolete_reason(alert)
