"""What the API answers, typed: the OpenAPI schema is generated from these classes."""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.db.models import TextChoices
from ninja import Schema

from orders.models import Order
from seats.models import Enrollment, ImportJob, Redemption, Seat, SeatEvent

from .pagination import Page
from .problems import RowProblem


def one_of(choices: type[TextChoices]):
    """The choices' values, inline in the schema: several models' enums share a class name
    (``Status``), which would make them one schema component."""
    return Literal[tuple(choices.values)]


SeatStatus = one_of(Seat.Status)


class GroupRef(Schema):
    id: int
    name: str


class LearnerRef(Schema):
    id: int
    email: str
    first_name: str
    last_name: str


class EnrollmentOut(Schema):
    status: one_of(Enrollment.Status)
    result: one_of(Enrollment.Result)
    training_url: str


class LiveLink(Schema):
    recipient_email: str
    delivery_status: one_of(Redemption.Delivery)
    expires_at: datetime


class SeatOut(Schema):
    id: int
    order_id: int
    order_line_id: int
    status: SeatStatus
    version: int
    owner_group: GroupRef | None
    learner: LearnerRef | None
    enrollment: EnrollmentOut | None
    live_link: LiveLink | None
    updated_at: datetime

    @staticmethod
    def resolve_live_link(seat) -> Redemption | None:
        return next(iter(getattr(seat, "live_links", [])), None)


class SeatDetail(SeatOut):
    course: str
    actions: list[str]


class SeatPage(Page):
    items: list[SeatOut]


class ActionDone(Schema):
    detail: str
    seat: SeatDetail


class StatusCounts(Schema):
    available: int
    awaiting: int
    assigned: int
    return_pending: int
    returned: int


class OrderLineOut(Schema):
    id: int
    course: str
    quantity: int
    unit_price: Decimal


class OrderOut(Schema):
    id: int
    number: str
    store: str
    status: one_of(Order.Status)
    kind: one_of(Order.Kind)
    owner_group: GroupRef | None
    placed_at: datetime
    paid_at: datetime | None
    lines: list[OrderLineOut]
    seat_count: int
    seats_by_status: StatusCounts


class OrderPage(Page):
    items: list[OrderOut]


class RedemptionOut(Schema):
    id: int
    seat_id: int
    recipient_email: str
    state: one_of(Redemption.State)
    delivery_status: one_of(Redemption.Delivery)
    created_at: datetime
    expires_at: datetime
    send_count: int
    last_sent_at: datetime | None
    redeemed_at: datetime | None


class RedemptionPage(Page):
    items: list[RedemptionOut]


class EventOut(Schema):
    id: int
    seat_id: int
    order_id: int
    action: one_of(SeatEvent.Action)
    from_status: SeatStatus
    to_status: SeatStatus
    actor_email: str | None
    created_at: datetime
    details: dict

    @staticmethod
    def resolve_actor_email(event) -> str | None:
        return event.actor.email if event.actor_id else None


class EventFeed(Schema):
    items: list[EventOut]
    next_since: int
    has_more: bool


class CapacityRow(Schema):
    course_id: int
    course: str
    total: int
    available: int
    awaiting: int
    assigned: int
    return_pending: int
    returned: int
    awaiting_payment: int


class GroupOut(Schema):
    id: int
    name: str
    store: str
    capacity: list[CapacityRow]


class GroupPage(Page):
    items: list[GroupOut]


class ImportJobOut(Schema):
    id: int
    order_id: int
    kind: one_of(ImportJob.Kind)
    status: one_of(ImportJob.Status)
    total_rows: int
    done_rows: int | None
    result: str
    problems: list[RowProblem]
    created_at: datetime
    finished_at: datetime | None


class RowCheck(Schema):
    """What the preview of a bulk upload shows: every row problem, none when it can apply."""

    rows: int
    problems: list[RowProblem]
