"""Which emails exist. The outbox sends them but knows none of them: each app that emails
someone registers its kinds from its ``AppConfig.ready()``, with how to read what an email is
about and how to render it (``notifications.emails.Content``).

An email is rendered when it is sent, from the ids in its ``context``. A kind reads what a whole
batch of its emails is about at once (``load``), so that a worker's batch of a hundred links or a
page of the development outbox costs one query per kind, not one per email."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from .emails import Content
    from .models import OutboundEmail

Loader = Callable[[Sequence["OutboundEmail"]], Mapping[int, Any]]


@dataclass(frozen=True)
class EmailKind:
    name: str
    label: str
    load: Loader
    """What each email of a batch is about, by email id; an email whose subject is gone is left
    out, and rendering it raises ``ObjectDoesNotExist``."""
    render: Callable[[OutboundEmail, Any], Content]
    """The email's content from the email and what it is about."""
    obsolete: Callable[[Any], str] | None = None
    """Why an email of this kind should no longer go out ("" if it should): a link that died
    before its email left would only lead to a dead page. The email is then failed, not sent."""


class UnknownKind(LookupError):
    pass


_kinds: dict[str, EmailKind] = {}


def register(
    name: str,
    *,
    label: str,
    load: Loader,
    render: Callable[[OutboundEmail, Any], Content],
    obsolete: Callable[[Any], str] | None = None,
) -> None:
    kind = EmailKind(str(name), str(label), load, render, obsolete)
    if _kinds.setdefault(kind.name, kind) != kind:
        raise ImproperlyConfigured(f"Two apps register the email kind {kind.name!r}.")


def kind(name: str) -> EmailKind:
    try:
        return _kinds[name]
    except KeyError:
        raise UnknownKind(f"No app registers the email kind {name!r}.") from None


def choices() -> list[tuple[str, str]]:
    """The registered kinds, for ``OutboundEmail.kind``: labels in the admin, and the check that
    a row's kind is one some app sends."""
    return sorted((kind.name, kind.label) for kind in _kinds.values())


def by_context_id(key: str, queryset: QuerySet) -> Loader:
    """A loader for kinds whose emails name their subject by one id in their context (say
    ``{"seat_id": 12}``): one query for the batch."""

    def load(emails: Sequence[OutboundEmail]) -> dict[int, Any]:
        found = queryset.in_bulk({email.context.get(key) for email in emails} - {None})
        return {
            email.pk: found[email.context[key]]
            for email in emails
            if email.context.get(key) in found
        }

    return load
