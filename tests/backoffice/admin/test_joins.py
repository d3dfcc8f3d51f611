"""Join links and seat requests in the admin: listed with their state, changed only through the
joins services, each list a fixed number of queries."""

from datetime import timedelta

from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from joins import services
from joins.models import JoinLink, SeatRequest
from seats.models import Seat
from tests import factories
from tests.support.admin import action_url, change_url, changelist_url, messages_of


def a_request(order, email):
    learner = factories.UserFactory(email=email)
    product = order.lines.get().product
    return services.request_seat(
        learner=learner, group=order.owner_group, product=product, via_link=True
    )


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_revoke_links_from_the_list(admin_client, order):
    link, token = factories.make_join_link(order)
    services.join_through_link(token=token, user=factories.UserFactory())
    response = admin_client.post(
        changelist_url(JoinLink), {"action": "revoke", "_selected_action": [link.pk]}, follow=True
    )
    assert "1 join link revoked." in messages_of(response)
    assert JoinLink.objects.get().state == JoinLink.State.REVOKED
    assert admin_client.get(change_url(link)).status_code == 200


def test_approve_requests_from_the_list_and_refusals_are_named(admin_client, order):
    first, second = a_request(order, "a@x.example"), a_request(order, "b@x.example")
    services.decline_seat_request(request=second, actor=order.buyer)
    response = admin_client.post(
        changelist_url(SeatRequest),
        {"action": "approve", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    shown = messages_of(response)
    assert "1 seat request approved." in shown
    assert any("This request was already declined" in message for message in shown)
    assert Seat.objects.get(learner__email="a@x.example").status == Seat.Status.ASSIGNED


def test_the_lists_cost_the_same_queries_for_more_rows(admin_client, order):
    factories.make_join_link(order)
    a_request(order, "a@x.example")
    counts = [queries(admin_client, changelist_url(model)) for model in (JoinLink, SeatRequest)]
    for n in range(3):
        factories.make_join_link(order)
        a_request(order, f"more{n}@x.example")
    assert [queries(admin_client, changelist_url(m)) for m in (JoinLink, SeatRequest)] == counts


def test_decline_a_request_on_its_page_with_a_note(admin_client, order):
    request = a_request(order, "a@x.example")
    page = admin_client.get(change_url(request))
    assert 'name="decline-note"' in page.text
    response = admin_client.post(
        action_url(request, "decline"), {"decline-note": "Next term"}, follow=True
    )
    assert "The request is declined; the learner is told by email." in messages_of(response)
    request.refresh_from_db()
    assert (request.state, request.decision_note) == (SeatRequest.State.DECLINED, "Next term")
    assert 'name="approve-note"' not in admin_client.get(change_url(request)).text


def test_a_revoked_link_offers_nothing_more(admin_client, order):
    link, _ = factories.make_join_link(order)
    admin_client.post(action_url(link, "revoke"))
    assert JoinLink.objects.get().state == JoinLink.State.REVOKED
    page = admin_client.get(change_url(link))
    assert "Nothing can be done to this join link in its current state." in page.text


def test_an_expired_link_is_listed_as_expired_and_offers_only_revoke(admin_client, order):
    link, _ = factories.make_join_link(order)
    JoinLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert ">Expired</span>" in admin_client.get(changelist_url(JoinLink)).text
    response = admin_client.post(action_url(link, "pause"), follow=True)
    assert any("This link expired on " in message for message in messages_of(response))
    assert JoinLink.objects.get().state == JoinLink.State.ACTIVE
    assert admin_client.post(action_url(link, "revoke")).status_code == 302
    assert JoinLink.objects.get().state == JoinLink.State.REVOKED


def history_of(client, record) -> str:
    page = client.get(change_url(record).replace("/change/", "/history/"))
    assert page.status_code == 200
    return page.text


def test_a_links_history_names_who_changed_it_in_the_portal_and_the_admin(admin_client, order):
    link, _ = factories.make_join_link(order)
    services.pause_join_link(link=link, actor=order.buyer)
    admin_client.post(action_url(link, "resume"))
    admin_client.post(changelist_url(JoinLink), {"action": "revoke", "_selected_action": [link.pk]})

    history = history_of(admin_client, link)
    for message in ("Created for 10 people.", "Now paused.", "Now active.", "Now revoked."):
        assert history.count(message) == 1, message
    assert history.count(order.buyer.email) == 2  # created and paused in the portal
    entries = LogEntry.objects.filter(content_type__model="joinlink", object_id=str(link.pk))
    assert entries.count() == 4, "one entry per change, not a second one from the admin"


def test_a_groups_history_names_who_changed_its_request_settings(admin_client, order):
    group, agent = order.owner_group, order.buyer
    services.set_request_domains(group=group, actor=agent, domains="northwind.example")
    services.replace_request_link(group=group, actor=agent)
    history = history_of(admin_client, group)
    assert "Seat-request domains: northwind.example." in history
    assert "Seat-request link replaced." in history
    assert history.count(agent.email) == 2
