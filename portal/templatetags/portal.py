"""Small presentation helpers of the portal's templates."""

from django import template
from django.template import engines
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# The details a service records on a SeatEvent, in the words the history shows them with.
EVENT_DETAILS = (
    ("learner", "learner {}"),
    ("from_learner", "from {}"),
    ("to_learner", "to {}"),
    ("recipient", "to {}"),
    ("reason", "reason: {}"),
    ("note", "note: {}"),
    ("from_group", "from {}"),
    ("to_group", "to {}"),
    ("refund", "refund {}"),
    ("amount", "refund {}"),
    ("reminder", "reminder {}"),
    ("progress", "{}"),
    ("valid_until", "unused seats valid until {:.10}"),
)


@register.filter
def event_summary(event) -> str:
    """“to jane@example.com · reason: left the company”, from an event's details."""
    details = event.details or {}
    parts = [text.format(details[key]) for key, text in EVENT_DETAILS if details.get(key)]
    if details.get("bulk"):
        parts.append("from a CSV file")
    return " · ".join(parts)


@register.filter(expects_localtime=True)
def timestamp(value, format_string: str) -> str:
    """``<time datetime="ISO 8601">value in format_string</time>``, formatting the date once
    where a pair of ``date`` filters did it twice: the history's times were a quarter of the order
    page's rendering."""
    return format_html(
        '<time datetime="{}">{}</time>', value.isoformat(), date_format(value, format_string)
    )


def page_numbers(page) -> list[int | None]:
    """The page numbers a pagination links to around ``page``: the first and last, two on each
    side of the current one, and ``None`` for each run of pages left out. No query: the
    paginator already knows its count."""
    return [
        number if isinstance(number, int) else None
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]


@register.inclusion_tag("portal/includes/chart.html")
def chart(chart):
    """Draw a ``portal.charts.Chart`` as inline SVG."""
    return {"chart": chart}


@register.simple_tag(takes_context=True)
def jinja(context, template_name: str, **values) -> SafeString:
    """Draw part of a page with a Jinja2 template (``<app>/jinja2/``) from the page's context
    and ``values``: the order page's content took Django's engine several times as long, and
    what it shares with other pages (the pagination) is drawn alike there. Jinja2 escapes what
    it prints."""
    template = engines["jinja2"].get_template(template_name)
    html = template.render(context.flatten() | values, request=context.get("request"))
    return mark_safe(html)  # noqa: S308 -- HTML that Jinja2 built, escaping every value
