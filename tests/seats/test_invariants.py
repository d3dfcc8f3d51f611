"""The seat invariants (docs/seat-states.md) after any sequence of actions: a hypothesis state
machine drives the services at random (allowed and refused actions alike) and checks them after
every step."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from accounts.models import User
from core.errors import SeatActionError
from seats import services
from seats.lms import campus
from seats.models import Enrollment, Redemption, Seat, SeatEvent
from seats.tokens import token_for
from tests import factories

SEATS = 6
LEARNERS = [f"learner{n}@example.com" for n in range(5)]

S = Seat.Status
learner_index = st.integers(0, len(LEARNERS) - 1)

ANY_SEAT_ACTIONS = {
    "assign": lambda m, seat: services.assign_seat(seat=seat, actor=m.agent, email=LEARNERS[0]),
    "email": lambda m, seat: services.email_redemption(seat=seat, actor=m.agent, email=LEARNERS[1]),
    "cancel": lambda m, seat: services.cancel_redemption(seat=seat, actor=m.agent),
    "unassign": lambda m, seat: services.unassign_seat(seat=seat, actor=m.agent),
    "return": lambda m, seat: services.request_return(seat=seat, actor=m.agent, reason="x"),
    "approve": lambda m, seat: services.approve_return(seat=seat, actor=m.admin),
    "refund": lambda m, seat: services.refund_seat(seat=seat, actor=m.admin),
}


class SeatLifecycle(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.order = factories.make_order(seats=SEATS)
        self.agent = self.order.buyer
        self.admin = factories.make_store_admin()
        self.seat_ids = list(self.order.seats.values_list("pk", flat=True))
        self.successes = SeatEvent.objects.count()

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _try(self, call, seat_id=None):
        before = self._seat_state(seat_id) if seat_id else None
        try:
            call()
        except SeatActionError:
            if seat_id:
                assert self._seat_state(seat_id) == before, "a refusal changed the seat"
        else:
            self.successes = SeatEvent.objects.count()

    @staticmethod
    def _seat_state(seat_id):
        return (
            Seat.objects.filter(pk=seat_id)
            .values("status", "learner", "enrollment", "version", "owner_group")
            .get()
        )

    def _pick(self, data, *statuses):
        """A seat of the order in one of ``statuses`` (any seat when none given), or None."""
        seats = Seat.objects.filter(order=self.order)
        if statuses:
            seats = seats.filter(status__in=statuses)
        ids = list(seats.values_list("pk", flat=True))
        return data.draw(st.sampled_from(ids)) if ids else None

    def _act(self, data, statuses, call):
        seat_id = self._pick(data, *statuses)
        if seat_id is not None:
            self._try(lambda: call(seat_id), seat_id)

    @rule(data=st.data(), j=learner_index)
    def assign(self, data, j):
        self._act(
            data,
            [S.AVAILABLE],
            lambda seat: services.assign_seat(seat=seat, actor=self.agent, email=LEARNERS[j]),
        )

    @rule(data=st.data(), j=learner_index)
    def email_link(self, data, j):
        self._act(
            data,
            [S.AVAILABLE],
            lambda seat: services.email_redemption(seat=seat, actor=self.agent, email=LEARNERS[j]),
        )

    @rule(data=st.data())
    def resend(self, data):
        self._act(
            data, [S.AWAITING], lambda seat: services.resend_redemption(seat=seat, actor=self.agent)
        )

    @rule(data=st.data())
    def cancel(self, data):
        self._act(
            data, [S.AWAITING], lambda seat: services.cancel_redemption(seat=seat, actor=self.agent)
        )

    @rule(data=st.data(), live=st.booleans())
    def redeem(self, data, live):
        """The recipient redeems the live link, or replays a dead one (which must fail)."""
        links = Redemption.objects.filter(seat__order=self.order)
        links = links.filter(state="pending") if live else links.exclude(state="pending")
        ids = list(links.values_list("pk", flat=True))
        if not ids:
            return
        link = Redemption.objects.get(pk=data.draw(st.sampled_from(ids)))
        user, _ = User.objects.get_or_create(email=link.recipient_email)
        self._try(
            lambda: services.redeem_link(token=token_for(link.token_nonce), user=user), link.seat_id
        )
        if not live:
            assert (
                Redemption.objects.get(pk=link.pk).state != "redeemed" or link.state == "redeemed"
            ), "a dead link worked"

    @rule()
    def time_passes_and_links_expire(self):
        services.expire_redemptions(now=timezone.now() + timedelta(days=400))
        self.successes = SeatEvent.objects.count()

    @rule(data=st.data(), complete=st.booleans())
    def learner_progresses(self, data, complete):
        seat_id = self._pick(data, S.ASSIGNED)
        if seat_id is None:
            return
        enrollment = Seat.objects.get(pk=seat_id).enrollment
        campus().start(enrollment)
        if complete:
            enrollment.status = Enrollment.Status.COMPLETED
            enrollment.save(update_fields=["status"])

    @rule(data=st.data())
    def unassign(self, data):
        self._act(
            data, [S.ASSIGNED], lambda seat: services.unassign_seat(seat=seat, actor=self.agent)
        )

    @rule(data=st.data(), j=learner_index)
    def transfer(self, data, j):
        self._act(
            data,
            [S.ASSIGNED],
            lambda seat: services.transfer_seat(seat=seat, actor=self.agent, email=LEARNERS[j]),
        )

    @rule(data=st.data())
    def request_return(self, data):
        self._act(
            data,
            [S.ASSIGNED],
            lambda seat: services.request_return(
                seat=seat, actor=self.agent, reason="No longer needed"
            ),
        )

    @rule(data=st.data(), amount=st.sampled_from([None, "0", "10.00"]))
    def approve_return(self, data, amount):
        self._act(
            data,
            [S.RETURN_PENDING],
            lambda seat: services.approve_return(seat=seat, actor=self.admin, refund_amount=amount),
        )

    @rule(data=st.data())
    def deny_return(self, data):
        self._act(
            data, [S.RETURN_PENDING], lambda seat: services.deny_return(seat=seat, actor=self.admin)
        )

    @rule(data=st.data(), action=st.sampled_from(sorted(ANY_SEAT_ACTIONS)))
    def any_action_on_any_seat(self, data, action):
        """Whatever the seat's state: allowed actions succeed, the rest change nothing."""
        self._act(data, [], lambda seat: ANY_SEAT_ACTIONS[action](self, seat))

    @invariant()
    def line_keeps_exactly_its_seats(self):
        line = self.order.lines.get()
        assert line.seats.count() == line.quantity == SEATS

    @invariant()
    def held_seats_have_one_current_enrollment_and_others_none(self):
        for seat in Seat.objects.select_related("enrollment").filter(order=self.order):
            current = Enrollment.objects.filter(seat=seat).exclude(
                status=Enrollment.Status.WITHDRAWN
            )
            if seat.status in Seat.HELD:
                assert list(current) == [seat.enrollment]
                assert seat.enrollment.learner_id == seat.learner_id
            else:
                assert not current.exists()
                assert seat.learner_id is None

    @invariant()
    def awaiting_seats_have_exactly_one_live_link(self):
        pending = dict(
            Redemption.objects.filter(seat__order=self.order, state="pending")
            .values_list("seat")
            .annotate(n=Count("pk"))
        )
        for seat in Seat.objects.filter(order=self.order):
            assert pending.get(seat.pk, 0) == (1 if seat.status == Seat.Status.AWAITING else 0)

    @invariant()
    def one_active_enrollment_per_learner(self):
        assert not (
            Enrollment.objects.filter(status__in=Enrollment.ACTIVE)
            .values("learner", "product")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .exists()
        )

    @invariant()
    def every_change_left_an_event_matching_the_seat(self):
        for seat in Seat.objects.filter(order=self.order):
            last = seat.events.order_by("-id").first()
            assert last is None or last.to_status == seat.status


@pytest.mark.postgres
@pytest.mark.django_db
def test_invariants_hold_after_any_sequence_of_actions():
    run_state_machine_as_test(
        SeatLifecycle,
        settings=settings(max_examples=30, stateful_step_count=25, deadline=None),
    )
