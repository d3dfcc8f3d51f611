"""Small presentation helpers of the portal's templates."""

from django import template

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
)


@register.filter
def event_summary(event) -> str:
    """“to jane@example.com · reason: left the company”, from an event's details."""
    details = event.details or {}
    parts = [text.format(details[key]) for key, text in EVENT_DETAILS if details.get(key)]
    if details.get("bulk"):
        parts.append("from a CSV file")
    return " · ".join(parts)
