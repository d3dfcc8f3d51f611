"""The CSV upload of the order page (assign seats, email links) fed random and hostile files:
never a server error, and a file is applied whole or not at all."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import event, example, given
from hypothesis import strategies as st

from imports import csv_files
from notifications.models import OutboundEmail
from seats.models import Seat, SeatEvent
from tests import factories
from tests.reliability.inputs import (
    HOSTILE,
    fuzz,
    hostile_text,
    message_levels,
    rolled_back,
    seats_by_status,
    simple_email,
    state,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

SEATS = 6
COLUMNS = {"assign": ["email", "first_name", "last_name"], "email": ["email", "message"]}
MOVES_TO = {"assign": Seat.Status.ASSIGNED, "email": Seat.Status.AWAITING}
TOO_LONG_FOR_CSV = "x" * (csv.field_size_limit() + 1)


@pytest.fixture
def order(agent, group):
    order = factories.make_order(seats=SEATS, buyer=agent, group=group)
    factories.make_seat(Seat.Status.ASSIGNED, order=order, learner_email="taken@example.com")
    return order


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def write(draw, table: list[list[str]], *, delimiters: str, by_hand: bool) -> str:
    """The table as a spreadsheet would save it, or (``by_hand``) maybe joined by hand, unquoted
    and so maybe invalid."""
    delimiter = draw(st.sampled_from(delimiters))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    if not by_hand or draw(st.booleans()):
        buffer = io.StringIO()
        quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
        csv.writer(buffer, delimiter=delimiter, lineterminator=newline, quoting=quoting).writerows(
            table
        )
        text = buffer.getvalue()
    else:
        text = newline.join(delimiter.join(row) for row in table)
    return ("\ufeff" if draw(st.booleans()) else "") + text


@st.composite
def plausible_files(draw, kind: str) -> tuple[str, bytes]:
    """A file an agent might really upload: the right columns, one address per row, hostile
    text in the other cells; often applied."""
    header = draw(st.permutations(COLUMNS[kind]))
    emails = draw(st.lists(simple_email, min_size=1, max_size=SEATS - 1, unique_by=str.lower))
    emails += draw(st.sampled_from([[], [], [], ["taken@example.com"], ["x@example.com"] * 2]))
    text = hostile_text.map(lambda value: value.replace("\x00", ""))
    rows = [[email if column == "email" else draw(text) for column in header] for email in emails]
    return "people.csv", write(draw, [header, *rows], delimiters=",;\t", by_hand=False).encode()


@st.composite
def hostile_files(draw, kind: str) -> tuple[str, bytes]:
    """(file name, bytes): a table of hostile cells under a maybe wrong header, in some encoding,
    with hostile bytes spliced in somewhere."""
    columns = COLUMNS[kind]
    header = draw(
        st.one_of(
            st.permutations(columns),
            st.lists(st.sampled_from([*columns, "Email", "E-Mail", "bogus", "", "q1"]), max_size=4),
            st.lists(hostile_text, max_size=3),
        )
    )
    cell = st.one_of(simple_email, hostile_text, st.just(TOO_LONG_FOR_CSV))
    rows = draw(st.lists(st.lists(cell, max_size=len(header) + 1), max_size=SEATS + 2))
    text = write(draw, [header, *rows], delimiters=",;\t|", by_hand=True)
    encoding = draw(st.sampled_from(["utf-8", "latin-1", "cp1252", "utf-16"]))
    data = text.encode(encoding, errors="replace")
    splice = draw(st.sampled_from([b"", b"\x00", b"\xff\xfe", b"\xe9", b"\xc3", b"\r", b'"']))
    at = draw(st.integers(0, len(data)))
    name = draw(st.sampled_from(["people.csv", "PEOPLE.CSV", "people.xlsx", "../../x.csv", "-"]))
    return name, data[:at] + splice + data[at:]


def upload_then_apply(agent, order, kind: str, name: str, data: bytes) -> None:
    """Upload a file; if the preview accepts it, apply it. Either every row of the file moved a
    seat, with its event and email, or nothing at all changed."""
    client = Client()  # no cookie (nor the messages it carries) from an earlier example
    client.force_login(agent)
    before, counts = state(), seats_by_status()
    upload = SimpleUploadedFile(name, data, content_type="text/csv")
    preview = client.post(reverse("portal:bulk", args=[order.pk, kind]), {"file": upload})
    assert preview.status_code == 200
    token = preview.context.get("token")
    applied = None
    if token:
        applied = client.post(reverse("portal:bulk_apply", args=[order.pk, kind]), {"token": token})
        assert applied.status_code in (200, 302)
    if applied is not None and "success" in message_levels(applied):
        event("applied")
        rows = preview.context["row_count"]
        after = seats_by_status()
        assert after.get(Seat.Status.AVAILABLE, 0) == counts[Seat.Status.AVAILABLE] - rows
        assert after.get(MOVES_TO[kind], 0) == counts.get(MOVES_TO[kind], 0) + rows
        assert SeatEvent.objects.count() == before["events"] + rows
        assert OutboundEmail.objects.count() == before["emails"] + rows
    else:
        event("refused at the preview" if applied is None else "refused at the apply")
        assert state() == before


@pytest.mark.parametrize("kind", ["assign", "email"])
@fuzz
@given(data=st.data())
def test_fuzzed_csv_uploads_never_fail_and_apply_all_or_nothing(agent, order, kind, data):
    name, content = data.draw(st.one_of(plausible_files(kind), hostile_files(kind)))
    with rolled_back():
        upload_then_apply(agent, order, kind, name, content)


@pytest.mark.parametrize("kind", ["assign", "email"])
@fuzz
@given(content=st.binary(max_size=4000))
@example(content=b"")
@example(content=b"\xef\xbb\xbf")
@example(content=b"email\r\n\x00\r\n")
@example(content="email\n\ufeffa@example.com\n".encode())
@example(content=b'email\n"a@example.com\n')
def test_random_bytes_uploads_never_fail_and_change_nothing(agent, order, kind, content):
    with rolled_back():
        upload_then_apply(agent, order, kind, "people.csv", content)


def refused(response) -> bool:
    """The preview refused the file: it lists a problem and offers nothing to apply."""
    problems = response.context.get("errors") or response.context["form"].errors
    return response.status_code == 200 and bool(problems) and not response.context.get("token")


MAX_BYTES = csv_files.MAX_UPLOAD_BYTES
TEN_MB = min(10 * 1024 * 1024, MAX_BYTES)  # 10 MB, or as much as may be uploaded
ROW = b"a@example.com\n"
BIG_FILES = {
    "rows past the size limit": lambda: b"email\n" + ROW * (MAX_BYTES // len(ROW) + 1),
    "ten megabytes of rows": lambda: b"email\n" + ROW * (TEN_MB // len(ROW) - 1),
    "one ten-megabyte cell": lambda: b"email\n" + b"a" * (TEN_MB - 7) + b"\n",
}


@pytest.mark.parametrize("kind", ["assign", "email"])
@pytest.mark.parametrize("content", BIG_FILES.values(), ids=BIG_FILES.keys())
def test_ten_megabyte_uploads_are_refused_and_change_nothing(agent_client, order, kind, content):
    before = state()
    upload = SimpleUploadedFile("big.csv", content(), content_type="text/csv")
    response = agent_client.post(reverse("portal:bulk", args=[order.pk, kind]), {"file": upload})
    assert refused(response)
    assert state() == before


@pytest.mark.parametrize("kind", ["assign", "email"])
def test_5001_rows_are_refused_and_change_nothing(agent_client, order, kind):
    """More rows than the order has seats (and than a file may have, where the limit is 5,000)."""
    before = state()
    content = "email\n" + "".join(f"p{n}@example.com\n" for n in range(5001))
    upload = SimpleUploadedFile("many.csv", content.encode(), content_type="text/csv")
    response = agent_client.post(reverse("portal:bulk", args=[order.pk, kind]), {"file": upload})
    assert refused(response)
    assert state() == before


def test_formula_cells_are_imported_as_text_and_exported_neutralised(agent_client, order):
    formulas = [cell for cell in HOSTILE if cell[:1] in ("=", "+", "-", "@")][: SEATS - 1]
    table = io.StringIO()
    csv.writer(table).writerows(
        [["email", "first_name"], *([f"p{n}@example.com", cell] for n, cell in enumerate(formulas))]
    )
    upload = SimpleUploadedFile("people.csv", table.getvalue().encode(), content_type="text/csv")
    preview = agent_client.post(reverse("portal:bulk", args=[order.pk, "assign"]), {"file": upload})
    assert preview.context["errors"] == []
    applied = agent_client.post(
        reverse("portal:bulk_apply", args=[order.pk, "assign"]), {"token": preview.context["token"]}
    )
    assert "success" in message_levels(applied)

    export = agent_client.get(reverse("portal:export", args=[order.pk]))
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    names = {row[4]: row[5] for row in csv.reader(io.StringIO(text))}
    for n, cell in enumerate(formulas):
        assert names[f"p{n}@example.com"] == f"'{cell}"
