"""Bulk imports through the API: the rows are checked as the upload preview checks them, applied
in the background all or nothing, and the job polled."""

from seats.models import ImportJob, Seat

ROWS = [{"email": "ann@example.com"}, {"email": "bob@example.com", "first_name": "Bob"}]


def test_checking_rows_lists_every_problem_and_changes_nothing(api, order):
    rows = [*ROWS, {"email": "not an address"}, {"email": "ann@example.com"}]
    check = api.post(f"/orders/{order.pk}/imports/check", {"kind": "assign", "rows": rows})
    assert check.status_code == 200
    problems = check.json()["problems"]
    assert [p["row"] for p in problems] == [3, 4]
    assert not ImportJob.objects.exists()

    start = api.post(f"/orders/{order.pk}/imports", {"kind": "assign", "rows": rows})
    assert start.status_code == 422
    assert start.json()["rows"] == problems
    assert not ImportJob.objects.exists()


def test_an_import_runs_in_the_background_and_is_polled(
    api, order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        start = api.post(f"/orders/{order.pk}/imports", {"kind": "assign", "rows": ROWS})
    assert start.status_code == 202
    job = start.json()
    assert (job["status"], job["total_rows"]) == ("queued", 2)

    polled = api.get(f"/imports/{job['id']}").json()
    assert polled["status"] == "done"
    assert "2 seats assigned" in polled["result"]
    assert order.seats.filter(status=Seat.Status.ASSIGNED).count() == 2


def test_an_unknown_course_is_refused_in_the_imports_words(api, order):
    body = {"kind": "email", "line": 999999, "rows": ROWS}
    response = api.post(f"/orders/{order.pk}/imports/check", body)
    assert response.status_code == 409
    assert response.json()["detail"] == f"That course is not part of order {order.number}."


def test_fifty_thousand_rows_with_names_fit_in_one_request(api, order):
    rows = [
        {"email": f"learner-{n}@northwind-example.com", "first_name": "Alexandra", "last_name": "X"}
        for n in range(50_000)
    ]
    check = api.post(f"/orders/{order.pk}/imports/check", {"kind": "assign", "rows": rows})
    assert check.status_code == 200


def test_a_body_over_the_limit_is_a_413_problem_and_changes_nothing(api, order, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2**20
    rows = [{"email": f"learner-{n}@example.com", "first_name": "A" * 80} for n in range(20_000)]
    response = api.post(f"/orders/{order.pk}/imports", {"kind": "assign", "rows": rows})
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert "1 MB at the most" in response.json()["detail"]
    assert not ImportJob.objects.exists()
