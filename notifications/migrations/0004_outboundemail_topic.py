"""Emails about a link name it by a topic ("redemption:<id>") instead of a foreign key to
seats.Redemption, so that the outbox knows nothing of seats. 0005 fills the topic from the key,
0006 drops the key; each in its own transaction, since PostgreSQL refuses to alter a table whose
foreign keys still have checks pending."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0003_password_emails"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboundemail",
            name="topic",
            field=models.CharField(
                blank=True,
                help_text="What the email is about, for its sender (say redemption:12); the outbox announces its delivery under it (signals).",
                max_length=100,
            ),
        ),
        migrations.AddField(
            model_name="outboundemail",
            name="unannounced",
            field=models.BooleanField(
                default=False, help_text="Sent or failed, but not yet announced under its topic."
            ),
        ),
    ]
