"""Where a set of seats stands, for the dashboards of a group and of an order: the funnel from
purchase to a passed course, seats by status week by week, redemptions per week and how long a
link waits for its redemption. A fixed number of aggregate queries whatever the number of seats
(none loops over seats); every figure is counted from rows at read time.

Seats by status over time is reconstructed, not sampled (docs/decisions/0007): every seat starts
available when its order is placed, and every SeatEvent moves one seat from its ``from_status``
to its ``to_status``. The counts at the end of a week are the seats placed by then plus the moves
made by then, so the last week agrees with the seats' current statuses."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from orders.models import Order

from .models import Enrollment, Redemption, Seat, SeatEvent

WEEKS = 12
"""How many weeks the charts over time show, this one included."""

STAGES = (
    ("purchased", "Purchased"),
    ("emailed", "Emailed a link"),
    ("redeemed", "Redeemed a link"),
    ("started", "Started the course"),
    ("completed", "Completed"),
    ("passed", "Passed"),
)


@dataclass(frozen=True)
class Week:
    start: date
    counts: dict[str, int]  # status -> seats in it at the end of the week


@dataclass(frozen=True)
class SeatStats:
    funnel: list[tuple[str, int]]  # (label, seats), in the order of STAGES
    weeks: list[Week]  # the last WEEKS weeks, oldest first
    redemptions: list[tuple[date, int]]  # (week start, links redeemed that week)
    average_days_to_redeem: float | None  # from a link's email to its redemption; None if none


def counted(seats: QuerySet[Seat]) -> QuerySet[Seat]:
    """The seats the dashboards count: a cancelled order's seats were never bought."""
    return seats.exclude(order__status=Order.Status.CANCELLED)


def week_start(moment: datetime) -> date:
    """The Monday of ``moment``'s week, in the site's time zone (as ``TruncWeek`` counts)."""
    day = timezone.localtime(moment).date()
    return day - timedelta(days=day.weekday())


def seat_stats(seats: QuerySet[Seat], *, now: datetime | None = None) -> SeatStats:
    """The dashboard's figures for ``seats`` (already scoped to what the viewer may see): five
    queries."""
    now = now or timezone.now()
    seats = counted(seats).order_by()
    weeks = [week_start(now) - timedelta(weeks=n) for n in reversed(range(WEEKS))]
    redemptions, average = _redemptions(seats, weeks)
    return SeatStats(
        funnel=_funnel(seats),
        weeks=_status_weeks(seats, weeks),
        redemptions=redemptions,
        average_days_to_redeem=average,
    )


def _funnel(seats: QuerySet[Seat]) -> list[tuple[str, int]]:
    """Two queries: the seats with their current enrollments, and their links. Seats assigned
    directly never had a link, so the stages after "redeemed" can be larger than it."""
    progress = seats.aggregate(
        purchased=Count("pk"),
        started=Count(
            "pk",
            filter=Q(
                enrollment__status__in=(
                    Enrollment.Status.IN_PROGRESS,
                    Enrollment.Status.COMPLETED,
                )
            ),
        ),
        completed=Count("pk", filter=Q(enrollment__status=Enrollment.Status.COMPLETED)),
        passed=Count("pk", filter=Q(enrollment__result=Enrollment.Result.PASSED)),
    )
    links = Redemption.objects.filter(seat__in=seats.values("pk")).aggregate(
        emailed=Count("seat_id", distinct=True),
        redeemed=Count("seat_id", distinct=True, filter=Q(state=Redemption.State.REDEEMED)),
    )
    figures = progress | links
    return [(label, figures[key]) for key, label in STAGES]


def _status_weeks(seats: QuerySet[Seat], weeks: list[date]) -> list[Week]:
    """Two queries: seats placed per week, and the moves between statuses per week."""
    placed = (
        seats.annotate(week=TruncWeek("order__placed_at"))
        .values("week")
        .annotate(seats=Count("pk"))
    )
    moves = (
        SeatEvent.objects.filter(seat__in=seats.values("pk"))
        .exclude(from_status=F("to_status"))
        .annotate(week=TruncWeek("created_at"))
        .values("week", "from_status", "to_status")
        .annotate(seats=Count("pk"))
    )
    change: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in placed:
        change[_day(row["week"])][Seat.Status.AVAILABLE] += row["seats"]
    for row in moves:
        change[_day(row["week"])][row["from_status"]] -= row["seats"]
        change[_day(row["week"])][row["to_status"]] += row["seats"]
    running = dict.fromkeys(Seat.Status.values, 0)
    for week in sorted(day for day in change if day < weeks[0]):
        _add(running, change[week])
    result = []
    for week in weeks:
        _add(running, change.get(week, {}))
        result.append(Week(week, dict(running)))
    return result


def _redemptions(seats: QuerySet[Seat], weeks: list[date]) -> tuple[list, float | None]:
    """One query: links redeemed per week, with the time each waited since it was emailed."""
    rows = (
        Redemption.objects.filter(seat__in=seats.values("pk"), state=Redemption.State.REDEEMED)
        .annotate(week=TruncWeek("redeemed_at"))
        .values("week")
        .annotate(links=Count("pk"), waited=Sum(F("redeemed_at") - F("created_at")))
    )
    per_week, links, waited = {}, 0, timedelta()
    for row in rows:
        per_week[_day(row["week"])] = row["links"]
        links += row["links"]
        waited += row["waited"]
    average = round(waited.total_seconds() / 86400 / links, 1) if links else None
    return [(week, per_week.get(week, 0)) for week in weeks], average


def _day(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def _add(running: dict[str, int], change: dict[str, int]) -> None:
    for status, seats in change.items():
        running[status] += seats
