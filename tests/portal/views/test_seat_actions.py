"""Each seat action through the portal: the service's outcome, its refusals shown beside the form
with what was typed, and stale pages refused."""

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils.html import escape

from notifications.models import OutboundEmail
from seats.emails import SeatEmail
from seats.lms import campus
from seats.models import Enrollment, Redemption, ReturnRequest, Seat, SeatEvent
from tests import factories


def act(client, seat, action, **data):
    """POST an action with the version the page showed; follow to the order page."""
    data.setdefault("version", seat.version)
    url = reverse("portal:seat_action", args=[seat.pk, action])
    return client.post(url, data, follow=True)


def shown_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def refusal(response) -> str:
    """What the action's page, shown again instead of the order page, says refused it."""
    assert not response.redirect_chain, "a refusal stays on the action's page"
    shown = response.context["problem"] or " ".join(response.context["form"].non_field_errors())
    assert shown and escape(shown) in response.text
    return shown


def unchanged(seat) -> bool:
    fresh = Seat.objects.get(pk=seat.pk)
    return (fresh.status, fresh.version, fresh.learner_id) == (
        seat.status,
        seat.version,
        seat.learner_id,
    )


def test_assign_enrolls_the_learner(agent_client, order, seats):
    seat = seats["available"]
    response = act(agent_client, seat, "assign", email="Marie@Example.com", first_name="Marie")
    assert response.redirect_chain[-1][0] == reverse("portal:order", args=[order.pk])
    assert shown_messages(response) == [
        f"Seat {seat.pk} is assigned to marie@example.com; they were emailed their training link."
    ]
    seat.refresh_from_db()
    assert seat.status == Seat.Status.ASSIGNED
    assert seat.learner.email == "marie@example.com"
    assert seat.learner.first_name == "Marie"
    assert not seat.learner.has_usable_password()
    assert OutboundEmail.objects.filter(
        to_email="marie@example.com", kind=SeatEmail.INVITATION
    ).exists()


def test_assign_form_shows_and_requires_the_questions(agent_client, order, seats, store):
    question = factories.QuestionFactory(store=store, prompt="Employee number?")
    seat = seats["available"]
    page = agent_client.get(reverse("portal:seat_action", args=[seat.pk, "assign"]))
    assert "Employee number?" in page.text
    response = act(agent_client, seat, "assign", email="marie@example.com")
    assert response.status_code == 200
    assert "Answer the required question “Employee number?”." in response.text
    assert unchanged(seat)
    act(
        agent_client,
        seat,
        "assign",
        email="marie@example.com",
        **{f"question_{question.pk}": "E-42"},
    )
    assert Seat.objects.get(pk=seat.pk).answers.get().value == "E-42"


def test_assign_refused_for_a_learner_already_enrolled(
    agent_client, seats, make_learner_with_enrollment
):
    make_learner_with_enrollment("busy@example.com")
    seat = seats["available"]
    response = act(agent_client, seat, "assign", email="busy@example.com", first_name="Bea")
    assert "busy@example.com already has an active enrollment" in refusal(response)
    assert unchanged(seat)
    form = response.context["form"]
    assert (form["email"].value(), form["first_name"].value()) == ("busy@example.com", "Bea")


def test_assign_can_set_an_owner_group_the_agent_manages(agent_client, agent, order, seats):
    other = factories.PurchasingGroupFactory(store=order.store)
    factories.GroupMembershipFactory(user=agent, group=other)
    seat = seats["available"]
    act(agent_client, seat, "assign", email="marie@example.com", owner_group=other.pk)
    seat.refresh_from_db()
    assert seat.owner_group == other
    assert seat.events.filter(action=SeatEvent.Action.CHANGE_OWNER_GROUP).exists()


def test_assign_form_has_no_group_choice_for_an_agent_of_one_group(agent_client, seats):
    seat = seats["available"]
    page = agent_client.get(reverse("portal:seat_action", args=[seat.pk, "assign"]))
    assert "owner_group" not in page.context["form"].fields


