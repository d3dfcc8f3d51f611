"""The outbox's link to seats moved from a foreign key to a topic: every email keeps its link,
whichever way the migration runs."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from notifications.models import OutboundEmail
from seats import services

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("notifications", "0003_password_emails")


def _migrate(target=None):
    """Migrate the outbox to ``target`` (its newest migration by default); the models then."""
    executor = MigrationExecutor(connection)
    targets = [target] if target else executor.loader.graph.leaf_nodes("notifications")
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_each_emails_link_becomes_its_topic_and_back(order, agent):
    link = services.email_redemption(seat=order.seats.first(), actor=agent, email="r@example.com")
    try:
        OldEmail = _migrate(BEFORE).get_model("notifications", "OutboundEmail")
        assert OldEmail.objects.get().redemption_id == link.pk
        OldEmail.objects.create(
            kind="redemption_reminder",
            to_email="r@example.com",
            context={"redemption_id": link.pk},
            redemption_id=link.pk,
        )
        OldEmail.objects.create(kind="assignment_notice", to_email="a@example.com")
    finally:
        _migrate()

    assert sorted(OutboundEmail.objects.values_list("kind", "topic")) == [
        ("assignment_notice", ""),
        ("redemption_link", f"redemption:{link.pk}"),
        ("redemption_reminder", f"redemption:{link.pk}"),
    ]
