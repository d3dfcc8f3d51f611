"""Bulk imports (``imports``): check rows as the upload preview does, start a background import
of them, and poll its progress. Nothing is applied unless every row is clean."""

from typing import Literal

from ninja import Router, Schema, Status
from ninja.decorators import decorate_view
from pydantic import Field

from imports import bulk, jobs
from imports.csv_files import MAX_ROWS
from orders.models import OrderLine
from seats.models import ImportJob

from .. import scope
from ..idempotency import idempotent
from ..schemas import ImportJobOut, RowCheck
from .common import MAX_ID, NO_NUL, READ_ERRORS, WRITE_ERRORS, idempotency_key, object_id

router = Router(tags=["imports"])


class ImportRow(Schema):
    email: str = Field(max_length=254, pattern=NO_NUL)
    first_name: str = Field("", max_length=150, pattern=NO_NUL)
    last_name: str = Field("", max_length=150, pattern=NO_NUL)
    answers: dict[str, str] = Field(
        default_factory=dict, description="`assign`: answers to the course's questions by id."
    )
    message: str = Field("", max_length=1000, pattern=NO_NUL, description="`email` only.")


class ImportIn(Schema):
    kind: Literal["assign", "email"] = Field(
        description="`assign` seats to learners, or `email` redemption links to recipients."
    )
    line: int | None = Field(
        None, ge=1, le=MAX_ID, description="The order line (course); needed when it has several."
    )
    rows: list[ImportRow] = Field(min_length=1, max_length=MAX_ROWS)


def _rows(body: ImportIn) -> list:
    """The import's rows, numbered from 1 in the order sent: problems name them so."""
    if body.kind == ImportJob.Kind.ASSIGN:
        return [
            bulk.AssignRow(n, r.email, r.first_name, r.last_name, dict(r.answers))
            for n, r in enumerate(body.rows, start=1)
        ]
    return [bulk.RecipientRow(n, r.email, r.message) for n, r in enumerate(body.rows, start=1)]


def _line(body: ImportIn) -> OrderLine | None:
    """The line asked for, as ``bulk.order_line`` finds it within the order (or says it is not
    part of it)."""
    return OrderLine(pk=body.line) if body.line else None


def _job_out(job: ImportJob) -> ImportJob:
    job.done_rows = jobs.progress_of([job]).get(job.pk) if job.is_active else None
    job.problems = job.errors
    return job


@router.post(
    "/orders/{order_id}/imports/check",
    response={200: RowCheck, **WRITE_ERRORS},
    summary="Check import rows",
)
@decorate_view(idempotent)
def check_import(
    request,
    body: ImportIn,
    order_id: int = object_id(),
    idempotency_key: str | None = idempotency_key(),
):
    """Every problem in the rows, as the upload preview lists them; changes nothing."""
    user = scope.acting(request.auth)
    order = scope.order(request.auth, order_id)
    line = bulk.order_line(order, _line(body))
    rows = _rows(body)
    problems = jobs.KINDS[body.kind].validate(order=order, actor=user, rows=rows, line=line)
    return {"rows": len(rows), "problems": problems}


@router.post(
    "/orders/{order_id}/imports",
    response={202: ImportJobOut, **WRITE_ERRORS},
    summary="Start an import",
)
@decorate_view(idempotent)
def start_import(
    request,
    body: ImportIn,
    order_id: int = object_id(),
    idempotency_key: str | None = idempotency_key(),
):
    """Checks the rows again and, if every one is clean, applies them in the background, all or
    nothing: poll `/imports/{id}`. Any problem refuses the whole import (422, every row's
    problem in `rows`)."""
    user = scope.acting(request.auth)
    order = scope.order(request.auth, order_id)
    job = jobs.start_import(
        order=order, actor=user, kind=body.kind, rows=_rows(body), line=_line(body)
    )
    return Status(202, _job_out(job))


@router.get("/imports/{job_id}", response={200: ImportJobOut, **READ_ERRORS}, summary="An import")
def get_import(request, job_id: int = object_id()):
    """The import's state: queued, running (with the rows written so far), done or failed (with
    every row's problem)."""
    return _job_out(scope.import_job(request.auth, job_id))
