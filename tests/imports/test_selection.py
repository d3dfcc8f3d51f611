"""Actions on selected seats: the plan gives each seat the single action's reason, and the apply
takes each seat through its service at the version the plan saw."""

import pytest

from core.errors import SeatActionError
from imports import jobs, selection
from imports.bulk import RecipientRow, bulk_email_redemptions
from seats.access import SeatAuthority
from seats.actions import NOT_YOURS
from seats.models import ImportJob, Seat, SeatEvent
from seats.services import change_seat_owner_group
from shop.services import create_order
from tests import factories
from tests.support.concurrency import race

CANCEL = selection.ACTIONS[ImportJob.Kind.CANCEL]


def _emailed(size: int):
    order = factories.make_order(seats=size)
    rows = [RecipientRow(row=n, email=f"r{n}@example.com") for n in range(1, size + 1)]
    bulk_email_redemptions(order=order, actor=order.buyer, rows=rows)
    return order


def _plan(order, action=CANCEL):
    seats = selection.selected_seats(order, order.seats.values_list("pk", flat=True))
    return selection.plan(action, seats, order=order, authority=SeatAuthority.of(order.buyer))


def _rows(touched: dict[int, int], seat_ids) -> list[selection.SelectedSeat]:
    return [selection.SelectedSeat(seat=pk, version=touched[pk]) for pk in seat_ids]


@pytest.mark.django_db
def test_the_addresses_of_a_pasted_list():
    rows = selection.recipients(" ann@example.com,bob@example.com\n\ncy@example.com ;")
    assert [(row.row, row.email) for row in rows] == [
        (1, "ann@example.com"),
        (2, "bob@example.com"),
        (3, "cy@example.com"),
    ]


@pytest.mark.django_db
def test_the_plan_skips_what_the_single_action_refuses(order, seats):
    found = _plan(order)
    assert list(found.touched) == [seats["awaiting"].pk]
    assert found.skipped_count == 4
    available = "This seat is Available, so it cannot be cancelled (no link is waiting)."
    assert any(reason.startswith(available) for reason in found.skipped)


@pytest.mark.django_db
def test_a_seat_another_group_manages_is_skipped_as_not_yours(order, seats, group, store_admin):
    elsewhere = factories.PurchasingGroupFactory(store=order.store)
    change_seat_owner_group(seat=seats["awaiting"], actor=store_admin, group=elsewhere)
    chosen = selection.selected_seats(order, [seats["awaiting"].pk])
    found = selection.plan(CANCEL, chosen, order=order, authority=SeatAuthority.of(order.buyer))
    assert found.skipped == {NOT_YOURS: [seats["awaiting"].pk]}


@pytest.mark.django_db
def test_a_refused_seat_is_skipped_and_the_rest_done(order, seats):
    found = _plan(order)
    stale = selection.SelectedSeat(seat=seats["available"].pk, version=seats["available"].version)
    result = selection.apply_to_seats(
        actor=order.buyer,
        rows=[*_rows(found.touched, found.touched), stale],
        action=CANCEL,
    )
    assert result.seats == 1
    assert [error.row for error in result.skipped] == [seats["available"].pk]
    assert "cannot be cancelled" in result.skipped[0].message
    assert Seat.objects.get(pk=seats["awaiting"].pk).status == Seat.Status.AVAILABLE


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_bulk_cancels_on_overlapping_selections_cancel_each_seat_once():
    order = _emailed(8)
    found = _plan(order)
    ids = sorted(found.touched)
    first, second = _rows(found.touched, ids[:5]), _rows(found.touched, ids[3:])
    results, refusals = race(
        [
            lambda rows=rows: selection.apply_to_seats(actor=order.buyer, rows=rows, action=CANCEL)
            for rows in (first, second)
        ]
    ).settled()
    assert not refusals
    assert sum(result.seats for result in results) == 8
    skipped = [error for result in results for error in result.skipped]
    assert sorted(error.row for error in skipped) == ids[3:5]
    cancelled = SeatEvent.objects.filter(action=SeatEvent.Action.CANCEL_REDEMPTION)
    assert sorted(cancelled.values_list("seat_id", flat=True)) == ids
    assert not order.seats.exclude(status=Seat.Status.AVAILABLE).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_background_cancels_on_overlapping_selections_cancel_each_seat_once():
    order = _emailed(6)
    found = _plan(order)
    ids = sorted(found.touched)
    job_ids = [
        jobs.start_import(
            order=order,
            actor=order.buyer,
            kind=ImportJob.Kind.CANCEL,
            rows=_rows(found.touched, chosen),
            enqueue=False,
        ).pk
        for chosen in (ids[:4], ids[2:])
    ]
    race([lambda job_id=job_id: jobs.run_import(job_id) for job_id in job_ids]).returned()
    finished = ImportJob.objects.filter(pk__in=job_ids)
    assert {job.status for job in finished} == {ImportJob.Status.DONE}
    assert sorted(error["row"] for job in finished for error in job.errors) == ids[2:4]
    cancelled = SeatEvent.objects.filter(action=SeatEvent.Action.CANCEL_REDEMPTION)
    assert sorted(cancelled.values_list("seat_id", flat=True)) == ids


@pytest.mark.django_db
def test_a_background_list_takes_only_the_selected_seats(order, agent):
    chosen = list(order.seats.order_by("-pk").values_list("pk", flat=True)[:2])
    rows = [
        RecipientRow(row=1, email="ann@example.com"),
        RecipientRow(row=2, email="bo@example.com"),
    ]
    job = jobs.start_import(
        order=order,
        actor=agent,
        kind=ImportJob.Kind.EMAIL,
        rows=rows,
        line=selection.email_line(order, chosen),
        seat_ids=chosen,
        enqueue=False,
    )
    jobs.run_import(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.result
    awaiting = order.seats.filter(status=Seat.Status.AWAITING).values_list("pk", flat=True)
    assert sorted(awaiting) == sorted(chosen)


@pytest.mark.django_db
def test_a_list_is_one_courses(agent, group):
    products = [factories.ProductFactory(store=group.store) for _ in range(2)]
    order = create_order(
        store=group.store, buyer=agent, items=[(p, 1) for p in products], owner_group=group
    )
    seat_ids = list(order.seats.values_list("pk", flat=True))
    with pytest.raises(SeatActionError, match="The selected seats are of 2 courses"):
        selection.email_line(order, seat_ids)
    assert (
        selection.email_line(order, seat_ids[:1]).pk
        == order.seats.get(pk=seat_ids[0]).order_line_id
    )
