"""Bulk actions through the portal: upload → preview → apply, uploads refused clearly, export."""

import csv
import io

import pytest
from django.urls import reverse

from accounts.models import User
from imports import csv_files
from notifications.models import OutboundEmail
from seats.emails import SeatEmail
from seats.models import Enrollment, ImportJob, Redemption, Seat, SeatEvent
from tests import factories
from tests.portal.helpers import csv_upload


def preview(client, order, text, kind="assign", name="people.csv", encoding="utf-8"):
    url = reverse("portal:bulk", args=[order.pk, kind])
    return client.post(url, {"file": csv_upload(text, name, encoding)})


def apply(client, order, token, kind="assign"):
    url = reverse("portal:bulk_apply", args=[order.pk, kind])
    return client.post(url, {"token": token}, follow=True)


def nothing_assigned(order) -> bool:
    return not order.seats.exclude(status=Seat.Status.AVAILABLE).exists()


def test_upload_page_documents_the_columns(agent_client, order, store):
    question = factories.QuestionFactory(store=store, prompt="Department?", choices="HR\nIT")
    response = agent_client.get(reverse("portal:bulk", args=[order.pk, "assign"]))
    text = response.text
    assert "<code>email</code>" in text
    assert f"<code>q{question.pk}</code> or “Department?”" in text
    assert "One of: HR, IT." in text
    assert f"email,first_name,last_name,q{question.pk}" in text


def test_preview_lists_every_row_error_and_applies_nothing(
    agent_client, order, store, make_learner_with_enrollment
):
    make_learner_with_enrollment("busy@example.com")
    factories.QuestionFactory(store=store, prompt="Department?")
    text = (
        "email,first_name,last_name,Department?\n"
        "not-an-email,A,A,HR\n"
        "ann@example.com,Ann,Lee,HR\n"
        "ANN@example.com,Ann,Lee,HR\n"
        "busy@example.com,B,B,HR\n"
        "\n"
        "dan@example.com,Dan,D,\n"
        "eve@example.com,Eve,E,IT\n"
    )
    response = preview(agent_client, order, text)
    page = response.text
    errors = response.context["errors"]
    assert [error.row for error in errors] == [None, 2, 4, 5, 7]
    assert "only 5 seats" in errors[0].message
    assert "so row 8 would get no" in errors[0].message
    assert "Row 2" in page and "is not a valid email address" in page
    assert "Row 4" in page and "ann@example.com is already on row 3." in page
    assert "Row 5" in page and "busy@example.com already has an active enrollment" in page
    assert "Row 7" in page and "Answer the required question “Department?”." in page
    assert "nothing was applied" in page
    assert response.context["token"] is None
    assert nothing_assigned(order)
    assert not User.objects.filter(email="ann@example.com").exists()


def test_valid_file_previews_then_applies(agent_client, agent, order, store):
    question = factories.QuestionFactory(store=store, prompt="Department?")
    factories.UserFactory(email="known@example.com")
    text = (
        f"Email,First Name,last-name,q{question.pk}\n"
        "new@example.com,Nina,New,HR\n"
        "known@example.com,,,IT\n"
    )
    response = preview(agent_client, order, text)
    assert "All 2 rows are ready" in response.text
    assert nothing_assigned(order)

    response = apply(agent_client, order, response.context["token"])
    assert response.redirect_chain[-1][0] == reverse("portal:order", args=[order.pk])
    assert "2 seats assigned and the learners emailed" in response.text
    assigned = order.seats.filter(status=Seat.Status.ASSIGNED)
    assert sorted(assigned.values_list("learner__email", flat=True)) == [
        "known@example.com",
        "new@example.com",
    ]
    assert Enrollment.objects.filter(seat__in=assigned, status="not_started").count() == 2
    assert SeatEvent.objects.filter(seat__in=assigned, action="assign", actor=agent).count() == 2
    assert not User.objects.get(email="new@example.com").has_usable_password()
    assert sorted(OutboundEmail.objects.values_list("kind", flat=True)) == [
        SeatEmail.ASSIGNMENT_NOTICE,
        SeatEmail.INVITATION,
    ]


def test_a_preview_applies_once(agent_client, order):
    token = preview(agent_client, order, "email\na@example.com\n").context["token"]
    apply(agent_client, order, token)
    response = apply(agent_client, order, token)
    assert "That preview is no longer available" in response.text
    assert order.seats.filter(status=Seat.Status.ASSIGNED).count() == 1


def test_apply_refuses_an_unknown_token(agent_client, order):
    preview(agent_client, order, "email\na@example.com\n")
    response = apply(agent_client, order, "forged")
    assert "That preview is no longer available" in response.text
    assert nothing_assigned(order)


def test_apply_shows_what_changed_since_the_preview(agent_client, order, seats):
    token = preview(agent_client, order, "email\na@example.com\nb@example.com\n").context["token"]
    Seat.objects.filter(pk=seats["spare"].pk).update(status=Seat.Status.RETURNED)
    response = apply(agent_client, order, token)
    assert "1 problem found: nothing was applied" in response.text
    assert "only 1 seat of" in response.text
    assert not User.objects.filter(email="a@example.com").exists()


def test_bulk_email_previews_then_sends_links(agent_client, order):
    text = "email,message\nann@example.com,Welcome aboard\nbob@example.com,\n"
    response = preview(agent_client, order, text, kind="email")
    assert "All 2 rows are ready" in response.text
    response = apply(agent_client, order, response.context["token"], kind="email")
    assert "Redemption links for 2 seats are on their way" in response.text
    links = Redemption.objects.filter(seat__order=order, state=Redemption.State.PENDING)
    assert sorted(links.values_list("recipient_email", "message")) == [
        ("ann@example.com", "Welcome aboard"),
        ("bob@example.com", ""),
    ]
    assert all(link.is_live for link in links)
    assert order.seats.filter(status=Seat.Status.AWAITING).count() == 2


