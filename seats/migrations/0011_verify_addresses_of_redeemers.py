"""Accounts made before verified addresses existed start unverified (accounts/0002), except where
the account redeemed a redemption link emailed to its own address: that link proved the address
as well as a confirmation email would, so their owners are not asked to confirm it again."""

from django.db import migrations
from django.db.models import Exists, OuterRef


def verify_redeemers(apps, schema_editor):
    EmailAddress = apps.get_model("account", "EmailAddress")
    Redemption = apps.get_model("seats", "Redemption")
    redeemed_at_the_address = Redemption.objects.filter(
        redeemed_by_id=OuterRef("user_id"), recipient_email__iexact=OuterRef("email")
    )
    EmailAddress.objects.filter(verified=False).filter(Exists(redeemed_at_the_address)).update(
        verified=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("seats", "0010_seatevent_bounce_and_validity_actions"),
        ("accounts", "0002_email_addresses"),
    ]

    operations = [migrations.RunPython(verify_redeemers, migrations.RunPython.noop)]
