"""imports.bulk: the set-based import path keeps every rule and leaves every row the
per-seat services leave, in a number of queries that does not grow with the file."""

import time
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from core.bulk_sql import insert_rows
from core.errors import SeatActionError
from imports import bulk
from imports.bulk import (
    AssignRow,
    BulkRefused,
    RecipientRow,
    RowError,
    bulk_assign,
    bulk_email_redemptions,
    validate_bulk_assign,
    validate_bulk_email,
)
from notifications import tasks
from notifications.models import OutboundEmail
from notifications.services import BATCH_SIZE as EMAIL_BATCH
from seats import services
from seats.emails import SeatEmail, topic_for
from seats.models import Enrollment, Redemption, Seat, SeatEvent, SupplementalAnswer
from seats.tokens import token_for
from tests import factories

# SQLite caps a statement's parameters, so Django batches its inserts by rows there.
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="query bounds are PostgreSQL's"
)


def rows_of(count: int, start: int = 2, **extra) -> list[AssignRow]:
    return [
        AssignRow(row=start + n, email=f"learner{n}@example.com", first_name="L", **extra)
        for n in range(count)
    ]


def test_validate_lists_every_problem_with_its_row(
    order, agent, store, make_learner_with_enrollment
):
    make_learner_with_enrollment("busy@example.com")
    question = factories.QuestionFactory(store=store, prompt="Site?", choices="North\nSouth")
    answered = {str(question.pk): "North"}
    rows = [
        AssignRow(row=2, email="not-an-email", answers=answered),
        AssignRow(row=3, email="ok@example.com", answers=answered),
        AssignRow(row=4, email="OK@example.com", answers=answered),
        AssignRow(row=5, email="busy@example.com", answers=answered),
        AssignRow(row=6, email="fine@example.com"),
        AssignRow(row=7, email="east@example.com", answers={str(question.pk): "East"}),
        AssignRow(row=8, email="", answers=answered),
    ]
    errors = validate_bulk_assign(order=order, actor=agent, rows=rows)
    assert errors == [
        RowError(
            None,
            f"The import has 7 rows but only 5 seats of {order.lines.get().product} in "
            f"{order.number} are available for you to hand out, so rows 7 to 8 would get no "
            "seat.",
        ),
        RowError(2, "“not-an-email” is not a valid email address."),
        RowError(4, "ok@example.com is already on row 3."),
        RowError(
            5,
            f"busy@example.com already has an active enrollment in {order.lines.get().product}; "
            "ask a store admin to resolve it before assigning this seat.",
        ),
        RowError(6, "Answer the required question “Site?”."),
        RowError(7, "“East” is not one of the choices for “Site?”."),
        RowError(8, "The email address is missing."),
    ]


def test_validate_refuses_an_unpaid_order(agent, group):
    order = factories.make_order(seats=2, buyer=agent, group=group, paid=False)
    (error,) = validate_bulk_assign(order=order, actor=agent, rows=rows_of(1))
    assert "awaiting payment" in error.message


def test_an_order_of_several_courses_needs_a_line(agent, group):
    from shop import services as order_services

    products = [factories.ProductFactory(store=group.store) for _ in range(2)]
    order = order_services.create_order(
        store=group.store, buyer=agent, items=[(p, 2) for p in products], owner_group=group
    )
    with pytest.raises(SeatActionError, match="several courses"):
        validate_bulk_assign(order=order, actor=agent, rows=rows_of(1))
    line = order.lines.last()
    assert validate_bulk_email(
        order=order, actor=agent, rows=[RecipientRow(2, "a@example.com")], line=line
    ) == [
        RowError(
            None,
            f"Order {order.number} is awaiting payment; its seats can be assigned or "
            "emailed once it is paid.",
        )
    ]