def test_bulk_email_preview_lists_errors(agent_client, order):
    text = "email,message\nann@example.com,hi\nann@example.com,again\nbad,\n"
    response = preview(agent_client, order, text, kind="email")
    assert [error.row for error in response.context["errors"]] == [3, 4]
    assert not Redemption.objects.exists()


def test_utf8_with_bom_and_semicolons_is_read(agent_client, order):
    response = preview(agent_client, order, "\ufeffemail;first_name\nzoe@example.com;Zoë\n")
    assert response.context["errors"] == []
    assert response.context["rows"][0].first_name == "Zoë"


@pytest.mark.parametrize(
    ("name", "content", "encoding", "message"),
    [
        ("people.csv", "email\nzoë@example.com\n", "latin-1", "This file is not UTF-8 text."),
        ("people.xlsx", "email\na@example.com\n", "utf-8", "is not a CSV file"),
        ("people.csv", "email\x00\x01\x02", "utf-8", "not a CSV text file"),
        ("people.csv", "name,email\nA,a@example.com\n", "utf-8", "Unknown column “name”"),
        ("people.csv", "first_name\nAnn\n", "utf-8", "has no “email” column"),
        ("people.csv", "", "utf-8", "The submitted file is empty."),
        ("people.csv", "\n\n", "utf-8", "The file is empty; its first row must name the columns."),
        ("people.csv", "email\n\n", "utf-8", "There are no rows to import."),
        ("people.csv", 'email\n"a@example.com\n', "utf-8", "not valid CSV"),
    ],
)
def test_unreadable_uploads_are_refused_clearly(
    agent_client, order, name, content, encoding, message
):
    response = preview(agent_client, order, content, name=name, encoding=encoding)
    assert message in response.text
    assert nothing_assigned(order)


def test_oversized_upload_is_refused(agent_client, order, settings):
    text = "email\n" + "a@example.com\n" * (csv_files.MAX_UPLOAD_BYTES // 14 + 1)
    response = preview(agent_client, order, text)
    assert "upload at most 10 MB at a time" in response.text


def test_too_many_rows_are_refused(agent_client, order):
    text = "email\n" + "".join(f"p{n}@example.com\n" for n in range(csv_files.MAX_ROWS + 1))
    response = preview(agent_client, order, text)
    assert "The file has more than 50,000 rows; upload at most 50,000 at a time." in response.text
    assert nothing_assigned(order)


def test_a_file_over_5000_rows_is_applied_by_a_background_job(
    agent_client, agent, group, django_capture_on_commit_callbacks
):
    rows = csv_files.BACKGROUND_AFTER_ROWS + 1
    order = factories.make_order(seats=rows, buyer=agent, group=group)
    text = "email\n" + "".join(f"p{n}@example.com\n" for n in range(rows))
    response = preview(agent_client, order, text)
    assert "All 5,001 rows are ready" in response.text
    assert "Assign 5,001 seats in the background" in response.text

    with django_capture_on_commit_callbacks() as queued:
        response = apply(agent_client, order, response.context["token"])
    assert "The 5,001 learners are being imported in the background" in response.text
    assert "Importing 5,001 learners: waiting to start" in response.text
    assert '<meta http-equiv="refresh" content="3">' in response.text
    assert nothing_assigned(order)
    assert not User.objects.filter(email="p0@example.com").exists()
    job = ImportJob.objects.get(order=order)
    assert (job.status, job.kind, job.total_rows, job.actor) == ("queued", "assign", rows, agent)

    for run in queued:  # the task, run eagerly as a worker would
        run()
    assert order.seats.filter(status=Seat.Status.ASSIGNED).count() == rows
    page = agent_client.get(reverse("portal:order", args=[order.pk])).text
    assert "The import of 5,001 rows finished" in page
    assert "5,001 seats assigned and the learners emailed (5,001 new to Seatstore" in page
    assert "http-equiv" not in page


def test_row_with_too_many_cells_is_an_error(agent_client, order):
    response = preview(agent_client, order, "email\na@example.com,surprise\nb@example.com\n")
    (error,) = response.context["errors"]
    assert (error.row, error.message) == (2, "This row has 2 cells but the header names 1.")


def exported(client, order) -> list[list[str]]:
    response = client.get(reverse("portal:export", args=[order.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="{order.number}-seats.csv"' in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_export_lists_the_seats_and_neutralises_formulas(agent_client, order, seats):
    User.objects.filter(email="ada@example.com").update(
        first_name="=HYPERLINK(evil)", last_name="+1"
    )
    header, *rows = exported(agent_client, order)
    assert header[:4] == ["seat", "course", "status", "owner_group"]
    assert len(rows) == 5
    by_seat = {int(row[0]): row for row in rows}
    ada = by_seat[seats["assigned"].pk]
    assert ada[4] == "ada@example.com"
    assert ada[5] == "'=HYPERLINK(evil) +1"
    assert ada[7] == Seat.objects.get(pk=seats["assigned"].pk).enrollment.training_url
    assert by_seat[seats["awaiting"].pk][8] == "grace@example.com"
    assert by_seat[seats["return_pending"].pk][7] == ""


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_neutralise_prefixes_formula_cells(prefix):
    assert csv_files.neutralise(f"{prefix}SUM(A1)") == f"'{prefix}SUM(A1)"
    assert csv_files.neutralise("plain") == "plain"
    assert csv_files.neutralise(None) == ""
