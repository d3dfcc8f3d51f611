"""Errors as RFC 9457 problem details (``application/problem+json``), in the words the pages use:
a refusal is the service's ``SeatActionError`` message, a field error the form's."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpResponse, JsonResponse
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from core.errors import SeatActionError
from imports.bulk import BulkRefused

MEDIA_TYPE = "application/problem+json"
TYPES = "urn:seatstore:problem:"


class FieldProblem(Schema):
    field: str
    message: str


class RowProblem(Schema):
    row: int | None
    message: str


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] = []
    rows: list[RowProblem] = []


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__("Too many requests")
        self.retry_after = retry_after


class InvalidInput(Exception):
    """Input a form refused: its field errors, as the page shows them beside the fields."""

    def __init__(self, errors: list[tuple[str, str]], detail: str = ""):
        super().__init__(detail)
        self.errors, self.detail = errors, detail


def problem(status: int, kind: str, title: str, detail: str, *, errors=(), rows=()) -> HttpResponse:
    body = Problem(
        type=TYPES + kind,
        title=title,
        status=status,
        detail=detail,
        errors=[FieldProblem(field=f, message=m) for f, m in errors],
        rows=[RowProblem(row=r, message=m) for r, m in rows],
    )
    return JsonResponse(body.model_dump(), status=status, content_type=MEDIA_TYPE)


def form_problem(form, *, fields: dict[str, str] | None = None) -> InvalidInput:
    """A refused form as ``InvalidInput``; ``fields`` renames form fields to the API's names."""
    fields = fields or {}
    errors = [
        (fields.get(name, name), str(message))
        for name, messages in form.errors.items()
        if name != "__all__"
        for message in messages
    ]
    general = form.non_field_errors()
    return InvalidInput(errors, detail=general[0] if general else "Some fields need correcting.")


def _validation(request, exc: ValidationError):
    errors = [
        (".".join(str(part) for part in error["loc"][1:]) or error["loc"][0], error["msg"])
        for error in exc.errors
    ]
    return problem(422, "invalid", "Invalid input", "Some fields need correcting.", errors=errors)


def _invalid(request, exc: InvalidInput):
    return problem(422, "invalid", "Invalid input", exc.detail, errors=exc.errors)


def _bulk_refused(request, exc: BulkRefused):
    rows = [(error.row, error.message) for error in exc.errors]
    return problem(422, "rows-refused", "Rows refused", exc.message, rows=rows)


def _refused(request, exc: SeatActionError):
    return problem(409, "refused", "Refused", exc.message)


def _not_found(request, exc: Http404):
    return problem(404, "not-found", "Not found", "Nothing here, or nothing you may see.")


def _unauthorized(request, exc: AuthenticationError):
    response = problem(
        401, "unauthorized", "Unauthorized", "Send a live API key: Authorization: Bearer <key>."
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


def _rate_limited(request, exc: RateLimited):
    response = problem(
        429,
        "rate-limited",
        "Too many requests",
        f"This key sent too many requests; try again in {exc.retry_after} seconds.",
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


def _too_big(request, exc: RequestDataTooBig):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 2**20
    return problem(
        413,
        "too-big",
        "Request body too large",
        f"A request body may be {limit} MB at the most; send a big import in several parts.",
    )


def _http_error(request, exc: HttpError):
    return problem(exc.status_code, "http", str(exc), str(exc))


def install(api) -> None:
    """Answer every error of ``api`` as a problem."""
    for exception, handler in (
        (ValidationError, _validation),
        (InvalidInput, _invalid),
        (BulkRefused, _bulk_refused),
        (SeatActionError, _refused),
        (Http404, _not_found),
        (AuthenticationError, _unauthorized),
        (RateLimited, _rate_limited),
        (RequestDataTooBig, _too_big),
        (HttpError, _http_error),
    ):
        api.add_exception_handler(exception, handler)
