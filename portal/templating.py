"""The Jinja2 environment of the order page's content and its seat rows: Django's engine spent
about half of the page's time drawing them, Jinja2 compiles a template to Python once. The
filters are the portal's and Django's template filters, taking times in the current time zone
as Django's do; ``url`` and ``querystring`` are Django's tags of those names."""

from types import SimpleNamespace

from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import pluralize
from django.template.defaulttags import querystring as django_querystring
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import template_localtime
from jinja2 import Environment, StrictUndefined, pass_context

from .templatetags import portal as tags


def date(value, format_string: str) -> str:
    """Django's ``date`` filter: the value in the current time zone, in ``format_string``."""
    return date_format(template_localtime(value), format_string) if value else ""


def timestamp(value, format_string: str) -> str:
    return tags.timestamp(template_localtime(value), format_string)


def url(name: str, *args) -> str:
    """Django's ``{% url %}``."""
    return reverse(name, args=args)


RETURN_ACTIONS = ("request_return", "approve_return", "deny_return")


def return_news(seat):
    """The seat's last event when it is a return being requested or decided, so the agent sees
    the store's decision (and its note) on the seat's row until something else happens to it."""
    last = seat.last_events[0] if seat.last_events else None
    return last if last and last.action in RETURN_ACTIONS else None


@pass_context
def querystring(context, **changes) -> str:
    """Django's ``{% querystring %}``: the request's query string with ``changes`` made."""
    return django_querystring(SimpleNamespace(request=context["request"]), **changes)


def environment(**options) -> Environment:
    """Auto-escaping, and strict: a misspelt name fails the tests instead of printing nothing."""
    for ours in ("autoescape", "undefined"):
        options.pop(ours, None)
    env = Environment(**options, autoescape=True, undefined=StrictUndefined)
    env.filters.update(
        date=date,
        timestamp=timestamp,
        event_summary=tags.event_summary,
        return_news=return_news,
        intcomma=intcomma,
        pluralize=pluralize,
        page_numbers=tags.page_numbers,
    )
    env.globals.update(url=url, querystring=querystring)
    return env
