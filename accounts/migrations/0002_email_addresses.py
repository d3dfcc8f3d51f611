"""Every account gets allauth's record of its address. Nothing proved the addresses of accounts
made before (anyone could register any address), so they start unverified: the owner's next
sign-in emails a confirmation link (docs/decisions/0012)."""

from django.db import migrations

BATCH = 1000


def record_addresses(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    users = User.objects.filter(emailaddress__isnull=True).values_list("pk", "email")
    rows = [
        EmailAddress(user_id=pk, email=email.lower(), primary=True, verified=False)
        for pk, email in users.iterator()
    ]
    EmailAddress.objects.bulk_create(rows, batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(record_addresses, migrations.RunPython.noop)]
