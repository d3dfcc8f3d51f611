"""POST /campus/callback/: Campus reports progress, signed with the shared secret. Anything not
signed, stale, malformed or impossible is refused with a JSON problem and changes nothing; a
redelivered event answers 200 and changes nothing."""

import json
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from campus.callback import sign
from campus.models import CampusEvent
from seats import services
from seats.models import Enrollment, SeatEvent

from .helpers import SECRET, URL, event, post_signed

S = Enrollment.Status
R = Enrollment.Result


def progress(enrollment) -> tuple:
    fresh = Enrollment.objects.get(pk=enrollment.pk)
    return fresh.status, fresh.result


def nothing_recorded(enrollment) -> bool:
    return progress(enrollment) == (S.NOT_STARTED, R.NONE) and not CampusEvent.objects.exists()


def test_a_signed_completion_is_recorded(client, seat, enrollment):
    body = event(enrollment, "completed", "failed")
    response = post_signed(client, body)

    assert response.status_code == 200
    assert response.json() == {
        "enrollment": str(enrollment.public_id),
        "status": "completed",
        "result": "failed",
        "outcome": "applied",
        "duplicate": False,
    }
    assert progress(enrollment) == (S.COMPLETED, R.FAILED)
    recorded = SeatEvent.objects.get(seat=seat, action=SeatEvent.Action.PROGRESS)
    assert recorded.details["event_id"] == body["event_id"]
    assert recorded.actor is None


def test_a_replayed_event_answers_200_and_changes_nothing(client, seat, enrollment):
    body = event(enrollment, "completed", "passed")
    post_signed(client, body)
    Enrollment.objects.filter(pk=enrollment.pk).update(completed_at=None)  # to see a change

    replay = post_signed(client, body)

    assert replay.status_code == 200
    assert replay.json()["duplicate"] is True
    assert Enrollment.objects.get(pk=enrollment.pk).completed_at is None
    assert SeatEvent.objects.filter(action=SeatEvent.Action.PROGRESS).count() == 1


def test_an_event_older_than_the_progress_recorded_is_acknowledged_and_ignored(client, enrollment):
    now = timezone.now()
    post_signed(client, event(enrollment, "completed", "failed", occurred_at=now))
    late = post_signed(
        client, event(enrollment, "in_progress", occurred_at=now - timedelta(minutes=3))
    )
    assert late.status_code == 200
    assert late.json()["outcome"] == "stale"
    assert progress(enrollment) == (S.COMPLETED, R.FAILED)


def test_every_call_is_refused_while_no_secret_is_set(client, settings, enrollment):
    settings.CAMPUS_CALLBACK_SECRET = ""
    response = post_signed(client, event(enrollment, "in_progress"), secret="")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert "CAMPUS_CALLBACK_SECRET" in response.json()["detail"]
    assert nothing_recorded(enrollment)


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ({"HTTP_X_CAMPUS_SIGNATURE": "sha256=" + "0" * 64}, "does not match"),
        ({"HTTP_X_CAMPUS_SIGNATURE": ""}, "Send the X-Campus-Timestamp"),
        ({"HTTP_X_CAMPUS_SIGNATURE": "sha256=é"}, "does not match"),
        ({"HTTP_X_CAMPUS_TIMESTAMP": "yesterday"}, "Send the X-Campus-Timestamp"),
        ({"HTTP_X_CAMPUS_TIMESTAMP": "9" * 5000}, "Send the X-Campus-Timestamp"),
    ],
)
def test_a_call_without_a_valid_signature_is_refused(client, enrollment, headers, detail):
    response = post_signed(client, event(enrollment, "in_progress"), **headers)
    assert response.status_code == 401
    assert detail in response.json()["detail"]
    assert nothing_recorded(enrollment)


def test_a_call_signed_with_another_secret_is_refused(client, enrollment):
    response = post_signed(client, event(enrollment, "in_progress"), secret="not-the-secret")
    assert response.status_code == 401
    assert nothing_recorded(enrollment)


