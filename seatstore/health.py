"""/health/: is this process able to serve? Checks the database and, when one is configured, the
broker; load balancers and compose healthchecks poll it. Only the database decides: without the
broker every page and action still works (emails wait for the outbox sweep), so a broker outage
reports "degraded" and keeps the process in service rather than taking the whole site out."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    from seatstore.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=0)  # one attempt: a poller must not wait on a retry
    return "ok"


@never_cache
def health(request):
    checks = {}
    for name, check in (("database", _database), ("broker", _broker)):
        try:
            checks[name] = check()
        except Exception as error:  # any failure means "not healthy"; say which
            checks[name] = f"error: {type(error).__name__}"
    failed = {name for name, value in checks.items() if value.startswith("error")}
    status = "error" if "database" in failed else "degraded" if failed else "ok"
    return JsonResponse(checks | {"status": status}, status=503 if status == "error" else 200)
