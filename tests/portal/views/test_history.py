"""A seat's history page: what the order page's rows load when their history is opened."""

from django.urls import reverse

from seats import services


def history_page(client, seat):
    return client.get(reverse("portal:seat_history", args=[seat.pk]))


def test_history_lists_every_event_newest_first_with_who_acted(agent_client, order, seats):
    seat = seats["return_pending"]
    response = history_page(agent_client, seat)
    assert response.status_code == 200
    text = response.text
    assert f"History of seat {seat.pk}" in text
    assert f'href="{reverse("portal:order", args=[order.pk])}#seat-{seat.pk}"' in text
    timeline = text[text.index('<ol class="timeline">') :]
    assert timeline.index("Return requested") < timeline.index("Assigned")
    assert "reason: Left the company" in timeline
    assert f"by {order.buyer.email}" in timeline


def test_history_is_not_shown_for_another_organizations_seat(client, other_agent, seats):
    client.force_login(other_agent)
    assert history_page(client, seats["assigned"]).status_code == 404


def test_history_of_a_missing_seat_is_not_found(agent_client):
    assert agent_client.get(reverse("portal:seat_history", args=[10**9])).status_code == 404


def test_history_asks_a_visitor_to_sign_in(client, seats):
    response = history_page(client, seats["assigned"])
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


# Session, user, the navigation's sections, the seat with what the page names, its events.
HISTORY_QUERIES = 5


def test_history_queries_do_not_grow_with_events(
    agent_client, agent, seats, django_assert_num_queries
):
    seat = seats["awaiting"]
    for _ in range(5):
        services.resend_redemption(seat=seat, actor=agent)
    with django_assert_num_queries(HISTORY_QUERIES):
        response = history_page(agent_client, seat)
    assert response.text.count("Redemption link resent") == 5
