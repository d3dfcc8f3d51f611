"""Every email renders in text and HTML, escapes what people typed, names whom to ask, and its
links work when clicked."""

from email import message_from_bytes, policy
from unittest import mock

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import escape

from imports.bulk import RecipientRow, bulk_email_redemptions
from notifications import emails
from notifications.models import OutboundEmail
from seats import services
from seats.emails import SeatEmail, topic_for
from seats.models import Seat
from tests.factories import UserFactory, make_seat, make_store_admin
from tests.redemption.helpers import link_in

MESSAGE = 'Hi <b>Sam</b> & "team"\nSee you Monday'


@pytest.fixture
def redemption(order, agent):
    return services.email_redemption(
        seat=order.seats.first(), actor=agent, email="recipient@example.com", message=MESSAGE
    )


def _rendered(**filters):
    return emails.render(OutboundEmail.objects.filter(**filters).latest("pk"))


def test_redemption_email_escapes_the_message_and_names_expiry_and_support(redemption):
    subject, text, html = _rendered(topic=topic_for(redemption))
    store = redemption.seat.order.store

    product = redemption.seat.order_line.product
    assert subject == f"{redemption.created_by.display_name} sent you a seat in {product}"
    assert MESSAGE in text
    assert "Hi &lt;b&gt;Sam&lt;/b&gt; &amp; &quot;team&quot;<br>See you Monday" in html
    assert "<b>Sam</b>" not in html
    expiry = redemption.expires_at.strftime("%-d %B %Y")
    for body in (text, html):
        assert store.support_email in body
        assert f"expires on {expiry}" in body or f"expires on <strong>{expiry}" in body
        assert redemption.created_by.email in body


def test_alike_emails_in_one_batch_are_rendered_once_each_with_its_own_link(order, agent):
    addresses = ["r0@example.com", "o'neil&co@example.com", "r2@example.com"]  # escaped in HTML
    rows = [
        RecipientRow(row=n + 2, email=email, message=MESSAGE) for n, email in enumerate(addresses)
    ]
    bulk_email_redemptions(order=order, actor=agent, rows=rows)
    outbox = list(OutboundEmail.objects.order_by("pk"))
    renderer = emails.Renderer()
    with mock.patch.object(emails, "render_to_string", wraps=render_to_string) as rendering:
        rendered = [renderer.render(email) for email in outbox]
    assert rendering.call_count == 2  # one text, one HTML for the three

    for email, (_, text, html) in zip(outbox, rendered, strict=True):
        content = renderer.content(email)
        context = content.context | content.personal | {"site_url": settings.SITE_URL}
        assert text == render_to_string(f"{content.template}.txt", context)
        assert html == render_to_string(f"{content.template}.html", context)
        assert email.to_email in text and escape(email.to_email) in html
    assert len({link_in(text) for _, text, _ in rendered}) == 3


def test_the_sent_message_carries_both_bodies_intact(redemption):
    email = OutboundEmail.objects.get(topic=topic_for(redemption))
    _, text, html = emails.render(email)
    raw = emails.build_message(email).message().as_bytes(linesep="\r\n")
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["To"] == "recipient@example.com"
    assert parsed["X-Seatstore-Email"] == str(email.pk)
    parts = {part.get_content_type(): part.get_content() for part in parsed.iter_parts()}
    assert parts["text/plain"].replace("\r\n", "\n") == text
    assert parts["text/html"].replace("\r\n", "\n") == html


def test_emailed_link_opens_the_redemption_page(client, redemption):
    _, text, html = _rendered(topic=topic_for(redemption))
    assert link_in(text) == link_in(html)
    response = client.get(link_in(text), follow=True)
    assert response.status_code == 200
    assert redemption.seat.order_line.product.name in response.content.decode()


def test_resend_and_reminder_share_the_template_with_their_own_words(redemption):
    services.remind_redemptions(now=redemption.expires_at - redemption.expires_at.resolution)
    subject, text, _ = _rendered(kind=SeatEmail.REDEMPTION_REMINDER)
    assert subject.startswith("Reminder:") and "still waiting" in text

    services.resend_redemption(seat=redemption.seat_id, actor=redemption.created_by)
    subject, text, _ = _rendered(kind=SeatEmail.REDEMPTION_RESEND)
    assert subject.startswith("Your new link") and "replaces the one sent earlier" in text


def test_assignment_notice_links_to_the_training(client, db):
    UserFactory(email="known@example.com")
    seat = make_seat(Seat.Status.ASSIGNED, learner_email="known@example.com")
    subject, text, html = _rendered(kind=SeatEmail.ASSIGNMENT_NOTICE)
    assert subject == f"You are enrolled in {seat.order_line.product}"
    assert seat.enrollment.training_url in text and seat.enrollment.training_url in html
    client.force_login(seat.learner)
    assert client.get(seat.enrollment.training_url).status_code == 200


def test_invitation_lets_the_new_learner_set_a_password(client, db):
    make_seat(Seat.Status.ASSIGNED, learner_email="brand.new@example.com")
    subject, text, _ = _rendered(kind=SeatEmail.INVITATION)
    assert "set up your account" in subject
    set_password = next(word for word in text.split() if "/password/reset/" in word)
    form = client.get(set_password, follow=True)
    assert form.status_code == 200
    assert "Set password" in form.content.decode()
    assert "not valid any more" not in form.content.decode()


def test_return_emails_render_with_the_reason_escaped(db):
    seat = make_seat(Seat.Status.ASSIGNED)
    services.request_return(seat=seat, actor=seat.order.buyer, reason="Left <the> company")
    subject, text, html = _rendered(kind=SeatEmail.RETURN_REQUESTED)
    assert subject.startswith("Return requested")
    assert "Left <the> company" in text and "Left &lt;the&gt; company" in html

    services.deny_return(seat=seat, actor=make_store_admin(), note="Already <started>")
    subject, text, html = _rendered(kind=SeatEmail.RETURN_DECIDED)
    assert subject.endswith("was denied")
    assert "Already <started>" in text and "Already &lt;started&gt;" in html
