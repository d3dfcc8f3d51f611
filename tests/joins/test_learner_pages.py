"""The learner's pages: a join link swaps its token for the session, then register or sign in,
answer, join; a seat request from the courses the learner may ask for. Nothing a refusal shows
changes a seat."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from joins import services
from joins.models import JoinClaim, JoinLink, SeatRequest
from orders.models import Order
from seats.models import Seat
from tests import factories


def open_link(client, token):
    response = client.get(reverse("join", args=[token]))
    assert response.status_code == 302
    return response


def test_the_link_redirects_to_a_page_without_the_token(client, join_link):
    link, token = join_link
    response = open_link(client, token)
    assert response["Location"] == reverse("join_claim", args=[link.pk])
    assert response["Referrer-Policy"] == "no-referrer"
    assert token not in response["Location"]


@pytest.mark.django_db
def test_an_unknown_link_is_404(client):
    response = client.get(reverse("join", args=["not-a-token"]))
    assert response.status_code == 404
    assert "This join link is not valid." in response.text


def test_the_page_without_the_link_asks_to_reopen_it(client, join_link):
    link, _ = join_link
    response = client.get(reverse("join_claim", args=[link.pk]))
    assert response.status_code == 404
    assert "Open the join link you were given again" in response.text


def test_a_visitor_registers_first(client, join_link, product):
    link, token = join_link
    page = client.get(open_link(client, token)["Location"])
    assert page.status_code == 200
    assert "Create your account" in page.text
    assert f'name="next" value="{reverse("join_claim", args=[link.pk])}"' in page.text
    assert "3 of 3" in page.text


def test_a_signed_in_learner_joins_and_gets_the_training_link(client, join_link, joiner):
    link, token = join_link
    client.force_login(joiner)
    claim_url = open_link(client, token)["Location"]
    assert ">Join</button>" in client.get(claim_url).text
    response = client.post(claim_url)
    claim = JoinClaim.objects.get(link=link)
    assert response["Location"] == reverse("redeem_done", args=[claim.seat_id])
    done = client.get(response["Location"])
    assert claim.seat.enrollment.training_url in done.text


def test_a_refused_learner_is_told_why_and_nothing_changes(client, order, joiner):
    _link, token = factories.make_join_link(order, allowed_domains="contoso.example")
    client.force_login(joiner)
    claim_url = open_link(client, token)["Location"]
    page = client.get(claim_url)
    assert "You can't join through this link" in page.text
    assert "for addresses at @contoso.example" in page.text
    client.post(claim_url)
    assert not order.seats.exclude(status=Seat.Status.AVAILABLE).exists()


def test_a_paused_link_says_so(client, join_link, joiner):
    link, token = join_link
    JoinLink.objects.filter(pk=link.pk).update(state=JoinLink.State.PAUSED)
    client.force_login(joiner)
    page = client.get(open_link(client, token)["Location"])
    assert page.status_code == 410
    assert "This join link is paused" in page.text
    assert page.text.count("Write to") == 1, "the store's support line once, in the footer"
    assert f'href="mailto:{link.group.store.support_email}"' in page.text


def test_questions_are_asked_before_joining(client, join_link, joiner, store):
    question = factories.QuestionFactory(store=store, prompt="Department")
    _link, token = join_link
    client.force_login(joiner)
    claim_url = open_link(client, token)["Location"]
    page = client.post(claim_url)
    assert "Answer the required question “Department”" in page.text
    assert not JoinClaim.objects.exists()
    client.post(claim_url, {f"question_{question.pk}": "Ops"})
    assert JoinClaim.objects.get().seat.answers.get().value == "Ops"


# --- Seat requests ------------------------------------------------------------------------------


@pytest.fixture
def open_group(group, agent):
    services.set_request_domains(group=group, actor=agent, domains="northwind.example")
    return group


def test_a_learner_at_an_allowed_domain_sees_the_courses_to_ask_for(
    client, open_group, joiner, product
):
    client.force_login(joiner)
    page = client.get(reverse("request_seat"))
    new = reverse("request_seat_new", args=[open_group.pk, product.pk])
    assert f'href="{new}"' in page.text


def test_a_course_whose_seats_expired_is_no_longer_offered(
    client, open_group, joiner, product, order
):
    Order.objects.filter(pk=order.pk).update(seats_valid_until=timezone.now() - timedelta(days=1))
    client.force_login(joiner)
    page = client.get(reverse("request_seat"))
    assert reverse("request_seat_new", args=[open_group.pk, product.pk]) not in page.text
    assert "No course to ask for" in page.text


def test_a_learner_asks_for_a_seat(client, open_group, joiner, product):
    client.force_login(joiner)
    new = reverse("request_seat_new", args=[open_group.pk, product.pk])
    response = client.post(new, {"note": "Starting in the warehouse"})
    assert response["Location"] == reverse("request_seat")
    request = SeatRequest.objects.get()
    assert (request.learner, request.note) == (joiner, "Starting in the warehouse")
    assert "Requested" in client.get(reverse("request_seat")).text


def test_a_course_the_group_has_no_seats_in_is_refused_without_a_form(
    client, open_group, joiner, store
):
    other = factories.ProductFactory(store=store, name="Forklift Basics")
    client.force_login(joiner)
    new = reverse("request_seat_new", args=[open_group.pk, other.pk])
    page = client.get(new)
    assert f"{open_group} has no seats in Forklift Basics." in page.text
    assert "Send request" not in page.text and 'name="note"' not in page.text
    client.post(new, {"note": "Please"})
    assert not SeatRequest.objects.exists()


def test_asking_twice_shows_the_pending_request_instead_of_the_form(
    client, open_group, joiner, product
):
    client.force_login(joiner)
    new = reverse("request_seat_new", args=[open_group.pk, product.pk])
    client.post(new, {"note": "First"})
    page = client.get(new)
    assert f"You already asked for a seat in {product}" in page.text
    assert "Send request" not in page.text
    assert SeatRequest.objects.count() == 1


def test_a_learner_of_another_organization_gets_404(client, open_group, product):
    client.force_login(factories.UserFactory(email="sam@elsewhere.example"))
    assert "No course to ask for" in client.get(reverse("request_seat")).text
    new = reverse("request_seat_new", args=[open_group.pk, product.pk])
    assert client.get(new).status_code == 404
    assert client.post(new).status_code == 404
    assert not SeatRequest.objects.exists()


def test_the_request_link_opens_the_group_to_its_holder(client, group, agent, product):
    link = services.replace_request_link(group=group, actor=agent)
    client.force_login(factories.UserFactory(email="sam@elsewhere.example"))
    response = client.get(services.request_url(link).removeprefix("http://testserver"))
    assert response["Location"] == reverse("request_seat")
    new = reverse("request_seat_new", args=[group.pk, product.pk])
    assert f'href="{new}"' in client.get(reverse("request_seat")).text
    client.post(new)
    assert SeatRequest.objects.get().group == group


def test_a_replaced_request_link_no_longer_opens_the_group(client, group, agent, product):
    link = services.replace_request_link(group=group, actor=agent)
    client.force_login(factories.UserFactory(email="sam@elsewhere.example"))
    client.get(services.request_url(link).removeprefix("http://testserver"))
    services.replace_request_link(group=group, actor=agent)
    new = reverse("request_seat_new", args=[group.pk, product.pk])
    assert client.get(new).status_code == 404


def test_someone_who_joined_is_told_so_even_once_the_link_is_full(client, order, joiner):
    _link, token = factories.make_join_link(order, cap=1)
    services.join_through_link(token=token, user=joiner)
    client.force_login(joiner)
    page = client.get(open_link(client, token)["Location"])
    assert "You're already in" in page.text
    assert "You already joined" in page.text


def test_the_request_page_costs_the_same_queries_for_more_offers_and_requests(
    client, open_group, joiner, product, django_assert_num_queries
):
    client.force_login(joiner)
    services.request_seat(learner=joiner, group=open_group, product=product)
    # session, user, nav sections, offers, pending requests, enrollments, the count and rows
    with django_assert_num_queries(8):
        client.get(reverse("request_seat"))
    for _ in range(3):
        other = factories.make_order(seats=1, group=open_group).lines.get().product
        services.request_seat(learner=joiner, group=open_group, product=other)
    with django_assert_num_queries(8):
        page = client.get(reverse("request_seat"))
    assert page.text.count(">Requested</span>") == 4


def test_the_join_page_gives_the_stores_support_address(client, join_link, store):
    _link, token = join_link
    page = client.get(open_link(client, token)["Location"])
    assert f'href="mailto:{store.support_email}"' in page.text
