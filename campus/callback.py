"""The Campus progress callback: a real LMS posts each progress event of an enrollment here
(docs/campus.md is the contract). Authenticated by an HMAC-SHA256 signature over the timestamp
and the body with CAMPUS_CALLBACK_SECRET; without that setting every call is refused. Every
answer is JSON; the work is ``record_progress``'s."""

import hashlib
import hmac
import json
import time
from datetime import timedelta

from django import forms
from django.conf import settings
from django.http import JsonResponse
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.errors import SeatActionError
from seats.models import Enrollment

from .progress import PROGRESS_STATUSES, InvalidReport, record_progress

TIMESTAMP_HEADER = "X-Campus-Timestamp"
SIGNATURE_HEADER = "X-Campus-Signature"
# A signed call older (or newer) than this is refused, so a captured call cannot be replayed
# later; within it, the event id makes a replay change nothing.
REPLAY_WINDOW = timedelta(minutes=5)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value for a call: ``sha256=`` and the hex HMAC-SHA256 of
    ``timestamp.body`` keyed with the shared secret."""
    message = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class ProgressEventForm(forms.Form):
    """The shape of an event; ``record_progress`` judges whether it can be true."""

    event_id = forms.CharField(max_length=100)
    enrollment = forms.UUIDField()
    status = forms.ChoiceField(choices=[(status, status) for status in PROGRESS_STATUSES])
    result = forms.ChoiceField(choices=Enrollment.Result.choices, required=False)
    occurred_at = forms.CharField(max_length=40)

    def clean_result(self) -> str:
        return self.cleaned_data["result"] or Enrollment.Result.NONE

    def clean_occurred_at(self):
        try:
            value = parse_datetime(self.cleaned_data["occurred_at"])
        except ValueError:
            value = None
        if value is None or value.tzinfo is None:
            raise forms.ValidationError(
                "Give an ISO 8601 date and time with its offset, e.g. 2026-03-01T14:05:00Z."
            )
        return value

    def problems(self) -> str:
        return " ".join(f"{field}: {' '.join(errors)}" for field, errors in self.errors.items())


def problem(status: int, title: str, detail: str) -> JsonResponse:
    """An error answer as RFC 9457 problem details."""
    return JsonResponse(
        {"type": "about:blank", "title": title, "status": status, "detail": detail},
        status=status,
        content_type="application/problem+json",
    )


def _unauthentic(request, secret: str) -> str:
    """Why the call is not Campus's, or "" when its signature and timestamp hold."""
    timestamp = request.headers.get(TIMESTAMP_HEADER, "")
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12) or not signature:
        return f"Send the {TIMESTAMP_HEADER} (Unix seconds) and {SIGNATURE_HEADER} headers."
    if abs(time.time() - int(timestamp)) > REPLAY_WINDOW.total_seconds():
        return (
            f"The timestamp is more than {REPLAY_WINDOW.seconds // 60} minutes away from our "
            "clock; sign each call when you send it."
        )
    expected = sign(secret, timestamp, request.body)
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        return "The signature does not match this body and timestamp."
    return ""


def _event(body: bytes) -> ProgressEventForm:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        data = None
    return ProgressEventForm(data if isinstance(data, dict) else None)


@csrf_exempt  # signed by Campus instead: a server-to-server call has no session or CSRF token
@require_POST
def progress(request):
    secret = settings.CAMPUS_CALLBACK_SECRET
    if not secret:
        return problem(
            503,
            "Campus callbacks are switched off",
            "This store has no CAMPUS_CALLBACK_SECRET; it refuses every callback until one is set.",
        )
    reason = _unauthentic(request, secret)
    if reason:
        return problem(401, "Not signed by Campus", reason)
    event = _event(request.body)
    if not event.is_bound:
        return problem(400, "Not a progress event", "The body must be a JSON object.")
    if not event.is_valid():
        return problem(400, "Not a progress event", event.problems())
    data = event.cleaned_data
    enrollment = Enrollment.objects.filter(public_id=data["enrollment"]).first()
    if enrollment is None:
        return problem(404, "Unknown enrollment", f"No enrollment {data['enrollment']} here.")
    try:
        recorded = record_progress(
            enrollment=enrollment,
            status=data["status"],
            result=data["result"],
            occurred_at=data["occurred_at"],
            event_id=data["event_id"],
        )
    except InvalidReport as refusal:
        return problem(400, "Not a possible progress event", refusal.message)
    except SeatActionError as refusal:
        return problem(409, "Progress refused", refusal.message)
    enrollment = recorded.enrollment
    return JsonResponse(
        {
            "enrollment": str(enrollment.public_id),
            "status": enrollment.status,
            "result": enrollment.result,
            "outcome": recorded.outcome,
            "duplicate": recorded.duplicate,
        }
    )
