"""The weekly digest: for each agent, the links waiting too long, the links about to expire, the
groups running out of available seats and the returns decided this week.

Its cost does not grow with the seats an agent manages: each kind is one aggregate query grouped
by group and order for all agents at once, then fanned out to the agents of each group (or the
buyer, for seats without a group) in memory; nothing loops over seats. Eight queries for the
whole run, whatever the number of agents and seats. A ``WeeklyDigest`` row per agent and week,
written with the outbox rows in one transaction, makes a second run in the same week send
nothing; two runs at the same moment collide on its unique constraint and the second rolls back.
"""

from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from accounts.models import User
from groups.models import GroupMembership
from notifications.services import NewEmail, queue_emails
from orders.models import Order
from seats.models import Redemption, ReturnRequest, Seat
from seats.stats import week_start

from .models import AlertEmail, AlertKind, WeeklyDigest
from .preferences import opted_out

EXPIRING_WITHIN_DAYS = 3
LOW_AVAILABLE_SHARE = 10  # per cent: a group below it is running out of seats to hand out

# What identifies the order (and the group) a link or a return is counted under.
_ORDER_KEYS = {
    "group_id": F("seat__owner_group_id"),
    "group": F("seat__owner_group__name"),
    "order_id": F("seat__order_id"),
    "order": F("seat__order__number"),
    "buyer_id": F("seat__order__buyer_id"),
}


def stale_after_days() -> int:
    return settings.ALERTS_STALE_LINK_DAYS


def _links(now: datetime) -> list[dict]:
    """Per order and group: live links emailed more than N days ago, and those expiring soon."""
    stale = Q(created_at__lte=now - timedelta(days=stale_after_days()))
    expiring = Q(expires_at__lte=now + timedelta(days=EXPIRING_WITHIN_DAYS))
    return list(
        Redemption.objects.filter(state=Redemption.State.PENDING, expires_at__gt=now)
        .values(**_ORDER_KEYS)
        .annotate(stale=Count("pk", filter=stale), expiring=Count("pk", filter=expiring))
        .filter(Q(stale__gt=0) | Q(expiring__gt=0))
        .order_by("order", "group")
    )


def _returns(now: datetime) -> list[dict]:
    """Per order and group: returns the store approved or denied in the past seven days."""
    State = ReturnRequest.State
    return list(
        ReturnRequest.objects.filter(
            state__in=(State.APPROVED, State.DENIED), decided_at__gt=now - timedelta(days=7)
        )
        .values(**_ORDER_KEYS)
        .annotate(
            approved=Count("pk", filter=Q(state=State.APPROVED)),
            denied=Count("pk", filter=Q(state=State.DENIED)),
        )
        .order_by("order", "group")
    )


def _low_groups() -> list[dict]:
    """Groups with less than LOW_AVAILABLE_SHARE % of their paid, unreturned seats available."""
    return list(
        Seat.objects.filter(order__status=Order.Status.PAID, owner_group__isnull=False)
        .exclude(status=Seat.Status.RETURNED)
        .values(group_id=F("owner_group_id"), group=F("owner_group__name"))
        .annotate(total=Count("pk"), available=Count("pk", filter=Q(status=Seat.Status.AVAILABLE)))
        .filter(total__gt=F("available") * 100 / LOW_AVAILABLE_SHARE)
        .order_by("group", "group_id")
    )


def digests(now: datetime) -> dict[int, dict]:
    """{agent's user id: figures} for every agent with something to report: four queries."""
    sections = {"links": _links(now), "returns": _returns(now), "low_groups": _low_groups()}
    group_ids = {row["group_id"] for rows in sections.values() for row in rows} - {None}
    agents = defaultdict(list)
    for group_id, user_id in GroupMembership.objects.filter(
        group_id__in=group_ids, role=GroupMembership.Role.AGENT
    ).values_list("group_id", "user_id"):
        agents[group_id].append(user_id)
    figures: dict[int, dict] = defaultdict(lambda: {name: [] for name in sections})
    for name, rows in sections.items():
        for row in rows:
            group_id = row.pop("group_id")
            managers = agents[group_id] if group_id else [row["buyer_id"]]
            row.pop("buyer_id", None)
            for user_id in managers:
                figures[user_id][name].append(row)
    return dict(figures)


def send_weekly_digests(*, now: datetime | None = None) -> int:
    """Queue this week's digest for every agent with something to report who has not had it
    and did not switch it off; returns how many were queued."""
    now = now or timezone.now()
    week = week_start(now)
    found = digests(now)
    with transaction.atomic():
        recipients = (
            User.objects.filter(pk__in=found, is_active=True)
            .exclude(pk__in=opted_out(AlertKind.WEEKLY_DIGEST))
            .exclude(pk__in=WeeklyDigest.objects.filter(week=week).values("user_id"))
            .values_list("pk", "email")
        )
        addresses = dict(recipients)
        created = WeeklyDigest.objects.bulk_create(
            [
                WeeklyDigest(user_id=user_id, week=week, figures=found[user_id])
                for user_id in sorted(addresses)
            ]
        )
        if created:
            queue_emails(
                [
                    NewEmail(
                        kind=AlertEmail.WEEKLY_DIGEST,
                        to_email=addresses[digest.user_id],
                        context={"digest_id": digest.pk},
                    )
                    for digest in created
                ]
            )
    return len(created)
