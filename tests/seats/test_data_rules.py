"""The rules about the data an action brings (an address, the answers, the agent's message, the
learner's other enrollments) refuse in the same words wherever the data comes from: the service,
the portal's action page and the bulk import. Every refusal leaves the seat as it was."""

import re
from dataclasses import dataclass

import pytest
from django.urls import reverse

from core.errors import SeatActionError
from imports.bulk import AssignRow, RecipientRow, validate_bulk_assign, validate_bulk_email
from seats import data_rules, services
from seats.forms import SupplementalAnswersForm
from seats.models import Seat
from tests import factories

pytestmark = pytest.mark.django_db

ENROLLED = (
    "busy@example.com already has an active enrollment in {product}; ask a store admin to "
    "resolve it before assigning this seat."
)


@dataclass(frozen=True)
class Attempt:
    """What an agent hands a seat out with: ``action`` is the portal's slug, ``assign`` or
    ``email``; ``answer`` answers the store's question “Site?” (North or South)."""

    action: str
    email: str
    answer: str = "North"
    message: str = ""


REFUSALS = {
    "assign to the enrolled": (Attempt("assign", "busy@example.com"), ENROLLED),
    "email the enrolled": (Attempt("email", "Busy@Example.com"), ENROLLED),
    "assign to a bad address": (
        Attempt("assign", "not-an-email"),
        "“not-an-email” is not a valid email address.",
    ),
    "email a bad address": (
        Attempt("email", "ann@example"),
        "“ann@example” is not a valid email address.",
    ),
    "an address too long": (
        Attempt("assign", f"{'a' * 250}@example.com"),
        f"“{'a' * 40}…” is 262 characters long; an email address has at most 254.",
    ),
    "no address": (Attempt("email", "  "), "The email address is missing."),
    "a required answer missing": (
        Attempt("assign", "ann@example.com", answer=" "),
        "Answer the required question “Site?”.",
    ),
    "an answer not among the choices": (
        Attempt("assign", "ann@example.com", answer="East"),
        "“East” is not one of the choices for “Site?”.",
    ),
    "a message too long": (
        Attempt("email", "ann@example.com", message=f" {'x' * 501} "),
        "The message is 501 characters long; keep it to 500.",
    ),
}


def by_service(seat, agent, attempt: Attempt, site) -> list[str]:
    with pytest.raises(SeatActionError) as refused:
        if attempt.action == "assign":
            services.assign_seat(
                seat=seat, actor=agent, email=attempt.email, answers={site.pk: attempt.answer}
            )
        else:
            services.email_redemption(
                seat=seat, actor=agent, email=attempt.email, message=attempt.message
            )
    return [refused.value.message]


def by_portal(client, seat, attempt: Attempt, site) -> list[str]:
    """Every problem the action's page shows, beside a field or above the form."""
    data = {
        "version": seat.version,
        "email": attempt.email,
        "message": attempt.message,
        SupplementalAnswersForm.field_name(site): attempt.answer,
    }
    response = client.post(reverse("portal:seat_action", args=[seat.pk, attempt.action]), data)
    assert response.status_code == 200, "a refusal stays on the action's page"
    return [
        problem for problems in response.context["form"].errors.values() for problem in problems
    ]


def by_bulk(order, agent, attempt: Attempt, site) -> list[str]:
    if attempt.action == "assign":
        rows = [AssignRow(2, attempt.email, answers={str(site.pk): attempt.answer})]
        errors = validate_bulk_assign(order=order, actor=agent, rows=rows)
    else:
        rows = [RecipientRow(2, attempt.email, message=attempt.message)]
        errors = validate_bulk_email(order=order, actor=agent, rows=rows)
    assert {error.row for error in errors} == {2}
    return [error.message for error in errors]


@pytest.mark.parametrize(("attempt", "words"), REFUSALS.values(), ids=REFUSALS.keys())
def test_a_data_refusal_reads_the_same_everywhere(
    agent_client, agent, order, make_learner_with_enrollment, attempt, words
):
    make_learner_with_enrollment("busy@example.com")
    site = factories.QuestionFactory(store=order.store, prompt="Site?", choices="North\nSouth")
    seat = order.seats.order_by("pk").first()
    words = words.format(product=order.lines.get().product)

    assert by_service(seat, agent, attempt, site) == [words]
    assert by_portal(agent_client, seat, attempt, site) == [words]
    assert by_bulk(order, agent, attempt, site) == [words]
    fresh = Seat.objects.get(pk=seat.pk)
    assert (fresh.status, fresh.version) == (Seat.Status.AVAILABLE, seat.version)


def test_enrolled_learners_are_found_in_one_query_for_any_number_of_addresses(
    order, make_learner_with_enrollment, django_assert_num_queries
):
    make_learner_with_enrollment("busy@example.com")
    product = order.lines.get().product
    addresses = ["busy@example.com", *(f"free{n}@example.com" for n in range(100))]
    with django_assert_num_queries(1):
        found = data_rules.enrollment_problems(product, addresses)
    assert list(found) == ["busy@example.com"]


def test_every_answer_problem_is_found_and_only_the_answers_given_are_kept(store):
    site = factories.QuestionFactory(store=store, prompt="Site?", choices="North\nSouth")
    badge = factories.QuestionFactory(store=store, prompt="Badge?")
    team = factories.QuestionFactory(store=store, prompt="Team?", required=False)
    questions = [site, badge, team]

    assert data_rules.answer_problems(questions, {str(site.pk): "East"}) == [
        "“East” is not one of the choices for “Site?”.",
        "Answer the required question “Badge?”.",
    ]
    given = {site.pk: " South ", badge.pk: " B-7 ", team.pk: ""}
    assert data_rules.answer_problems(questions, given) == []
    assert data_rules.answers_to_keep(questions, given) == {site: "South", badge: "B-7"}


def test_an_overlong_free_text_answer_reads_the_same_everywhere(agent_client, agent, order):
    question = factories.QuestionFactory(store=order.store, prompt="Badge number?")
    seat = order.seats.order_by("pk").first()
    answer = "7" * 1001
    words = "The answer to “Badge number?” is 1,001 characters long; keep it to 1,000."

    with pytest.raises(SeatActionError, match=re.escape(words)):
        services.assign_seat(
            seat=seat, actor=agent, email="ann@example.com", answers={question.pk: answer}
        )
    response = agent_client.post(
        reverse("portal:seat_action", args=[seat.pk, "assign"]),
        {
            "version": seat.version,
            "email": "ann@example.com",
            SupplementalAnswersForm.field_name(question): answer,
        },
    )
    assert response.context["form"].errors[SupplementalAnswersForm.field_name(question)] == [words]
    rows = [AssignRow(2, "ann@example.com", answers={str(question.pk): answer})]
    assert [e.message for e in validate_bulk_assign(order=order, actor=agent, rows=rows)] == [words]
    assert Seat.objects.get(pk=seat.pk).status == Seat.Status.AVAILABLE
