"""A store admin records a course's result from the enrollment admin, on one enrollment's page or
for several at once after a confirmation page; a refused one says why and changes nothing."""

from campus.models import CampusEvent
from campus.progress import record_progress
from seats import services
from seats.models import Enrollment, Seat, SeatEvent
from tests.factories import make_seat
from tests.support.admin import action_url, change_url, changelist_url, messages_of

from .helpers import event, post_signed

S = Enrollment.Status
R = Enrollment.Result


def progress(enrollment) -> tuple:
    fresh = Enrollment.objects.get(pk=enrollment.pk)
    return fresh.status, fresh.result


def test_the_enrollment_page_offers_to_record_the_result(staff_client, seat, enrollment):
    page = staff_client.get(change_url(enrollment)).text
    assert "Record the course result" in page
    assert "Passed" in page and "Failed" in page

    response = staff_client.post(
        action_url(enrollment, "result"), {"result-result": "failed"}, follow=True
    )

    assert progress(enrollment) == (S.COMPLETED, R.FAILED)
    assert f"{enrollment} is Completed — Failed." in messages_of(response)
    event = SeatEvent.objects.get(seat=seat, action=SeatEvent.Action.PROGRESS)
    assert event.actor.email == "admin@example.com"
    assert "Record the course result" not in staff_client.get(change_url(enrollment)).text


def test_a_completed_enrollment_is_offered_nothing_and_a_forced_post_is_refused(
    staff_client, enrollment
):
    record_progress(enrollment=enrollment, status=S.COMPLETED, result=R.PASSED)
    page = staff_client.get(change_url(enrollment)).text
    assert "Record the course result" not in page

    response = staff_client.post(
        action_url(enrollment, "result"), {"result-result": "failed"}, follow=True
    )

    assert any("a completed course's result is final" in m for m in messages_of(response))
    assert progress(enrollment) == (S.COMPLETED, R.PASSED)


def test_a_result_without_a_choice_is_refused(staff_client, enrollment):
    response = staff_client.post(action_url(enrollment, "result"), {}, follow=True)
    assert any(m.startswith("Nothing was changed.") for m in messages_of(response))
    assert progress(enrollment) == (S.NOT_STARTED, R.NONE)


def test_bulk_recording_asks_for_the_result_first_and_reports_refusals(
    staff_client, order, seat, enrollment
):
    withdrawn = make_seat(Seat.Status.ASSIGNED, order=order, learner_email="gone@example.com")
    gone = withdrawn.enrollment
    services.unassign_seat(seat=withdrawn, actor=order.buyer)
    selected = [enrollment.pk, gone.pk]
    url = changelist_url(Enrollment)

    confirm = staff_client.post(url, {"action": "record_results", "_selected_action": selected})
    assert confirm.status_code == 200
    assert "Record the course result" in confirm.text
    assert progress(enrollment) == (S.NOT_STARTED, R.NONE)

    response = staff_client.post(
        url,
        {
            "action": "record_results",
            "_selected_action": selected,
            "apply": "Record the result",
            "result": "passed",
        },
        follow=True,
    )

    assert progress(enrollment) == (S.COMPLETED, R.PASSED)
    assert progress(gone) == (S.WITHDRAWN, R.NONE)
    shown = messages_of(response)
    assert "1 enrollment completed with this result." in shown
    assert any(m.startswith("1 refused (") and "it takes no progress" in m for m in shown)


def test_staff_who_may_only_view_record_nothing(viewer_client, enrollment):
    response = viewer_client.post(action_url(enrollment, "result"), {"result-result": "passed"})
    assert response.status_code == 403
    assert progress(enrollment) == (S.NOT_STARTED, R.NONE)


def test_campus_events_are_listed_and_never_edited(client, admin_client, enrollment):
    post_signed(client, event(enrollment, "in_progress"))
    received = CampusEvent.objects.get()
    listed = admin_client.get(changelist_url(CampusEvent), {"q": received.event_id})
    assert list(listed.context["cl"].result_list) == [received]
    page = admin_client.get(change_url(received))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