def test_bulk_assign_writes_what_single_assignments_write(order, agent, store):
    question = factories.QuestionFactory(store=store, prompt="Team?")
    existing = factories.UserFactory(email="known@example.com")
    password = existing.password
    rows = [
        AssignRow(
            row=2,
            email="New@Example.com",
            first_name="Nina",
            last_name="New",
            answers={str(question.pk): "Blue"},
        ),
        AssignRow(row=3, email="known@example.com", answers={str(question.pk): "Red"}),
    ]
    result = bulk_assign(order=order, actor=agent, rows=rows)

    assert (result.seats, result.invited) == (2, 1)
    seats = list(order.seats.filter(status=Seat.Status.ASSIGNED).select_related("learner"))
    assert sorted(seat.learner.email for seat in seats) == ["known@example.com", "new@example.com"]
    new = User.objects.get(email="new@example.com")
    assert (new.first_name, new.last_name) == ("Nina", "New")
    assert not new.has_usable_password()
    assert new.is_active and not new.is_staff and new.date_joined and new.last_login is None
    existing.refresh_from_db()
    assert existing.password == password
    for seat in seats:
        assert seat.version == 1
        assert seat.enrollment.status == Enrollment.Status.NOT_STARTED
        assert seat.enrollment.learner == seat.learner
        assert seat.enrollment.seat_id == seat.pk
        assert seat.enrollment.training_url.endswith(f"/{seat.enrollment.public_id}/")
        (event,) = seat.events.all()
        assert (event.action, event.from_status, event.to_status, event.actor) == (
            SeatEvent.Action.ASSIGN,
            "available",
            "assigned",
            agent,
        )
        assert event.details == {"learner": seat.learner.email, "bulk": True}
    # JSON objects, not strings holding JSON: the database can look inside them
    assert SeatEvent.objects.filter(details__bulk=True).count() == 2
    assert OutboundEmail.objects.filter(context__user_id=new.pk).count() == 1
    assert dict(SupplementalAnswer.objects.values_list("learner__email", "value")) == {
        "new@example.com": "Blue",
        "known@example.com": "Red",
    }
    assert sorted(OutboundEmail.objects.values_list("to_email", "kind")) == [
        ("known@example.com", SeatEmail.ASSIGNMENT_NOTICE),
        ("new@example.com", SeatEmail.INVITATION),
    ]


def test_bulk_actions_report_progress_after_each_batch(order, agent, monkeypatch):
    monkeypatch.setattr(bulk, "BATCH_SIZE", 2)
    done = []
    bulk_assign(order=order, actor=agent, rows=rows_of(3), progress=done.append)
    assert done == [2, 3]
    done.clear()
    bulk_email_redemptions(
        order=order,
        actor=agent,
        rows=[RecipientRow(2, "a@example.com"), RecipientRow(3, "b@example.com")],
        progress=done.append,
    )
    assert done == [2]
    assert SeatEvent.objects.count() == 5
    assert order.seats.filter(status=Seat.Status.ASSIGNED).count() == 3


def test_bulk_assign_applies_nothing_when_a_row_fails(order, agent):
    rows = [*rows_of(3), AssignRow(row=5, email="broken")]
    with pytest.raises(BulkRefused) as refused:
        bulk_assign(order=order, actor=agent, rows=rows)
    assert refused.value.errors == [RowError(5, "“broken” is not a valid email address.")]
    assert not order.seats.exclude(status=Seat.Status.AVAILABLE).exists()
    assert not User.objects.filter(email__startswith="learner").exists()
    assert not Enrollment.objects.exists()
    assert not SeatEvent.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_bulk_assign_checks_again_what_changed_since_the_preview(order, agent):
    rows = rows_of(2)
    assert validate_bulk_assign(order=order, actor=agent, rows=rows) == []
    services.assign_seat(seat=order.seats.first(), actor=agent, email="learner1@example.com")
    with pytest.raises(BulkRefused) as refused:
        bulk_assign(order=order, actor=agent, rows=rows)
    assert [error.row for error in refused.value.errors] == [3]
    assert order.seats.filter(status=Seat.Status.ASSIGNED).count() == 1


def test_bulk_assign_refuses_when_seats_were_taken_since_the_preview(order, agent):
    rows = rows_of(5)
    assert validate_bulk_assign(order=order, actor=agent, rows=rows) == []
    services.email_redemption(seat=order.seats.first(), actor=agent, email="x@example.com")
    with pytest.raises(BulkRefused, match="1 problem"):
        bulk_assign(order=order, actor=agent, rows=rows)
    assert order.seats.filter(status=Seat.Status.AVAILABLE).count() == 4


def test_bulk_assign_uses_only_seats_the_agent_manages(order, agent, group):
    colleague = factories.make_agent(group)
    elsewhere = factories.PurchasingGroupFactory(store=order.store)
    moved = order.seats.order_by("pk")[:3]
    Seat.objects.filter(pk__in=[seat.pk for seat in moved]).update(owner_group=elsewhere)
    errors = validate_bulk_assign(order=order, actor=colleague, rows=rows_of(3))
    assert "only 2 seats" in errors[0].message
    result = bulk_assign(order=order, actor=colleague, rows=rows_of(2))
    assert result.seats == 2
    assert set(
        order.seats.filter(status=Seat.Status.ASSIGNED).values_list("owner_group", flat=True)
    ) == {group.pk}


