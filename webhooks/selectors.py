"""The reads the webhook pages share, scoped to who looks."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Delivery, Endpoint


def endpoints_of(user) -> QuerySet[Endpoint]:
    """An agent's own endpoints; a store's are the admin's."""
    if not user.is_authenticated:
        return Endpoint.objects.none()
    return Endpoint.objects.filter(owner_id=user.pk)


def access_endpoint(user, endpoint_id) -> Endpoint:
    """The user's endpoint; 404 for a missing and another's alike."""
    return get_object_or_404(endpoints_of(user), pk=endpoint_id)


def delivery_log(endpoint: Endpoint) -> QuerySet[Delivery]:
    return endpoint.deliveries.only(
        "pk",
        "endpoint_id",
        "message_id",
        "event_type",
        "status",
        "attempts",
        "last_status_code",
        "last_error",
        "created_at",
        "delivered_at",
        "next_attempt_at",
    ).order_by("-created_at", "-id")
