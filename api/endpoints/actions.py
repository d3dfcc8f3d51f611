"""Every seat action of the catalog (``seats.actions``), one endpoint each. The API is a third
caller of the same forms and services as the portal and the admin: the body becomes the action's
form, the form's errors and the service's refusal come back in the page's words."""

from ninja import Router, Schema
from ninja.decorators import decorate_view
from pydantic import Field

from seats.actions import AGENT_ACTIONS, SeatAction

from .. import scope
from ..idempotency import idempotent
from ..problems import form_problem
from ..schemas import ActionDone
from .common import NO_NUL, WRITE_ERRORS, idempotency_key, object_id
from .seats import seat_detail

router = Router(tags=["seat actions"])

QUESTION = "question_"  # how the form names a question's field (SupplementalAnswersForm)


class Versioned(Schema):
    version: int | None = Field(
        None,
        ge=0,
        le=2**31 - 1,
        description="The seat's `version` as you last read it: the action is refused if the "
        "seat changed since. Leave it out to act on the seat as it is now.",
    )


class LearnerIn(Versioned):
    email: str = Field(max_length=254, pattern=NO_NUL)
    first_name: str = Field("", max_length=150, pattern=NO_NUL)
    last_name: str = Field("", max_length=150, pattern=NO_NUL)
    answers: dict[str, str] = Field(
        default_factory=dict, description="Answers to the course's questions, by question id."
    )


class AssignIn(LearnerIn):
    owner_group: int | None = Field(None, ge=1, le=2**63 - 1, description="Move it to this group.")


class EmailIn(Versioned):
    email: str = Field(max_length=254, pattern=NO_NUL)
    message: str = Field("", max_length=1000, pattern=NO_NUL)


class CorrectIn(Versioned):
    email: str = Field(max_length=254, pattern=NO_NUL)


class ReturnIn(Versioned):
    reason: str = Field(max_length=1000, pattern=NO_NUL)


class GroupIn(Versioned):
    group: int = Field(ge=1, le=2**63 - 1)


INPUTS: dict[str, type[Schema]] = {
    "assign": AssignIn,
    "email": EmailIn,
    "resend": Versioned,
    "correct": CorrectIn,
    "cancel-link": Versioned,
    "unassign": Versioned,
    "transfer": LearnerIn,
    "return": ReturnIn,
    "group": GroupIn,
}


def _form_data(body: Schema, seat) -> dict:
    data = body.model_dump(exclude_none=True)
    for question_id, answer in data.pop("answers", {}).items():
        data[f"{QUESTION}{question_id}"] = answer
    data.setdefault("version", seat.version)
    return data


def _api_field(name: str) -> str:
    return f"answers.{name.removeprefix(QUESTION)}" if name.startswith(QUESTION) else name


def take(request, action: SeatAction, seat_id: int, body: Schema) -> dict:
    user = scope.acting(request.auth)
    seat = scope.seat(request.auth, seat_id)
    form = action.form(_form_data(body, seat), seat=seat, user=user)
    if not form.is_valid():
        raise form_problem(form, fields={name: _api_field(name) for name in form.errors})
    done = action.take(form)
    return {"detail": done, "seat": seat_detail(request.auth, seat_id)}


def _endpoint(action: SeatAction, body_type: type[Schema]) -> None:
    def act(
        request,
        body: body_type,
        seat_id: int = object_id(),
        idempotency_key: str | None = idempotency_key(),
    ):
        return take(request, action, seat_id, body)

    act.__name__ = f"seat_{action.slug.replace('-', '_')}"
    act.__doc__ = action.explanation
    router.post(
        f"/seats/{{seat_id}}/{action.slug}",
        response={200: ActionDone, **WRITE_ERRORS},
        summary=action.title,
        operation_id=act.__name__,
    )(decorate_view(idempotent)(act))


for _action in AGENT_ACTIONS.values():
    _endpoint(_action, INPUTS[_action.slug])