def test_a_body_changed_after_signing_is_refused(client, enrollment):
    stamp = str(int(time.time()))
    signed = json.dumps(event(enrollment, "completed", "failed")).encode()
    tampered = signed.replace(b"failed", b"passed")
    response = client.post(
        URL,
        tampered,
        content_type="application/json",
        HTTP_X_CAMPUS_TIMESTAMP=stamp,
        HTTP_X_CAMPUS_SIGNATURE=sign(SECRET, stamp, signed),
    )
    assert response.status_code == 401
    assert nothing_recorded(enrollment)


@pytest.mark.parametrize("age", [-400, 301, 86_400])
def test_a_call_signed_outside_the_replay_window_is_refused(client, enrollment, age):
    response = post_signed(
        client, event(enrollment, "in_progress"), timestamp=int(time.time()) - age
    )
    assert response.status_code == 401
    assert "minutes away from our clock" in response.json()["detail"]
    assert nothing_recorded(enrollment)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"\xff\xfe",
        b"[1, 2]",
        b'"completed"',
        b"[" * 100_000,
    ],
)
def test_a_body_that_is_not_a_json_object_is_refused(client, enrollment, body):
    response = post_signed(client, body)
    assert response.status_code == 400
    assert response.json()["title"] == "Not a progress event"
    assert nothing_recorded(enrollment)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"enrollment": "not-a-uuid"}, "enrollment"),
        ({"enrollment": {"id": 1}}, "enrollment"),
        ({"status": "withdrawn"}, "status"),
        ({"status": None}, "status"),
        ({"result": "excellent"}, "result"),
        ({"occurred_at": "last tuesday"}, "occurred_at"),
        ({"occurred_at": "2026-03-01T14:05:00"}, "occurred_at"),
        ({"event_id": ""}, "event_id"),
        ({"event_id": "x" * 101}, "event_id"),
    ],
)
def test_a_malformed_event_is_refused_naming_the_field(client, enrollment, change, field):
    body = {**event(enrollment, "in_progress"), **change}
    response = post_signed(client, body)
    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"{field}:")
    assert nothing_recorded(enrollment)


@pytest.mark.parametrize(
    ("status", "result", "detail"),
    [
        ("completed", "none", "needs its result"),
        ("in_progress", "passed", "Only a completed course has a result"),
    ],
)
def test_an_impossible_event_is_refused(client, enrollment, status, result, detail):
    response = post_signed(client, event(enrollment, status, result))
    assert response.status_code == 400
    assert detail in response.json()["detail"]
    assert nothing_recorded(enrollment)


def test_an_event_dated_in_the_future_is_refused(client, enrollment):
    later = timezone.now() + timedelta(hours=1)
    response = post_signed(client, event(enrollment, "in_progress", occurred_at=later))
    assert response.status_code == 400
    assert "in the future" in response.json()["detail"]
    assert nothing_recorded(enrollment)


def test_an_unknown_enrollment_is_404(client, enrollment):
    body = {
        **event(enrollment, "in_progress"),
        "enrollment": "00000000-0000-4000-8000-000000000000",
    }
    response = post_signed(client, body)
    assert response.status_code == 404
    assert nothing_recorded(enrollment)


def test_progress_on_a_withdrawn_enrollment_is_a_conflict(client, seat, enrollment):
    services.unassign_seat(seat=seat, actor=seat.order.buyer)
    response = post_signed(client, event(enrollment, "completed", "passed"))
    assert response.status_code == 409
    assert "it takes no progress" in response.json()["detail"]
    assert progress(enrollment) == (S.WITHDRAWN, R.NONE)
    assert not CampusEvent.objects.exists()


def test_going_back_is_a_conflict_and_a_retry_is_judged_again(client, enrollment):
    post_signed(client, event(enrollment, "completed", "passed"))
    body = event(enrollment, "completed", "failed")
    assert post_signed(client, body).status_code == 409
    assert post_signed(client, body).status_code == 409
    assert progress(enrollment) == (S.COMPLETED, R.PASSED)


def test_only_post_is_answered(client, enrollment):
    assert client.get(URL).status_code == 405


def test_the_callback_needs_no_csrf_token_but_the_course_page_does(enrollment):
    strict = Client(enforce_csrf_checks=True)
    assert post_signed(strict, event(enrollment, "in_progress")).status_code == 200
    strict.force_login(enrollment.learner)
    assert strict.post(enrollment.training_url, {"step": "fail"}).status_code == 403
