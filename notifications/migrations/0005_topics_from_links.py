"""Fills each email's topic from its foreign key to the link (and back)."""

from django.db import migrations, models
from django.db.models import Value
from django.db.models.functions import Cast, Concat

LINK = "redemption:"


def topics_from_links(apps, schema_editor):
    OutboundEmail = apps.get_model("notifications", "OutboundEmail")
    OutboundEmail.objects.filter(redemption__isnull=False).update(
        topic=Concat(Value(LINK), Cast("redemption_id", models.CharField()))
    )


def links_from_topics(apps, schema_editor):
    OutboundEmail = apps.get_model("notifications", "OutboundEmail")
    Redemption = apps.get_model("seats", "Redemption")
    emails = OutboundEmail.objects.filter(topic__startswith=LINK).only("pk", "topic")
    link_of = {email.pk: int(email.topic.removeprefix(LINK)) for email in emails.iterator()}
    kept = set(Redemption.objects.filter(pk__in=set(link_of.values())).values_list("pk", flat=True))
    OutboundEmail.objects.bulk_update(
        [OutboundEmail(pk=pk, redemption_id=link) for pk, link in link_of.items() if link in kept],
        ["redemption"],
        batch_size=1000,
    )


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0004_outboundemail_topic"),
        ("seats", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(topics_from_links, links_from_topics),
    ]