def test_bulk_email_issues_live_links(order, agent):
    rows = [
        RecipientRow(row=2, email="a@example.com", message="Hello"),
        RecipientRow(row=3, email="b@example.com"),
    ]
    result = bulk_email_redemptions(order=order, actor=agent, rows=rows)
    assert result.seats == 2
    links = Redemption.objects.order_by("recipient_email")
    assert [(link.recipient_email, link.message) for link in links] == [
        ("a@example.com", "Hello"),
        ("b@example.com", ""),
    ]
    for link in links:
        assert link.is_live
        assert link.send_count == 1
        assert link.created_by == agent
        assert services.check_link(token_for(link.token_nonce)) == link
        assert link.seat.status == Seat.Status.AWAITING
        assert link.seat.version == 1
        (event,) = link.seat.events.all()
        assert event.details == {
            "recipient": link.recipient_email,
            "redemption_id": link.pk,
            "bulk": True,
        }
        (email,) = OutboundEmail.objects.filter(topic=topic_for(link))
        assert email.kind == SeatEmail.REDEMPTION_LINK


def test_bulk_email_checks_messages_and_enrollments(order, agent, make_learner_with_enrollment):
    make_learner_with_enrollment("busy@example.com")
    rows = [
        RecipientRow(row=2, email="busy@example.com"),
        RecipientRow(row=3, email="c@example.com", message="x" * 501),
    ]
    with pytest.raises(BulkRefused) as refused:
        bulk_email_redemptions(order=order, actor=agent, rows=rows)
    assert [error.row for error in refused.value.errors] == [2, 3]
    assert "keep it to 500" in refused.value.errors[1].message
    assert not Redemption.objects.filter(recipient_email="c@example.com").exists()


def test_insert_rows_returns_ids_in_row_order_and_fills_defaults(db):
    rows = [(f"user{n}@example.com", "!") for n in (3, 1, 2)]
    ids = insert_rows(User, ["email", "password"], rows, returning="id")
    assert [User.objects.get(pk=pk).email for pk in ids] == [email for email, _ in rows]
    user = User.objects.get(pk=ids[0])
    assert (user.is_active, user.is_staff, user.first_name, user.last_login) == (
        True,
        False,
        "",
        None,
    )
    assert user.date_joined is not None


def count_queries(func, **kwargs) -> int:
    with CaptureQueriesContext(connection) as queries:
        func(**kwargs)
    return len(queries)


@pytest.mark.postgres
@postgres_only
def test_bulk_queries_do_not_grow_with_rows(agent, group, store):
    question = factories.QuestionFactory(store=store)
    answers = {str(question.pk): "yes"}
    counts = []
    for size in (50, 500):
        order = factories.make_order(seats=size, buyer=agent, group=group)
        rows = rows_of(size, answers=answers)
        rows = [AssignRow(r.row, f"{size}-{r.email}", answers=answers) for r in rows]
        counts.append(count_queries(bulk_assign, order=order, actor=agent, rows=rows))
    assert counts[0] == counts[1]
    counts = []
    for size in (50, 500):
        order = factories.make_order(seats=size, buyer=agent, group=group)
        rows = [RecipientRow(n, f"{size}-r{n}@example.com") for n in range(2, size + 2)]
        counts.append(count_queries(bulk_email_redemptions, order=order, actor=agent, rows=rows))
    assert counts[0] == counts[1]


@pytest.mark.postgres
@postgres_only
def test_bulk_assign_of_5000_rows_is_batched(agent, group):
    order = factories.make_order(seats=5000, buyer=agent, group=group)
    rows = rows_of(5000)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        result = bulk_assign(order=order, actor=agent, rows=rows)
    elapsed = time.perf_counter() - started
    assert result.seats == 5000
    assert len(queries) <= 40  # a handful per batch of 1,000, never one per row
    assert elapsed < 30, f"5,000 rows took {elapsed:.1f}s"
    assert SeatEvent.objects.filter(seat__order=order).count() == 5000
    assert Enrollment.objects.filter(seat__order=order).count() == 5000
    assert OutboundEmail.objects.filter(kind=SeatEmail.INVITATION).count() == 5000


def test_a_bulk_actions_emails_reach_the_broker_as_one_message_and_are_all_sent(
    agent, group, mailoutbox, django_capture_on_commit_callbacks
):
    count = EMAIL_BATCH * 2 + 1
    order = factories.make_order(seats=count, buyer=agent, group=group)
    with (
        mock.patch.object(tasks.publish_batches, "delay") as published,
        django_capture_on_commit_callbacks(execute=True),
    ):
        bulk_assign(order=order, actor=agent, rows=rows_of(count))
    ((ids,),) = [call.args for call in published.call_args_list]
    assert len(ids) == count and mailoutbox == []

    # a worker splits the message into batches (Celery runs them eagerly in tests)
    with mock.patch.object(tasks.send_emails, "delay", wraps=tasks.send_emails.delay) as batches:
        assert tasks.publish_batches.apply(args=[ids]).get() == count
    assert [len(call.args[0]) for call in batches.call_args_list] == [EMAIL_BATCH, EMAIL_BATCH, 1]
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        row.email for row in rows_of(count)
    )
