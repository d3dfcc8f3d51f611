"""The seat admin: every transition from the seat's page goes through its service; refusals
change nothing; the status is never editable; seats are never added or deleted here."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groups.models import PurchasingGroup
from notifications.models import OutboundEmail
from orders.models import Refund
from seats import services
from seats.emails import SeatEmail
from seats.lms import campus
from seats.models import Enrollment, Redemption, Seat, SeatEvent
from tests import factories
from tests.support.admin import action_url, change_url, changelist_url, messages_of

pytestmark = pytest.mark.django_db


def act(client, seat, name, **data):
    """POST one of the seat page's action forms (fields carry the action's prefix)."""
    seat.refresh_from_db()
    payload = {f"{name}-version": seat.version, **{f"{name}-{k}": v for k, v in data.items()}}
    response = client.post(action_url(seat, name), payload, follow=True)
    seat.refresh_from_db()
    return response


def snapshot(seat):
    seat.refresh_from_db()
    return (
        seat.status,
        seat.version,
        seat.learner_id,
        seat.enrollment_id,
        seat.owner_group_id,
        seat.events.count(),
        Enrollment.objects.filter(seat=seat).count(),
        Refund.objects.filter(seat=seat).count(),
    )


@pytest.fixture
def seat(order):
    return order.seats.first()


def test_the_seat_page_offers_the_actions_of_its_state(staff_client, seat):
    page = staff_client.get(change_url(seat)).content.decode()
    for label in ("Assign the seat", "Email a redemption link", "Refund the unused seat"):
        assert label in page
    assert "Unassign the seat" not in page
    assert "Approve the return" not in page


def test_assign_from_the_seat_page(staff_client, seat, store_admin):
    question = factories.QuestionFactory(store=seat.order.store, prompt="Employee ID")
    response = act(
        staff_client,
        seat,
        "assign",
        email="New.Learner@Example.com",
        first_name="Nia",
        **{f"question_{question.pk}": "E-42"},
    )

    assert response.status_code == 200
    assert seat.status == Seat.Status.ASSIGNED
    assert seat.learner.email == "new.learner@example.com"
    assert seat.enrollment.status == Enrollment.Status.NOT_STARTED
    assert seat.answers.get().value == "E-42"
    event = seat.events.get(action=SeatEvent.Action.ASSIGN)
    assert event.actor == store_admin
    assert (
        f"Seat {seat.pk} is assigned to new.learner@example.com; they were emailed their "
        "training link." in messages_of(response)
    )


def test_assign_without_a_required_answer_is_refused_and_changes_nothing(staff_client, seat):
    factories.QuestionFactory(store=seat.order.store, prompt="Employee ID")
    before = snapshot(seat)

    response = act(staff_client, seat, "assign", email="someone@example.com")

    assert snapshot(seat) == before
    assert (
        "Nothing was changed. Employee ID: Answer the required question “Employee ID”."
        in messages_of(response)
    )


def test_an_invalid_form_changes_nothing(staff_client, seat):
    before = snapshot(seat)
    response = act(staff_client, seat, "assign", email="not an email")
    assert snapshot(seat) == before
    assert any(m.startswith("Nothing was changed.") for m in messages_of(response))


def test_a_stale_page_is_refused(staff_client, seat, store_admin):
    stale_version = seat.version
    services.email_redemption(seat=seat, actor=store_admin, email="first@example.com")
    services.cancel_redemption(seat=seat, actor=store_admin)
    before = snapshot(seat)

    response = staff_client.post(
        action_url(seat, "assign"),
        {"assign-version": stale_version, "assign-email": "late@example.com"},
        follow=True,
    )

    assert snapshot(seat) == before
    assert any("changed since you opened the page" in m for m in messages_of(response))


def test_email_a_link_then_resend_then_cancel(staff_client, seat):
    act(staff_client, seat, "email", email="recipient@example.com", message="Welcome aboard")
    assert seat.status == Seat.Status.AWAITING
    first = seat.redemptions.get(state=Redemption.State.PENDING)
    assert first.message == "Welcome aboard"
    assert OutboundEmail.objects.filter(
        kind=SeatEmail.REDEMPTION_LINK, to_email="recipient@example.com"
    ).exists()

    act(staff_client, seat, "resend")
    first.refresh_from_db()
    assert first.state == Redemption.State.REPLACED
    assert seat.redemptions.get(state=Redemption.State.PENDING).recipient_email == (
        "recipient@example.com"
    )

    response = act(staff_client, seat, "cancel-link")
    assert seat.status == Seat.Status.AVAILABLE
    assert not seat.redemptions.filter(state=Redemption.State.PENDING).exists()
    assert f"The link for seat {seat.pk} was cancelled; the seat is available again." in (
        messages_of(response)
    )


def test_unassign_and_transfer(staff_client, order):
    seat = factories.make_seat(Seat.Status.ASSIGNED, order=order)
    act(staff_client, seat, "transfer", email="second@example.com")
    assert seat.learner.email == "second@example.com"
    assert Enrollment.objects.get(learner__email="learner@example.com").status == (
        Enrollment.Status.WITHDRAWN
    )

    act(staff_client, seat, "unassign")
    assert seat.status == Seat.Status.AVAILABLE
    assert seat.learner is None


def test_unassign_refused_once_the_learner_started(staff_client, order):
    seat = factories.make_seat(Seat.Status.ASSIGNED, order=order)
    campus().start(seat.enrollment)
    before = snapshot(seat)

    response = act(staff_client, seat, "unassign")

    assert snapshot(seat) == before
    assert any("has already started" in m for m in messages_of(response))


def test_approve_and_deny_from_the_seat_page(staff_client, order):
    approved = factories.make_seat(Seat.Status.RETURN_PENDING, order=order)
    denied = factories.make_seat(Seat.Status.RETURN_PENDING, order=order, learner_email="b@x.io")

    act(staff_client, approved, "approve", amount="20.00", note="Sorry to see them go")
    assert approved.status == Seat.Status.AVAILABLE
    assert Refund.objects.get(seat=approved).amount == Decimal("20.00")

    act(staff_client, denied, "deny", note="Course already started")
    assert denied.status == Seat.Status.ASSIGNED
    assert denied.return_requests.get().note == "Course already started"


def test_refund_an_unused_seat(staff_client, seat, store_admin):
    response = act(staff_client, seat, "refund", amount="120.00", reason="Bought one too many")

    assert seat.status == Seat.Status.RETURNED
    refund = Refund.objects.get(seat=seat)
    assert (refund.amount, refund.created_by, refund.reason) == (
        Decimal("120.00"),
        store_admin,
        "Bought one too many",
    )
    assert f"Seat {seat.pk} is refunded (120.00) and returned for good." in messages_of(response)
    assert seat.refunds.get().amount == 120


def test_refund_more_than_the_price_is_refused(staff_client, seat):
    before = snapshot(seat)
    response = act(staff_client, seat, "refund", amount="999.00")
    assert snapshot(seat) == before
    assert any("The refund must be between 0 and 120.00" in m for m in messages_of(response))


def test_change_the_owner_group(staff_client, seat):
    other = PurchasingGroup.objects.create(store=seat.order.store, name="Warehouse")
    act(staff_client, seat, "group", group=other.pk)
    assert seat.owner_group == other
    assert seat.events.filter(action=SeatEvent.Action.CHANGE_OWNER_GROUP).count() == 1


def test_an_action_the_state_does_not_allow_is_refused(staff_client, seat):
    """A crafted POST for an action not offered: the service refuses, nothing changes."""
    before = snapshot(seat)
    response = act(staff_client, seat, "unassign")
    assert snapshot(seat) == before
    assert any("cannot be unassigned" in m for m in messages_of(response))


def test_an_unknown_action_is_404(staff_client, seat):
    assert staff_client.post(action_url(seat, "explode")).status_code == 404


def test_actions_only_accept_post(staff_client, seat):
    assert staff_client.get(action_url(seat, "unassign")).status_code == 405


def test_the_status_is_not_editable(staff_client, seat):
    before = snapshot(seat)
    page = staff_client.get(change_url(seat)).content.decode()
    assert 'name="status"' not in page

    response = staff_client.post(
        change_url(seat), {"status": Seat.Status.RETURNED, "learner": "", "version": 99}
    )

    assert response.status_code == 302
    assert snapshot(seat) == before


def test_seats_cannot_be_added_or_deleted(staff_client, seat):
    opts = Seat._meta
    assert staff_client.get(f"/admin/{opts.app_label}/{opts.model_name}/add/").status_code == 403
    assert staff_client.get(change_url(seat) + "../delete/").status_code == 403
    response = staff_client.get(changelist_url(Seat))
    assert "delete_selected" not in response.content.decode()
    assert Seat.objects.count() == 5


def test_bulk_cancel_links_counts_successes_and_refusals(staff_client, order):
    awaiting = [
        factories.make_seat(Seat.Status.AWAITING, order=order, learner_email=f"r{i}@example.com")
        for i in range(2)
    ]
    available = order.seats.filter(status=Seat.Status.AVAILABLE).first()

    response = staff_client.post(
        changelist_url(Seat),
        {"action": "cancel_links", "_selected_action": [s.pk for s in [*awaiting, available]]},
        follow=True,
    )

    messages = messages_of(response)
    assert "2 seats had their link cancelled and are available." in messages
    assert any(m.startswith(f"1 refused (Seat {available.pk}): ") for m in messages)
    assert Seat.objects.filter(pk__in=[s.pk for s in awaiting], status="available").count() == 2


def test_bulk_refund_at_full_price(staff_client, order):
    assigned = factories.make_seat(Seat.Status.ASSIGNED, order=order)
    unused = list(order.seats.filter(status=Seat.Status.AVAILABLE)[:2])

    response = staff_client.post(
        changelist_url(Seat),
        {"action": "refund_at_full_price", "_selected_action": [s.pk for s in [*unused, assigned]]},
        follow=True,
    )

    assert "2 seats refunded and returned." in messages_of(response)
    assert sorted(Refund.objects.values_list("amount", flat=True)) == [Decimal("120.00")] * 2
    assigned.refresh_from_db()
    assert assigned.status == Seat.Status.ASSIGNED


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("learner@example.com", {"assigned"}),
        ("LEARNER@example.com", {"assigned"}),
        ("recipient@example.com", {"awaiting"}),
        ("recipient", {"awaiting"}),
        ("nobody@example.com", set()),
    ],
)
def test_search_by_learner_and_recipient_email(staff_client, order, term, expected):
    assigned = factories.make_seat(Seat.Status.ASSIGNED, order=order)
    awaiting = factories.make_seat(
        Seat.Status.AWAITING, order=order, learner_email="recipient@example.com"
    )
    names = {assigned.pk: "assigned", awaiting.pk: "awaiting"}

    response = staff_client.get(changelist_url(Seat), {"q": term})

    found = {names.get(seat.pk, "other") for seat in response.context["cl"].result_list}
    assert found == expected


def test_search_by_seat_id_and_order_number(staff_client, order, seat):
    by_id = staff_client.get(changelist_url(Seat), {"q": str(seat.pk)}).context["cl"]
    assert [s.pk for s in by_id.result_list] == [seat.pk]
    by_number = staff_client.get(changelist_url(Seat), {"q": order.number.lower()}).context["cl"]
    assert by_number.result_count == 5


def test_filters(staff_client, order, seat):
    factories.make_seat(Seat.Status.ASSIGNED, order=order)
    product = seat.order_line.product
    for params, count in [
        ({"status__exact": "assigned"}, 1),
        ({"order_line__product__id__exact": product.pk}, 5),
        ({"owner_group__id__exact": seat.owner_group_id}, 5),
        ({"order__store__id__exact": order.store_id}, 5),
        ({"order__id__exact": order.pk}, 5),
    ]:
        cl = staff_client.get(changelist_url(Seat), params).context["cl"]
        assert cl.result_count == count, params


def test_the_seat_page_reads_what_the_admin_manages_once(staff_client, seat):
    """The actions offered on a seat's page share one read of the admin's groups, not one per
    action."""
    with CaptureQueriesContext(connection) as page:
        assert staff_client.get(change_url(seat)).status_code == 200
    memberships = [q for q in page.captured_queries if "groups_groupmembership" in q["sql"]]
    assert len(memberships) == 1


def test_a_refused_action_shows_what_was_typed_with_the_problem_beside_it(staff_client, seat):
    factories.QuestionFactory(store=seat.order.store, prompt="Employee ID")

    page = act(staff_client, seat, "assign", email="kim@example.com", first_name="Kim")

    assign = next(i for i in page.context["object_actions"] if i["action"].name == "assign")
    assert assign["open"]
    assert assign["form"]["email"].value() == "kim@example.com"
    assert assign["form"]["first_name"].value() == "Kim"
    problems = [e for errors in assign["form"].errors.values() for e in errors]
    assert problems == ["Answer the required question “Employee ID”."]
    others = [i for i in page.context["object_actions"] if i["action"].name != "assign"]
    assert not any(i["open"] for i in others)
    again = staff_client.get(change_url(seat))
    assert not any(i["open"] for i in again.context["object_actions"])


def test_after_a_stale_refusal_the_form_carries_the_current_version(
    staff_client, seat, store_admin
):
    stale_version = seat.version
    services.email_redemption(seat=seat, actor=store_admin, email="first@example.com")
    services.cancel_redemption(seat=seat, actor=store_admin)

    page = staff_client.post(
        action_url(seat, "assign"),
        {"assign-version": stale_version, "assign-email": "late@example.com"},
        follow=True,
    )

    assign = next(i for i in page.context["object_actions"] if i["action"].name == "assign")
    seat.refresh_from_db()
    assert assign["form"]["version"].value() == seat.version
    assert assign["form"]["email"].value() == "late@example.com"
    assert any("changed since you opened the page" in e for e in assign["form"].non_field_errors())
