"""What every benchmark shares: a figure with its same-run reference, timing, and data setup."""

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.db import connection


@dataclass
class Figure:
    number: int
    name: str
    value: float
    unit: str
    reference_name: str
    reference: float
    target: str
    ok: bool
    notes: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.value / self.reference if self.reference else float("nan")

    def as_dict(self) -> dict:
        return asdict(self) | {"ratio": round(self.ratio, 3)}


def timed(func: Callable) -> tuple[float, object]:
    """(seconds, result) of one call."""
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def best_of(runs: int, func: Callable) -> float:
    """The fastest of ``runs`` calls: the machine's speed drifts, the minimum is the signal."""
    return min(timed(func)[0] for _ in range(runs))


def median_of(runs: int, func: Callable) -> float:
    return statistics.median(timed(func)[0] for _ in range(runs))


def fresh_database(call_command) -> None:
    """Each figure starts from an empty, migrated database of its own."""
    from django.conf import settings

    name = settings.DATABASES["default"]["NAME"]
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)


def analyze() -> None:
    """Vacuum and refresh the planner's statistics after loading data, as autovacuum would have
    on a real database: a fresh one plans a 10,000-seat order as 31 rows, and counts cannot use
    index-only scans before the visibility map is set. Then checkpoint, so that what follows is
    not timed against the server writing out a million fresh rows."""
    sql("VACUUM ANALYZE")
    sql("CHECKPOINT")


def sql(statement: str, params=None) -> list:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])
        return cursor.fetchall() if cursor.description else []


def print_table(figures: list[Figure]) -> None:
    header = f"{'#':>2}  {'figure':<46} {'value':>12} {'reference':>12} {'ratio':>7}  target"
    print(header)
    print("-" * len(header) + "------------")
    for f in figures:
        mark = "ok" if f.ok else "MISS"
        print(
            f"{f.number:>2}  {f.name:<46} {f.value:>10.1f} {f.unit:<1} {f.reference:>10.1f}"
            f"   {f.ratio:>6.2f}  {f.target} {mark}"
        )
        for key, value in f.notes.items():
            print(f"    {key}: {value}")
