"""Figure 1: bulk assign of a 5,000-row import, against the same rows written by plain SQL."""

from django.db import connection, transaction

from imports.bulk import AssignRow, bulk_assign
from seats.models import Seat

from .common import Figure, analyze, sql, timed
from .data import paid_order, store_with_agent

ROWS = 5_000
RUNS = 3


def rows_for(run: int, count: int) -> list[AssignRow]:
    return [
        AssignRow(
            row=n + 2,
            email=f"r{run}-learner{n}@bench.example",
            first_name="Ada",
            last_name=f"Learner{n}",
        )
        for n in range(count)
    ]


def plain_sql_assign(order, agent, product, rows: list[AssignRow]) -> None:
    """Everything the apply writes, in five set-based statements over arrays, one transaction."""
    seat_ids = list(
        Seat.objects.filter(order=order, status=Seat.Status.AVAILABLE)
        .order_by("pk")
        .values_list("pk", flat=True)[: len(rows)]
    )
    emails = [row.email for row in rows]
    base = "https://campus.example/courses/bench-1/"
    with transaction.atomic():
        users = dict(
            sql(
                "INSERT INTO accounts_user (password, is_superuser, email, first_name, last_name, "
                "is_staff, is_active, date_joined) SELECT '!', false, e, f, l, false, true, now() "
                "FROM unnest(%s::text[], %s::text[], %s::text[]) AS t(e, f, l) RETURNING email, id",
                [emails, [r.first_name for r in rows], [r.last_name for r in rows]],
            )
        )
        learner_ids = [users[email] for email in emails]
        enrollments = dict(
            sql(
                "INSERT INTO seats_enrollment (public_id, learner_id, product_id, seat_id, status, "
                "result, training_url, created_at) SELECT gen_random_uuid(), u, %s, s, "
                "'not_started', 'none', %s, now() "
                "FROM unnest(%s::bigint[], %s::bigint[]) AS t(u, s) "
                "RETURNING seat_id, id",
                [product.pk, base, learner_ids, seat_ids],
            )
        )
        sql(
            "UPDATE seats_seat SET status = 'assigned', learner_id = t.u, enrollment_id = t.e, "
            "version = seats_seat.version + 1, updated_at = now() "
            "FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[]) AS t(s, u, e) "
            "WHERE seats_seat.id = t.s AND seats_seat.status = 'available'",
            [seat_ids, learner_ids, [enrollments[s] for s in seat_ids]],
        )
        sql(
            "INSERT INTO seats_seatevent (seat_id, action, from_status, to_status, actor_id, "
            "created_at, details) SELECT s, 'assign', 'available', 'assigned', %s, now(), "
            "jsonb_build_object('learner', e, 'bulk', true) "
            "FROM unnest(%s::bigint[], %s::text[]) AS t(s, e)",
            [agent.pk, seat_ids, emails],
        )
        sql(
            "INSERT INTO notifications_outboundemail (kind, to_email, context, status, "
            "created_at, attempts, last_error, provider_message_id, topic, unannounced) "
            "SELECT 'invitation', e, jsonb_build_object('seat_id', s, 'user_id', u), 'pending', "
            "now(), 0, '', '', '', false "
            "FROM unnest(%s::text[], %s::bigint[], %s::bigint[]) AS t(e, s, u)",
            [emails, seat_ids, learner_ids],
        )


def measure(rows_count: int = ROWS, runs: int = RUNS) -> tuple[float, float]:
    """(best app rate, best plain-SQL rate) in rows per second."""
    store, group, agent, product = store_with_agent()
    app_times, sql_times = [], []
    for run in range(runs):
        # Each plans with the statistics autovacuum would have gathered, and starts just after
        # a checkpoint: the first writes to a page after one also log the whole page.
        order = paid_order(store, group, agent, product, rows_count)
        analyze()
        rows = rows_for(run, rows_count)
        seconds, _ = timed(lambda o=order, r=rows: bulk_assign(order=o, actor=agent, rows=r))
        app_times.append(seconds)
        order = paid_order(store, group, agent, product, rows_count)
        analyze()
        rows = rows_for(run + 100, rows_count)
        seconds, _ = timed(lambda o=order, r=rows: plain_sql_assign(o, agent, product, r))
        sql_times.append(seconds)
        assert Seat.objects.filter(order=order, status="assigned").count() == rows_count
    connection.close()
    return rows_count / min(app_times), rows_count / min(sql_times)


def run() -> list[Figure]:
    app, reference = measure()
    return [
        Figure(
            number=1,
            name=f"bulk assign {ROWS:,} rows (apply)",
            value=app,
            unit="rows/s",
            reference_name="plain SQL, one transaction",
            reference=reference,
            target=">= 0.7x",
            ok=app >= 0.7 * reference,
            notes={
                "app seconds": round(ROWS / app, 3),
                "plain SQL seconds": round(ROWS / reference, 3),
            },
        )
    ]
