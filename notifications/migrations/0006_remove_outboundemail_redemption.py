"""The outbox no longer points at seats: the link is in ``topic`` (0005); the kinds are those the
apps register (``notifications.registry.choices``), no longer a list fixed here."""

import notifications.registry
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0005_topics_from_links"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="outboundemail",
            name="redemption",
        ),
        migrations.AlterField(
            model_name="outboundemail",
            name="kind",
            field=models.CharField(
                choices=notifications.registry.choices,
                help_text="One of the kinds the apps register.",
                max_length=30,
            ),
        ),
        migrations.AddIndex(
            model_name="outboundemail",
            index=models.Index(
                condition=models.Q(("topic", ""), _negated=True),
                fields=["topic"],
                name="outbox_topic_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="outboundemail",
            index=models.Index(
                condition=models.Q(("unannounced", True)),
                fields=["id"],
                name="outbox_unannounced_idx",
            ),
        ),
    ]
