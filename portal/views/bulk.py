"""Bulk actions from a CSV file: upload → preview (every row checked, every problem listed) →
apply (all rows or none).

Between preview and apply the parsed rows wait in the agent's session (server side), under a
random token that the preview page posts back: the client never sends the rows again, so what is
applied is exactly what was previewed, and a preview page left open after a newer upload cannot
apply the newer file by mistake. The apply checks every rule again under the seat locks.

A file of up to ``BACKGROUND_AFTER_ROWS`` rows is applied within the request; a bigger one is
handed to a background job (``jobs.start_import``) whose progress the order page shows."""

import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.views.decorators.http import require_POST

from core.errors import SeatActionError
from imports import bulk, jobs
from imports.csv_files import (
    BACKGROUND_AFTER_ROWS,
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    Parsed,
    parse_assign,
    parse_recipients,
)
from seats.access import access_order, request_authority
from seats.data_rules import MESSAGE_MAX_LENGTH
from seats.services._base import questions_for

from ..forms import BulkUploadForm

PREVIEW_ROWS = 20


@dataclass(frozen=True)
class BulkKind:
    slug: str
    title: str
    parse: Callable[..., Parsed]
    verb: str  # "Assign 42 seats"

    @property
    def service(self) -> jobs.ImportKind:
        """What the import checks, applies and reports, in a request or a background job."""
        return jobs.KINDS[self.slug]


KINDS = {
    kind.slug: kind
    for kind in (
        BulkKind(
            slug="assign",
            title="Assign seats from a CSV file",
            parse=lambda upload, line: parse_assign(upload, questions_for(line.product)),
            verb="Assign",
        ),
        BulkKind(
            slug="email",
            title="Email redemption links to a list",
            parse=lambda upload, line: parse_recipients(upload),
            verb="Email links for",
        ),
    )
}


def _kind(slug: str) -> BulkKind:
    if slug not in KINDS:
        raise Http404("No such bulk action.")
    return KINDS[slug]


def _session_key(order, kind: BulkKind) -> str:
    return f"portal.bulk.{order.pk}.{kind.slug}"


def _remember(request, order, kind: BulkKind, line, rows: list) -> str:
    token = secrets.token_urlsafe(16)
    request.session[_session_key(order, kind)] = {
        "token": token,
        "line": line.pk,
        "rows": [asdict(row) for row in rows],
    }
    return token


def _recall(request, order, kind: BulkKind, token: str):
    """(line, rows) of the preview with this token, taken out of the session; None if gone."""
    stored = request.session.get(_session_key(order, kind))
    if not stored or not constant_time_compare(stored["token"], token or ""):
        return None
    del request.session[_session_key(order, kind)]
    line = order.lines.select_related("product").filter(pk=stored["line"]).first()
    if line is None:
        return None
    return line, [kind.service.row_type(**row) for row in stored["rows"]]


def _page(request, order, kind: BulkKind, form, **extra):
    lines = [(line, questions_for(line.product)) for line in order.lines.select_related("product")]
    context = {
        "order": order,
        "store": order.store,
        "kind": kind,
        "form": form,
        "lines": lines,
        "max_rows": MAX_ROWS,
        "max_megabytes": MAX_UPLOAD_BYTES // 1024 // 1024,
        "background_after": BACKGROUND_AFTER_ROWS,
        "message_max": MESSAGE_MAX_LENGTH,
        "nav": "orders",
    } | extra
    return render(request, "portal/bulk.html", context)


@login_required
def bulk_upload(request, order_id: int, kind: str):
    """GET: the upload form and the file's columns; POST: the preview of an uploaded file."""
    order, kind = access_order(request_authority(request), order_id), _kind(kind)
    form = BulkUploadForm(
        request.POST or None, request.FILES or None, order=order, parse=kind.parse
    )
    if request.method != "POST" or not form.is_valid():
        return _page(request, order, kind, form)
    line, rows = form.cleaned_data["line"], form.parsed.rows
    try:
        problems = kind.service.validate(order=order, actor=request.user, rows=rows, line=line)
    except SeatActionError as error:
        problems = [bulk.RowError(None, error.message)]
    errors = sorted(form.parsed.errors + problems, key=lambda error: error.row or 0)
    token = None if errors else _remember(request, order, kind, line, rows)
    preview = {
        "line": line,
        "rows": rows[:PREVIEW_ROWS],
        "row_count": len(rows),
        "in_background": len(rows) > BACKGROUND_AFTER_ROWS,
    }
    return _page(request, order, kind, form, errors=errors, token=token, **preview)


@login_required
@require_POST
def bulk_apply(request, order_id: int, kind: str):
    order, kind = access_order(request_authority(request), order_id), _kind(kind)
    stored = _recall(request, order, kind, request.POST.get("token"))
    if stored is None:
        messages.error(request, "That preview is no longer available; upload the file again.")
        return redirect("portal:bulk", order.pk, kind.slug)
    line, rows = stored
    try:
        done = _apply(request, order, kind, line, rows)
    except bulk.BulkRefused as refused:
        form = BulkUploadForm(order=order, parse=kind.parse)
        return _page(request, order, kind, form, errors=refused.errors, row_count=len(rows))
    except SeatActionError as error:
        messages.error(request, error.message)
        return redirect("portal:bulk", order.pk, kind.slug)
    messages.success(request, done)
    return redirect("portal:order", order.pk)


def _apply(request, order, kind: BulkKind, line, rows: list) -> str:
    """Apply the rows now, or start a background job for a big file; returns what to tell the
    agent. Both refuse as the services do."""
    service = kind.service
    if len(rows) <= BACKGROUND_AFTER_ROWS:
        return service.done(service.apply(order=order, actor=request.user, rows=rows, line=line))
    jobs.start_import(order=order, actor=request.user, kind=kind.slug, rows=rows, line=line)
    return (
        f"The {len(rows):,} {service.noun} are being imported in the background; this page shows "
        "the progress. Nothing changes until every row is applied."
    )
