"""Accounts made before verified addresses existed: the ones that redeemed a link emailed to their
own address are not asked to confirm it again; everyone else confirms at the next sign-in."""

from importlib import import_module

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.utils import timezone

from seats import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

migration = import_module("seats.migrations.0011_verify_addresses_of_redeemers")


def _redeemed(seat, agent, *, sent_to: str, by) -> None:
    link = services.email_redemption(seat=seat, actor=agent, email=sent_to)
    type(link).objects.filter(pk=link.pk).update(redeemed_by=by, redeemed_at=timezone.now())


def test_only_those_who_redeemed_a_link_to_their_own_address_count_as_verified(order, agent):
    redeemer = UserFactory(email="ada@example.com", verified=False)
    stranger = UserFactory(email="bob@example.com", verified=False)
    UserFactory(email="cy@example.com", verified=False)  # never redeemed anything
    first, second = order.seats.order_by("pk")[:2]
    _redeemed(first, agent, sent_to="Ada@Example.com", by=redeemer)
    _redeemed(second, agent, sent_to="someone-else@example.com", by=stranger)

    migration.verify_redeemers(apps, schema_editor=None)

    verified = dict(EmailAddress.objects.values_list("email", "verified"))
    assert verified["ada@example.com"] is True
    assert verified["bob@example.com"] is False
    assert verified["cy@example.com"] is False
