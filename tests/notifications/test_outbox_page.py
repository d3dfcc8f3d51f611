"""The development outbox: only in demo mode, lists every email, shows each one safely."""

import importlib

import pytest
from django.urls import Resolver404, clear_url_caches, resolve, reverse

from notifications.models import OutboundEmail
from notifications.views import PAGE_SIZE
from seats import services
from seats.emails import SeatEmail, topic_for
from tests import factories
from tests.redemption.helpers import link_path

OUTBOX = "/dev/outbox/"


@pytest.fixture
def redemption(order, agent):
    return services.email_redemption(
        seat=order.seats.first(),
        actor=agent,
        email="recipient@example.com",
        message="<script>alert('x')</script>",
    )


def test_outbox_lists_emails_newest_first_with_subject_recipient_and_status(client, redemption):
    services.resend_redemption(seat=redemption.seat_id, actor=redemption.created_by)

    body = client.get(OUTBOX).content.decode()

    newest, oldest = OutboundEmail.objects.order_by("-pk")[:2]
    assert body.index(f"/dev/outbox/{newest.pk}/") < body.index(f"/dev/outbox/{oldest.pk}/")
    assert "Your new link for" in body
    assert "sent you a seat in" in body
    assert "recipient@example.com" in body
    assert "Pending" in body


def test_outbox_pages(client, redemption):
    OutboundEmail.objects.bulk_create(
        OutboundEmail(
            kind=SeatEmail.REDEMPTION_REMINDER,
            to_email=f"p{n}@example.com",
            context={"redemption_id": redemption.pk},
            topic=topic_for(redemption),
        )
        for n in range(PAGE_SIZE)
    )
    first = client.get(OUTBOX).content.decode()
    assert "Page 1 of 2" in first
    assert "recipient@example.com" not in first  # the oldest is on page 2
    second = client.get(OUTBOX, {"page": 2}).content.decode()
    assert "recipient@example.com" in second


def test_email_whose_data_is_gone_still_lists(client, db):
    gone = OutboundEmail.objects.create(
        kind=SeatEmail.ASSIGNMENT_NOTICE, to_email="x@example.com", context={"seat_id": 0}
    )
    assert "cannot be rendered" in client.get(OUTBOX).content.decode()
    detail = client.get(reverse("dev:outbox_email", args=[gone.pk]))
    assert detail.status_code == 200
    assert "cannot be rendered" in detail.content.decode()


def test_email_detail_sandboxes_the_html_and_links_the_text(client, redemption):
    email = OutboundEmail.objects.get(topic=topic_for(redemption))

    body = client.get(reverse("dev:outbox_email", args=[email.pk])).content.decode()

    assert "<script>" not in body
    assert 'sandbox="allow-popups allow-popups-to-escape-sandbox' in body
    assert "allow-scripts" not in body and "allow-same-origin" not in body
    assert "&lt;base target=&quot;_top&quot;&gt;" in body
    link = f"http://testserver{link_path(redemption)}"
    assert f'<a href="{link}"' in body  # the plain-text version, clickable


def test_outbox_refuses_to_answer_outside_demo_mode(client, redemption, settings):
    settings.DEMO_MODE = False
    email = OutboundEmail.objects.get(topic=topic_for(redemption))
    assert client.get(OUTBOX).status_code == 404
    assert client.get(reverse("dev:outbox_email", args=[email.pk])).status_code == 404


def test_outbox_is_not_even_mounted_outside_demo_mode(settings):
    import seatstore.urls

    try:
        settings.DEMO_MODE = False
        importlib.reload(seatstore.urls)
        clear_url_caches()
        with pytest.raises(Resolver404):
            resolve(OUTBOX)
    finally:
        settings.DEMO_MODE = True
        importlib.reload(seatstore.urls)
        clear_url_caches()
    assert resolve(OUTBOX).url_name == "outbox"


def test_outbox_page_reads_what_its_emails_are_about_once_per_kind(
    client, agent, group, django_assert_num_queries
):
    seats = iter(factories.make_order(seats=12, buyer=agent, group=group).seats.all())

    def email_a_link_and_assign_a_seat(n):
        services.email_redemption(seat=next(seats), actor=agent, email=f"r{n}@example.com")
        services.assign_seat(seat=next(seats), actor=agent, email=f"l{n}@example.com")

    email_a_link_and_assign_a_seat(0)
    # a count, the page, then per kind: links, and the seats and learners of the invitations
    with django_assert_num_queries(5):
        assert client.get(OUTBOX).status_code == 200
    for n in range(1, 6):
        email_a_link_and_assign_a_seat(n)
    with django_assert_num_queries(5):
        assert client.get(OUTBOX).status_code == 200
