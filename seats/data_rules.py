"""Whether the data an action brings will do: an address, the agent's message, the answers to the
product's questions, a learner's other enrollments. ``seats.rules`` decides what may happen to a
seat; these rules look at what comes with the action.

Each rule returns the problems it finds, in words for the person who typed the data, and serves
one row as well as many: a service checks one learner and raises the first problem, the forms
show each problem beside its field, and the bulk imports check a whole file at once (one
query whatever its length) and report every problem of every row. So the words are the same
wherever the data comes from.
"""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from accounts.models import User
from core.bulk_sql import values_among
from orders.models import Product

from .models import Enrollment, SupplementalQuestion

EMAIL_MAX_LENGTH = User._meta.get_field("email").max_length
MESSAGE_MAX_LENGTH = 500
ANSWER_MAX_LENGTH = 1000


def email_problem(email: str) -> str | None:
    """What is wrong with an address, given as the accounts store it (``normalize_email``)."""
    if not email:
        return "The email address is missing."
    if len(email) > EMAIL_MAX_LENGTH:
        return (
            f"“{email[:40]}…” is {len(email)} characters long; an email address has at most "
            f"{EMAIL_MAX_LENGTH}."
        )
    try:
        validate_email(email)
    except ValidationError:
        return f"“{email}” is not a valid email address."
    return None


def message_problem(message: str) -> str | None:
    """The agent's note above a redemption link is sent without surrounding blanks."""
    length = len((message or "").strip())
    if length > MESSAGE_MAX_LENGTH:
        return f"The message is {length} characters long; keep it to {MESSAGE_MAX_LENGTH}."
    return None


def answer_problem(question: SupplementalQuestion, answer: str) -> str | None:
    """What is wrong with one answer, without surrounding blanks, to one question."""
    if not answer:
        return f"Answer the required question “{question.prompt}”." if question.required else None
    if question.choice_list and answer not in question.choice_list:
        return f"“{answer[:40]}” is not one of the choices for “{question.prompt}”."
    if len(answer) > ANSWER_MAX_LENGTH:
        return (
            f"The answer to “{question.prompt}” is {len(answer):,} characters long; keep it to "
            f"{ANSWER_MAX_LENGTH:,}."
        )
    return None


def _given(answers: Mapping | None) -> dict[str, str]:
    return {str(key): (value or "").strip() for key, value in (answers or {}).items()}


def answer_problems(
    questions: Iterable[SupplementalQuestion], answers: Mapping | None
) -> list[str]:
    """Every problem with one learner's ``answers`` ({question id: answer}) to the product's
    questions (``questions_for``), in the questions' order."""
    given = _given(answers)
    return [
        problem
        for question in questions
        if (problem := answer_problem(question, given.get(str(question.pk), "")))
    ]


def answers_to_keep(
    questions: Iterable[SupplementalQuestion], answers: Mapping | None
) -> dict[SupplementalQuestion, str]:
    """The answers to save, once ``answer_problems`` found none: each one given, trimmed."""
    given = _given(answers)
    return {question: answer for question in questions if (answer := given.get(str(question.pk)))}


def enrollment_problems(product: Product, emails: Iterable[str]) -> dict[str, str]:
    """{address: problem} for the learners among ``emails`` (as the accounts store them) who
    already have an active enrollment in the product: one query for any number of addresses,
    sent as one array."""
    active = Enrollment.objects.filter(product=product, status__in=Enrollment.ACTIVE)
    return {
        email: f"{email} already has an active enrollment in {product}; ask a store admin to "
        "resolve it before assigning this seat."
        for (email,) in values_among(active, "learner__email", list(emails), "learner__email")
    }
