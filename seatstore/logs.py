"""Log lines without secrets, and JSON log lines.

Our URLs that carry a bearer secret: an emailed redemption link (``/redeem/<token>/``), a
shared join link (``/join/<token>/``) or request link (``/request-seat/link/<token>/``), a
password link (``/account/password/reset/key/<uidb36>-<token>/``, and the
``/account/password/reset/<uidb64>/<token>/`` of links emailed before), an address confirmation
link (``/account/confirm-email/<key>/``) and an alert's unsubscribe link
(``/alerts/unsubscribe/<token>/``, which can only switch that alert off). Most of their pages
swap the token for a session and redirect (the confirmation page asks to confirm first); the
unsubscribe page takes a one-click POST from mail programs at the same address. Either way the
first request line reaches every log of paths: gunicorn's access log
(``seatstore.gunicorn_conf``), Django's request warnings, runserver's request lines. ``redact``
replaces the token, in plain and in percent-encoded paths (a ``next=`` query string), wherever it
appears in a line.

JSON lines carry the message, its level and logger, the request id and any ``extra`` fields
(seat_id, action, ...) a caller attached.
"""

import json
import logging
import re

REDACTED = "[redacted]"

_SLASH = r"(?:/|%2[Ff])"
_SEGMENT = r"[^/?#&\s\"'\\%<>]+"
_SECRET_PATHS = (
    # /redeem/<token>/, but not the pages after it (/redeem/claim/<id>/, /redeem/done/<id>/).
    re.compile(rf"({_SLASH}redeem{_SLASH})(?!(?:claim|done){_SLASH})({_SEGMENT})"),
    re.compile(rf"({_SLASH}alerts{_SLASH}unsubscribe{_SLASH})({_SEGMENT})"),
    # /join/<token>/, but not the page after it (/join/claim/<id>/).
    re.compile(rf"({_SLASH}join{_SLASH})(?!claim{_SLASH})({_SEGMENT})"),
    # /request-seat/link/<token>/.
    re.compile(rf"({_SLASH}request-seat{_SLASH}link{_SLASH})({_SEGMENT})"),
    # /password/reset/<uidb64>/<token>/ and /password/reset/key/<uidb36>-<token>/ (the uid is
    # redacted with it), but not Django's /password/reset/<uidb64>/set-password/.
    re.compile(
        rf"({_SLASH}password{_SLASH}reset{_SLASH}{_SEGMENT}{_SLASH})"
        rf"(?!set-password(?:{_SLASH}|$))({_SEGMENT})"
    ),
    re.compile(rf"({_SLASH}confirm-email{_SLASH})({_SEGMENT})"),
)


def redact(text: str) -> str:
    """``text`` with the token of every secret-bearing path in it replaced."""
    for pattern in _SECRET_PATHS:
        text = pattern.sub(rf"\g<1>{REDACTED}", text)
    return text


_TRACEBACKS = logging.Formatter()


class RedactSecrets(logging.Filter):
    """Redacts a record in place before a handler writes it, so every handler after this one
    gets it clean too: the message with its arguments, and its traceback's text."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: the handler reports it, as without this filter
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        if record.exc_info:
            record.exc_text = redact(
                record.exc_text or _TRACEBACKS.formatException(record.exc_info)
            )
        return True


DJANGO_LOGGERS = {
    "django": {"handlers": [], "level": "INFO"},
    "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
}
"""``LOGGING["loggers"]``: Django's own loggers write through our console handler (request id,
redaction) instead of the handlers Django installs by default, which print request paths as they
are (runserver's request lines, and in DEBUG a second copy of every request warning) and would
email tracebacks to ADMINS past the outbox."""


_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry |= {k: v for k, v in vars(record).items() if k not in _STANDARD}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        # Extra fields too: Django attaches the request, whose text is its path.
        return redact(json.dumps(entry, default=str))