def test_email_redemption_sends_a_link(agent_client, seats):
    seat = seats["available"]
    response = act(agent_client, seat, "email", email="bob@example.com", message="Welcome!")
    assert shown_messages(response) == [
        f"A redemption link for seat {seat.pk} was emailed to bob@example.com."
    ]
    seat.refresh_from_db()
    assert seat.status == Seat.Status.AWAITING
    link = seat.redemptions.get(state=Redemption.State.PENDING)
    assert (link.recipient_email, link.message) == ("bob@example.com", "Welcome!")


def test_email_redemption_message_is_limited(agent_client, seats):
    seat = seats["available"]
    response = act(agent_client, seat, "email", email="bob@example.com", message="x" * 501)
    assert "The message is 501 characters long; keep it to 500." in response.text
    assert unchanged(seat)


def test_resend_issues_a_fresh_link(agent_client, seats):
    seat = seats["awaiting"]
    old = seat.redemptions.get()
    response = act(agent_client, seat, "resend")
    assert "the previous link no longer works" in shown_messages(response)[0]
    old.refresh_from_db()
    assert old.state == Redemption.State.REPLACED
    assert seat.redemptions.get(state=Redemption.State.PENDING).recipient_email == (
        "grace@example.com"
    )


def test_cancel_link_makes_the_seat_available(agent_client, seats):
    seat = seats["awaiting"]
    confirm = agent_client.get(reverse("portal:seat_action", args=[seat.pk, "cancel-link"]))
    assert "Yes, cancel link" in confirm.text
    response = act(agent_client, seat, "cancel-link")
    assert "was cancelled" in shown_messages(response)[0]
    seat.refresh_from_db()
    assert seat.status == Seat.Status.AVAILABLE
    assert seat.redemptions.get().state == Redemption.State.CANCELLED


def test_unassign_withdraws_the_enrollment(agent_client, seats):
    seat = seats["assigned"]
    enrollment = seat.enrollment
    response = act(agent_client, seat, "unassign")
    assert "is available again" in shown_messages(response)[0]
    seat.refresh_from_db()
    enrollment.refresh_from_db()
    assert seat.status == Seat.Status.AVAILABLE
    assert enrollment.status == Enrollment.Status.WITHDRAWN


def test_unassign_refused_after_the_learner_started(agent_client, seats):
    seat = seats["assigned"]
    campus().start(seat.enrollment)
    response = act(agent_client, seat, "unassign")
    assert "ada@example.com has already started" in refusal(response)
    assert unchanged(seat)
    assert Enrollment.objects.get(pk=seat.enrollment_id).status == Enrollment.Status.IN_PROGRESS


def test_transfer_moves_the_seat_to_a_new_learner(agent_client, seats):
    seat = seats["assigned"]
    response = act(agent_client, seat, "transfer", email="new@example.com")
    assert shown_messages(response) == [f"Seat {seat.pk} was transferred to new@example.com."]
    seat.refresh_from_db()
    assert seat.learner.email == "new@example.com"
    assert seat.status == Seat.Status.ASSIGNED


def test_request_return_records_the_reason(agent_client, seats):
    seat = seats["assigned"]
    response = act(agent_client, seat, "return", reason="Course cancelled")
    assert "was requested" in shown_messages(response)[0]
    seat.refresh_from_db()
    assert seat.status == Seat.Status.RETURN_PENDING
    assert seat.return_requests.get().reason == "Course cancelled"


def test_request_return_refused_where_the_store_refuses_returns(agent_client, order, seats):
    order.store.returns_allowed = False
    order.store.save()
    seat = seats["assigned"]
    response = act(agent_client, seat, "return", reason="Course cancelled")
    assert "does not accept returns" in refusal(response)
    assert unchanged(seat)
    assert not ReturnRequest.objects.filter(seat=seat).exists()


