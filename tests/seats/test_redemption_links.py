"""Dead links, the account policy, and what every /redeem/ response carries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import SeatActionError
from seats import services
from seats.models import Redemption, Seat, SeatEvent
from seats.services.redemption import WrongAccount
from seats.tokens import token_for
from tests.factories import UserFactory
from tests.support.links import RECIPIENT, link_path, open_link


def _token(redemption) -> str:
    return token_for(redemption.token_nonce)


def _expire_now(redemption):
    services.expire_redemptions(now=redemption.expires_at)


def _pass_expiry_unnoticed(redemption):
    Redemption.objects.filter(pk=redemption.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )


def _cancel(redemption):
    services.cancel_redemption(seat=redemption.seat_id, actor=redemption.created_by)


def _replace(redemption):
    services.resend_redemption(seat=redemption.seat_id, actor=redemption.created_by)


def _use(redemption):
    services.redeem_link(token=_token(redemption), user=UserFactory(email=RECIPIENT))


@pytest.mark.parametrize(
    ("kill", "status", "heading"),
    [
        (_expire_now, 410, "This link has expired"),
        (_pass_expiry_unnoticed, 410, "This link has expired"),
        (_cancel, 410, "This link was cancelled"),
        (_replace, 410, "This link was replaced"),
    ],
)
def test_dead_link_says_why_and_whom_to_ask(client, redemption, kill, status, heading):
    claim = open_link(client, link_path(redemption))  # opened before it died
    kill(redemption)
    support_email = redemption.seat.order.store.support_email

    for response in (client.get(link_path(redemption)), client.get(claim), client.post(claim)):
        assert response.status_code == status
        body = response.content.decode()
        assert heading in body
        assert support_email in body
        assert body.count("Write to") == 1, "the support line once, in the footer"
        assert redemption.created_by.email in body
    assert client.get(link_path(redemption))["Referrer-Policy"] == "same-origin"


def test_used_and_unknown_links_are_indistinguishable(client, redemption, settings):
    _use(redemption)
    used = client.get(link_path(redemption))
    unknown = client.get(reverse("redeem", args=["0" * 64]))

    assert used.status_code == unknown.status_code == 404
    assert used.content == unknown.content
    body = unknown.content.decode()
    assert "This link doesn't work" in body
    assert settings.SUPPORT_EMAIL in body
    assert redemption.seat.order.store.support_email not in body
    # A dead token opens nothing, so its page may send a Referer, though never to another site.
    assert used["Referrer-Policy"] == unknown["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "token", ["x", "done", "A" * 5000, "☃", "..", "' OR 1=1 --", "<script>"]
)  # a NUL is refused before any view: tests/seatstore/test_error_pages.py
def test_garbage_tokens_get_the_invalid_link_page(client, db, token):
    response = client.get(f"/redeem/{token}/")
    assert response.status_code == 404
    assert "This link doesn't work" in response.content.decode()


def test_dead_links_stay_dead_after_the_seat_is_emailed_again(client, redemption, agent):
    _cancel(redemption)
    services.email_redemption(seat=redemption.seat_id, actor=agent, email=RECIPIENT)
    assert client.get(link_path(redemption)).status_code == 410


def test_link_accepts_no_posts(client, redemption):
    response = client.post(link_path(redemption))
    assert response.status_code == 405
    assert response["Referrer-Policy"] == "same-origin"


def test_redeem_pages_are_not_cached(client, redemption):
    link = link_path(redemption)
    for response in (client.get(link), client.get(link, follow=True)):
        assert "no-store" in response["Cache-Control"]


def test_other_account_is_told_and_offered_to_sign_out(client, redemption):
    stranger = UserFactory(email="someone.else@example.com")
    client.force_login(stranger)
    link = link_path(redemption)
    claim = open_link(client, link)

    page = client.get(claim).content.decode()
    assert f"This link was sent to {RECIPIENT}" in page
    assert f'action="{reverse("account_logout")}"' in page
    assert f'name="next" value="{link}"' in page

    refused = client.post(claim)
    assert refused.status_code == 200
    assert Seat.objects.get(pk=redemption.seat_id).status == Seat.Status.AWAITING
    assert Redemption.objects.get(pk=redemption.pk).state == Redemption.State.PENDING

    signed_out = client.post(reverse("account_logout"), {"next": link})
    assert signed_out["Location"] == link
    assert "Create your account" in client.get(link, follow=True).content.decode()


def test_other_account_may_redeem_when_the_store_allows_it(client, redemption):
    store = redemption.seat.order.store
    store.require_matching_redeemer_email = False
    store.save()
    colleague = UserFactory(email="colleague@example.com")
    client.force_login(colleague)

    assert client.post(open_link(client, link_path(redemption))).status_code == 302
    assert Seat.objects.get(pk=redemption.seat_id).learner == colleague


def test_service_refuses_other_account_under_the_policy(redemption):
    with pytest.raises(WrongAccount, match=f"This link was sent to {RECIPIENT}"):
        services.redeem_link(token=_token(redemption), user=UserFactory(email="x@example.com"))
    assert Redemption.objects.get(pk=redemption.pk).state == Redemption.State.PENDING


def test_learner_already_enrolled_is_refused_and_the_seat_stays(client, redemption, recipient):
    other_seat = redemption.seat.order.seats.exclude(pk=redemption.seat_id).first()
    services.assign_seat(seat=other_seat, actor=redemption.created_by, email=RECIPIENT)
    client.force_login(recipient)
    claim = open_link(client, link_path(redemption))

    page = client.get(claim).content.decode()
    assert "You are already enrolled in" in page
    assert client.post(claim).status_code == 200
    assert Seat.objects.get(pk=redemption.seat_id).status == Seat.Status.AWAITING


def test_anonymous_post_redeems_nothing(client, redemption):
    response = client.post(open_link(client, link_path(redemption)))
    assert response.status_code == 200
    assert Seat.objects.get(pk=redemption.seat_id).status == Seat.Status.AWAITING


def test_each_client_gets_a_limited_number_of_tries(client, redemption, settings, clock):
    settings.REDEEM_RATE_LIMIT = 3
    link = link_path(redemption)
    claim = open_link(client, link)
    for _ in range(2):
        assert client.get(claim).status_code == 200

    limited = client.get(reverse("redeem", args=["f" * 64]))
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    assert limited["Referrer-Policy"] == "same-origin"
    assert "Too many attempts" in limited.content.decode()
    assert client.get(claim).status_code == 429
    assert client.get(link, REMOTE_ADDR="192.0.2.7").status_code == 302


def test_limit_counts_the_client_behind_a_trusted_proxy(client, redemption, settings, clock):
    settings.REDEEM_RATE_LIMIT = 1
    settings.RATELIMIT_TRUSTED_PROXIES = 1
    link = link_path(redemption)
    assert client.get(link, HTTP_X_FORWARDED_FOR="spoofed, 198.51.100.1").status_code == 302
    assert client.get(link, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    assert client.get(link, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 302


def test_correcting_the_address_sends_a_new_link_there_and_kills_the_old(order, agent):
    seat = order.seats.order_by("pk").first()
    old = services.email_redemption(seat=seat, actor=agent, email="ann@exmaple.com")
    new = services.correct_recipient(seat=seat, actor=agent, email="Ann@Example.com")

    old.refresh_from_db()
    assert old.state == Redemption.State.REPLACED
    assert (new.recipient_email, new.state, new.replaces) == (
        "ann@example.com",
        Redemption.State.PENDING,
        old,
    )
    seat.refresh_from_db()
    assert seat.status == Seat.Status.AWAITING
    event = seat.events.latest("id")
    assert (event.action, event.details["from_recipient"]) == (
        SeatEvent.Action.CORRECT_RECIPIENT,
        "ann@exmaple.com",
    )
    with pytest.raises(SeatActionError, match=r"already sent to ann@example\.com; resend"):
        services.correct_recipient(seat=seat, actor=agent, email="ann@example.com")
