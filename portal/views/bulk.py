"""Bulk actions from a CSV file: upload → preview (every row checked, every problem listed) →
apply (all rows or none).

Between preview and apply the parsed rows wait in the agent's session (server side), under a
random token that the preview page posts back: the client never sends the rows again, so what is
applied is exactly what was previewed, and a preview page left open after a newer upload cannot
apply the newer file by mistake. The apply checks every rule again under the seat locks."""

import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.views.decorators.http import require_POST

from seats.access import access_order
from seats.errors import SeatActionError
from seats.services import bulk
from seats.services._base import questions_for
from seats.services.redemption import MESSAGE_MAX_LENGTH

from ..csv_files import MAX_ROWS, MAX_UPLOAD_BYTES, Parsed, parse_assign, parse_recipients
from ..forms import BulkUploadForm

PREVIEW_ROWS = 20


@dataclass(frozen=True)
class BulkKind:
    slug: str
    title: str
    parse: Callable[..., Parsed]
    validate: Callable
    apply: Callable
    row_type: type
    verb: str  # "Assign 42 seats"
    done: Callable[[bulk.BulkResult], str]


def _seats(count: int) -> str:
    return f"{count} seat{'' if count == 1 else 's'}"


KINDS = {
    kind.slug: kind
    for kind in (
        BulkKind(
            slug="assign",
            title="Assign seats from a CSV file",
            parse=lambda upload, line: parse_assign(upload, questions_for(line.product)),
            validate=bulk.validate_bulk_assign,
            apply=bulk.bulk_assign,
            row_type=bulk.AssignRow,
            verb="Assign",
            done=lambda result: (
                f"{_seats(result.seats)} assigned and the learners emailed "
                f"({result.invited} new to Seatstore, invited to set a password)."
            ),
        ),
        BulkKind(
            slug="email",
            title="Email redemption links to a list",
            parse=lambda upload, line: parse_recipients(upload),
            validate=bulk.validate_bulk_email,
            apply=bulk.bulk_email_redemptions,
            row_type=bulk.RecipientRow,
            verb="Email links for",
            done=lambda result: (
                f"Redemption links for {_seats(result.seats)} are on their way; "
                "each seat awaits its recipient."
            ),
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
    return line, [kind.row_type(**row) for row in stored["rows"]]


def _page(request, order, kind: BulkKind, form, **extra):
    lines = [(line, questions_for(line.product)) for line in order.lines.select_related("product")]
    context = {
        "order": order,
        "kind": kind,
        "form": form,
        "lines": lines,
        "max_rows": MAX_ROWS,
        "max_megabytes": MAX_UPLOAD_BYTES // 1024 // 1024,
        "message_max": MESSAGE_MAX_LENGTH,
        "nav": "orders",
    } | extra
    return render(request, "portal/bulk.html", context)


@login_required
def bulk_upload(request, order_id: int, kind: str):
    """GET: the upload form and the file's columns; POST: the preview of an uploaded file."""
    order, kind = access_order(request.user, order_id), _kind(kind)
    form = BulkUploadForm(
        request.POST or None, request.FILES or None, order=order, parse=kind.parse
    )
    if request.method != "POST" or not form.is_valid():
        return _page(request, order, kind, form)
    line, rows = form.cleaned_data["line"], form.parsed.rows
    try:
        problems = kind.validate(order=order, actor=request.user, rows=rows, line=line)
    except SeatActionError as error:
        problems = [bulk.RowError(None, error.message)]
    errors = sorted(form.parsed.errors + problems, key=lambda error: error.row or 0)
    token = None if errors else _remember(request, order, kind, line, rows)
    preview = {"line": line, "rows": rows[:PREVIEW_ROWS], "row_count": len(rows)}
    return _page(request, order, kind, form, errors=errors, token=token, **preview)


@login_required
@require_POST
def bulk_apply(request, order_id: int, kind: str):
    order, kind = access_order(request.user, order_id), _kind(kind)
    stored = _recall(request, order, kind, request.POST.get("token"))
    if stored is None:
        messages.error(request, "That preview is no longer available; upload the file again.")
        return redirect("portal:bulk", order.pk, kind.slug)
    line, rows = stored
    try:
        result = kind.apply(order=order, actor=request.user, rows=rows, line=line)
    except bulk.BulkRefused as refused:
        form = BulkUploadForm(order=order, parse=kind.parse)
        return _page(request, order, kind, form, errors=refused.errors, row_count=len(rows))
    except SeatActionError as error:
        messages.error(request, error.message)
        return redirect("portal:bulk", order.pk, kind.slug)
    messages.success(request, kind.done(result))
    return redirect("portal:order", order.pk)
