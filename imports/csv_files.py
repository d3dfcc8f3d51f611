"""Reading the agents' CSV uploads and writing the seat export.

An upload is refused as a whole (``CsvRefused``) when it is not something we can read: too big,
too many rows, not UTF-8, not CSV, unknown columns. Problems in single rows are returned as
``RowError``s beside the rows that parsed, so the preview lists them with the service's own.
Row numbers are spreadsheet rows: the header is row 1, blank rows still count.
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from seats.models import SupplementalQuestion

from .bulk import AssignRow, RecipientRow, RowError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
# Bigger files are applied by a background job (``imports.jobs``), not the request.
BACKGROUND_AFTER_ROWS = 5000
DELIMITERS = ",;\t"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class CsvRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Parsed:
    rows: list
    errors: list[RowError]


def _column_key(header: str) -> str:
    """``First name``, ``first-name`` and ``FIRST_NAME`` are the same column."""
    return re.sub(r"[\s\-]+", "_", header.strip().casefold())


def _text(upload) -> str:
    if not upload.name.lower().endswith(".csv"):
        raise CsvRefused(
            f"“{upload.name}” is not a CSV file. Save the sheet as “CSV UTF-8” and upload that."
        )
    if upload.size > MAX_UPLOAD_BYTES:
        raise CsvRefused(
            f"The file is {upload.size / 1024 / 1024:.1f} MB; upload at most "
            f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB at a time (split it into several files)."
        )
    raw = upload.read(MAX_UPLOAD_BYTES + 1)
    if b"\x00" in raw:
        raise CsvRefused("This file is not a CSV text file (it looks like a spreadsheet).")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvRefused(
            "This file is not UTF-8 text. In your spreadsheet choose Save as → “CSV UTF-8” "
            "and upload that file."
        ) from None


def read_table(upload) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, [(row number, cells)]) of an uploaded CSV; blank rows are skipped."""
    text = _text(upload)
    first_line = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first_line.count)  # a comma when the header has one column
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, [])
        records = []
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(records) == MAX_ROWS:
                raise CsvRefused(
                    f"The file has more than {MAX_ROWS:,} rows; upload at most {MAX_ROWS:,} at a "
                    "time."
                )
            records.append((number, cells))
    except csv.Error as error:
        raise CsvRefused(f"This file is not valid CSV: {error}.") from None
    if not any(cell.strip() for cell in header):
        raise CsvRefused("The file is empty; its first row must name the columns.")
    return [cell.strip() for cell in header], records


def _columns(header: list[str], known: dict[str, str], expected: str) -> dict[int, str]:
    """{cell index: field} for the header; blank headers are ignored, unknown ones refused."""
    columns: dict[int, str] = {}
    for index, name in enumerate(header):
        if not name:
            continue
        field = known.get(_column_key(name))
        if field is None:
            raise CsvRefused(f"Unknown column “{name}”. The columns are: {expected}.")
        if field in columns.values():
            raise CsvRefused(f"The column “{name}” appears twice.")
        columns[index] = field
    if "email" not in columns.values():
        raise CsvRefused(f"The file has no “email” column. The columns are: {expected}.")
    return columns


def _records(upload, known: dict[str, str], expected: str) -> Iterator[tuple[int, dict | str]]:
    """(row number, {field: value}), or (row number, problem) for a row that has too many cells."""
    header, records = read_table(upload)
    columns = _columns(header, known, expected)
    for number, cells in records:
        extra = [cell for cell in cells[len(header) :] if cell.strip()]
        if extra:
            yield number, f"This row has {len(cells)} cells but the header names {len(header)}."
            continue
        values = {field: "" for field in columns.values()}
        values.update((columns[i], cell.strip()) for i, cell in enumerate(cells) if i in columns)
        yield number, values


def _parse(records: Iterable[tuple[int, dict | str]], build) -> Parsed:
    rows, errors = [], []
    for number, values in records:
        if isinstance(values, str):
            errors.append(RowError(number, values))
        else:
            rows.append(build(number, values))
    return Parsed(rows, errors)


def question_column(question: SupplementalQuestion) -> str:
    return f"q{question.pk}"


def assign_columns(questions: list[SupplementalQuestion]) -> list[str]:
    return ["email", "first_name", "last_name", *(question_column(q) for q in questions)]


def parse_assign(upload, questions: list[SupplementalQuestion]) -> Parsed:
    """Rows of learners: email, first_name, last_name and one column per question, headed by
    ``q<id>`` or by the question's prompt."""
    known = {"email": "email", "first_name": "first_name", "last_name": "last_name"}
    for question in questions:
        known[_column_key(question_column(question))] = question_column(question)
        known[_column_key(question.prompt)] = question_column(question)
    expected = ", ".join(assign_columns(questions))

    def build(number: int, values: dict) -> AssignRow:
        return AssignRow(
            row=number,
            email=values["email"],
            first_name=values.get("first_name", ""),
            last_name=values.get("last_name", ""),
            answers={
                str(q.pk): values[question_column(q)]
                for q in questions
                if question_column(q) in values
            },
        )

    return _parse(_records(upload, known, expected), build)


def parse_recipients(upload) -> Parsed:
    """Rows of recipients: email and an optional message."""
    known = {"email": "email", "message": "message"}

    def build(number: int, values: dict) -> RecipientRow:
        return RecipientRow(row=number, email=values["email"], message=values.get("message", ""))

    return _parse(_records(upload, known, "email, message (optional)"), build)


def neutralise(value) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe (CSV injection)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Iterable]) -> Iterator[str]:
    """Rows as CSV lines, every cell neutralised, for a streaming response."""
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow([neutralise(cell) for cell in row])