def test_change_group_to_another_group_the_agent_manages(agent_client, agent, order, seats):
    other = factories.PurchasingGroupFactory(store=order.store)
    factories.GroupMembershipFactory(user=agent, group=other)
    seat = seats["available"]
    response = act(agent_client, seat, "group", group=other.pk)
    assert shown_messages(response) == [f"Seat {seat.pk} now belongs to {other.name}."]
    assert Seat.objects.get(pk=seat.pk).owner_group == other


def test_change_group_lists_only_groups_the_agent_manages(agent_client, order, seats):
    foreign = factories.PurchasingGroupFactory(store=order.store)
    seat = seats["available"]
    response = act(agent_client, seat, "group", group=foreign.pk)
    assert "Select a valid choice" in response.text
    assert unchanged(seat)


def test_refused_transition_shows_the_services_message(agent_client, seats):
    seat = seats["return_pending"]
    response = act(agent_client, seat, "unassign")
    assert "A return request for this seat is pending" in refusal(response)
    assert unchanged(seat)


@pytest.mark.parametrize(
    ("state", "action", "data"),
    [
        ("available", "assign", {"email": "marie@example.com"}),
        ("available", "email", {"email": "bob@example.com"}),
        ("awaiting", "resend", {}),
        ("awaiting", "cancel-link", {}),
        ("assigned", "unassign", {}),
        ("assigned", "transfer", {"email": "new@example.com"}),
        ("assigned", "return", {"reason": "Left"}),
    ],
)
def test_stale_page_is_refused(agent_client, seats, state, action, data):
    seat = seats[state]
    Seat.objects.filter(pk=seat.pk).update(version=F("version") + 1)  # someone else acted
    response = act(agent_client, seat, action, **data)
    assert refusal(response) == (
        "This seat changed since you opened the page; review it and try again."
    )
    seat.version += 1
    assert unchanged(seat)
    form = response.context["form"]
    assert form["version"].value() == seat.version, "a second try acts on the seat now shown"
    assert all(form[name].value() == value for name, value in data.items())


def test_action_returns_to_the_filtered_order_page(agent_client, order, seats):
    back = reverse("portal:order", args=[order.pk]) + "?status=awaiting&page=1"
    response = agent_client.post(
        reverse("portal:seat_action", args=[seats["awaiting"].pk, "resend"]),
        {"version": seats["awaiting"].version, "next": back},
    )
    assert response["Location"] == back


def test_action_never_redirects_off_site(agent_client, order, seats):
    response = agent_client.post(
        reverse("portal:seat_action", args=[seats["awaiting"].pk, "resend"]),
        {"version": seats["awaiting"].version, "next": "https://evil.example.com/"},
    )
    assert response["Location"] == reverse("portal:order", args=[order.pk])


def test_resend_asks_before_the_old_link_dies(agent_client, seats):
    seat = seats["awaiting"]
    page = agent_client.get(reverse("portal:seat_action", args=[seat.pk, "resend"]))
    assert 'value="Yes, resend link"' in page.text
    assert "the one they have stops working" in page.text
    assert unchanged(seat)


def test_question_help_is_text_not_html(agent_client, seats, store):
    factories.QuestionFactory(store=store, prompt="Badge?", help_text="<b>on your card</b>")
    page = agent_client.get(reverse("portal:seat_action", args=[seats["available"].pk, "assign"]))
    assert "&lt;b&gt;on your card&lt;/b&gt;" in page.text


def test_correcting_a_bounced_address_from_the_order_page(agent_client, order, seats):
    seat = seats["awaiting"]
    response = act(agent_client, seat, "correct", email="Grace@Example.org")
    assert shown_messages(response) == [
        f"The link for seat {seat.pk} was sent to grace@example.org; the link at the old "
        "address no longer works."
    ]
    assert seat.redemptions.get(state=Redemption.State.PENDING).recipient_email == (
        "grace@example.org"
    )
    assert Seat.objects.get(pk=seat.pk).status == Seat.Status.AWAITING
