"""The agent's pages: join links (create, share, pause, resume, revoke, who joined) and the seat
request queue (approve, decline, who may ask). Another organization's agent gets 404 for every
id, and the pages cost a fixed number of queries."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from joins import services
from joins.models import JoinLink, RequestDomain, RequestLink, SeatRequest
from orders.models import Order
from seats.models import Seat
from tests import factories


@pytest.fixture
def claimed_link(join_link):
    """The link with two people joined through it."""
    link, token = join_link
    for n in range(2):
        services.join_through_link(token=token, user=factories.UserFactory(email=f"p{n}@x.example"))
    return link


@pytest.fixture
def seat_request(group, product, joiner):
    return services.request_seat(learner=joiner, group=group, product=product, via_link=True)


def test_an_agent_creates_a_join_link(agent_client, group, product):
    response = agent_client.post(
        reverse("joins:links"),
        {
            "group": group.pk,
            "product": product.pk,
            "cap": 12,
            "expires_on": timezone.localdate().isoformat(),
            "allowed_domains": "northwind.example",
        },
    )
    link = JoinLink.objects.get()
    assert response["Location"] == reverse("joins:link", args=[link.pk])
    assert (link.cap, link.domains, link.created_by.email) == (
        12,
        ["northwind.example"],
        "agent@example.com",
    )
    assert link.expires_at > timezone.now()
    page = agent_client.get(response["Location"])
    assert services.join_url(link) in page.text


def test_a_bad_link_form_says_why_and_creates_nothing(agent_client, group, product):
    page = agent_client.post(
        reverse("joins:links"),
        {"group": group.pk, "product": product.pk, "cap": 0, "expires_on": "2001-01-01"},
    )
    assert "Choose today or a later day." in page.text
    assert "greater than or equal to 1" in page.text
    assert not JoinLink.objects.exists()


def test_the_link_form_offers_only_courses_with_seats_to_hand_out(agent_client, order, product):
    course = f">{product.name}</option>"
    assert course in agent_client.get(reverse("joins:links")).text
    Order.objects.filter(pk=order.pk).update(seats_valid_until=timezone.now() - timedelta(days=1))
    assert course not in agent_client.get(reverse("joins:links")).text
    forged = {"group": order.owner_group_id, "product": product.pk, "cap": 3}
    page = agent_client.post(reverse("joins:links"), forged | {"expires_on": timezone.localdate()})
    assert "Select a valid choice" in page.text
    assert not JoinLink.objects.exists()


def test_the_link_list_costs_the_same_queries_for_more_links(
    agent_client, order, claimed_link, django_assert_num_queries
):
    # session, user, nav sections, groups and products of the form, the page's count and rows
    with django_assert_num_queries(7):
        agent_client.get(reverse("joins:links"))
    for _ in range(3):
        factories.make_join_link(order)
    with django_assert_num_queries(7):
        page = agent_client.get(reverse("joins:links"))
    assert page.text.count("/ 3</td>") == 1  # the first link: 2 joined of 3


def test_who_joined_is_listed_with_times(agent_client, claimed_link, django_assert_num_queries):
    # session, user, nav sections, the link, the count and the rows of who joined
    with django_assert_num_queries(6):
        page = agent_client.get(reverse("joins:link", args=[claimed_link.pk]))
    assert "p0@x.example" in page.text and "p1@x.example" in page.text
    assert "2 of 3 places taken" in page.text


@pytest.mark.parametrize(
    ("action", "state"),
    [("pause", JoinLink.State.PAUSED), ("revoke", JoinLink.State.REVOKED)],
)
def test_pause_and_revoke(agent_client, join_link, action, state):
    link, _ = join_link
    agent_client.post(reverse("joins:link_action", args=[link.pk, action]))
    assert JoinLink.objects.get(pk=link.pk).state == state


def test_resuming_an_active_link_says_why_not(agent_client, join_link):
    link, _ = join_link
    response = agent_client.post(
        reverse("joins:link_action", args=[link.pk, "resume"]), follow=True
    )
    assert "This link is not paused, so there is nothing to resume" in response.text


def buttons(page) -> set[str]:
    return set(re.findall(r'<button type="submit"[^>]*>(\w+)</button>', page.text))


def test_an_expired_link_says_so_and_offers_only_revoke(agent_client, join_link):
    link, _ = join_link
    JoinLink.objects.filter(pk=link.pk).update(
        state=JoinLink.State.PAUSED, expires_at=timezone.now() - timedelta(minutes=1)
    )
    url = reverse("joins:link", args=[link.pk])
    page = agent_client.get(url)
    assert ">Expired</span>" in page.text
    assert buttons(page) == {"Revoke"}
    response = agent_client.post(
        reverse("joins:link_action", args=[link.pk, "resume"]), follow=True
    )
    assert "This link expired on " in response.text
    assert "so there is nothing to resume. Revoke it, or create a new link." in response.text
    assert JoinLink.objects.get(pk=link.pk).state == JoinLink.State.PAUSED


def test_a_full_link_is_listed_as_full_and_offers_only_revoke(agent_client, join_link):
    link, token = join_link
    for _ in range(3):
        services.join_through_link(token=token, user=factories.UserFactory())
    assert ">Full</span>" in agent_client.get(reverse("joins:links")).text
    page = agent_client.get(reverse("joins:link", args=[link.pk]))
    assert ">Full</span>" in page.text
    assert buttons(page) == {"Revoke"}


@pytest.mark.parametrize(
    ("domains", "shown"),
    [
        ("", "Anyone with the link"),
        (
            "northwind.example contoso.example",
            "Addresses at @northwind.example, @contoso.example",
        ),
    ],
)
def test_the_link_page_says_who_may_join(agent_client, order, domains, shown):
    link, _ = factories.make_join_link(order, allowed_domains=domains)
    page = agent_client.get(reverse("joins:link", args=[link.pk]))
    assert f"<dt>Who may join</dt><dd>{shown}</dd>" in page.text
    assert "any address" not in page.text


def test_the_queue_lists_pending_requests(agent_client, seat_request, django_assert_num_queries):
    # session, user, nav sections, groups, their domains and request links, the count and rows
    with django_assert_num_queries(8):
        page = agent_client.get(reverse("joins:requests"))
    assert seat_request.learner.email in page.text


def test_the_nav_counts_pending_requests(agent_client, seat_request):
    page = agent_client.get(reverse("portal:training"))
    assert 'aria-label="1 waiting">1</span>' in page.text


def test_approve_from_the_queue(agent_client, seat_request):
    response = agent_client.post(
        reverse("joins:request_decide", args=[seat_request.pk, "approve"]), follow=True
    )
    assert f"Approved: {seat_request.learner.email} has a seat" in response.text
    assert Seat.objects.get(learner=seat_request.learner).status == Seat.Status.ASSIGNED


def test_approve_without_a_seat_says_why(agent_client, seat_request, order, agent):
    for seat in order.seats.all():
        factories.services.email_redemption(seat=seat, actor=agent, email=f"{seat.pk}@example.com")
    response = agent_client.post(
        reverse("joins:request_decide", args=[seat_request.pk, "approve"]), follow=True
    )
    assert "has no available seat in" in response.text
    assert SeatRequest.objects.get().state == SeatRequest.State.PENDING


def test_decline_with_a_note(agent_client, seat_request):
    agent_client.post(
        reverse("joins:request_decide", args=[seat_request.pk, "decline"]), {"note": "Next term"}
    )
    seat_request.refresh_from_db()
    assert (seat_request.state, seat_request.decision_note) == ("declined", "Next term")


def test_an_agent_sets_domains_and_the_request_link(agent_client, group):
    agent_client.post(
        reverse("joins:domains", args=[group.pk]), {f"g{group.pk}-domains": "a.example"}
    )
    assert list(RequestDomain.objects.values_list("domain", flat=True)) == ["a.example"]
    agent_client.post(reverse("joins:request_link", args=[group.pk]))
    link = RequestLink.objects.get(group=group)
    assert services.request_url(link) in agent_client.get(reverse("joins:requests")).text


def test_another_organizations_agent_gets_404_for_every_id(
    client, other_agent, join_link, seat_request, group
):
    link, _ = join_link
    client.force_login(other_agent)
    for method, url in [
        ("get", reverse("joins:link", args=[link.pk])),
        ("post", reverse("joins:link_action", args=[link.pk, "revoke"])),
        ("post", reverse("joins:request_decide", args=[seat_request.pk, "approve"])),
        ("post", reverse("joins:request_decide", args=[seat_request.pk, "decline"])),
        ("post", reverse("joins:domains", args=[group.pk])),
        ("post", reverse("joins:request_link", args=[group.pk])),
    ]:
        assert getattr(client, method)(url).status_code == 404, url
    assert JoinLink.objects.get().state == JoinLink.State.ACTIVE
    assert SeatRequest.objects.get().state == SeatRequest.State.PENDING
    assert not RequestLink.objects.exists()
    assert "No join links yet" in client.get(reverse("joins:links")).text
    assert seat_request.learner.email not in client.get(reverse("joins:requests")).text


def test_a_foreign_group_cannot_be_chosen_for_a_link(client, other_agent, group, product):
    client.force_login(other_agent)
    page = client.post(
        reverse("joins:links"),
        {"group": group.pk, "product": product.pk, "cap": 3, "expires_on": timezone.localdate()},
    )
    assert "Select a valid choice" in page.text
    assert not JoinLink.objects.exists()


def test_unknown_actions_are_404(agent_client, join_link, seat_request):
    link, _ = join_link
    assert (
        agent_client.post(reverse("joins:link_action", args=[link.pk, "explode"])).status_code
        == 404
    )
    url = reverse("joins:request_decide", args=[seat_request.pk, "maybe"])
    assert agent_client.post(url).status_code == 404


def test_an_expired_link_is_shown_as_expired(agent_client, join_link):
    link, _ = join_link
    JoinLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())
    assert ">Expired</span>" in agent_client.get(reverse("joins:links")).text
