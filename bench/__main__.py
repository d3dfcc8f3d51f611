"""Run the benchmarks on a fresh PostgreSQL database: ``python -m bench [number ...]``."""

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

RESULTS = Path(__file__).resolve().parent / "results"


def main(selected: list[str]) -> int:
    django.setup()
    from django.core.management import call_command

    from . import (
        api_list,
        background_import,
        bulk_assign,
        digest,
        emails,
        server_time,
        throughput,
        webhooks,
    )
    from .common import fresh_database, print_table

    suites = {
        "1": bulk_assign.run,
        "2": emails.run,
        "3": throughput.run,
        "4": lambda: [server_time.order_page()],
        "5": lambda: [server_time.admin_changelist()],
        "6": background_import.run,
        "7": digest.run,
        "8": webhooks.run,
        "9": api_list.run,  # figures 9 and 10
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    figures = []
    for number, suite in suites.items():
        if not selected or number in selected:
            fresh_database(call_command)
            figures.extend(suite())
    print_table(figures)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "latest.json"
    out.write_text(json.dumps([f.as_dict() for f in figures], indent=2))
    print(f"\nwritten to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
