"""Agreements: created pending, activated and revoked through orders.agreements."""

import pytest

from core.errors import SeatActionError
from orders import agreements
from orders.models import PurchasingAgentAgreement as Agreement
from seats.models import Seat
from tests import factories
from tests.support.admin import action_url, change_url, changelist_url, messages_of
from tests.support.concurrency import race

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(store):
    return factories.AgreementFactory(store=store, status=Agreement.Status.PENDING)


def run(client, name, *agreements_):
    return client.post(
        changelist_url(Agreement),
        {"action": name, "_selected_action": [a.pk for a in agreements_]},
        follow=True,
    )


def test_create_an_agreement_in_the_admin(staff_client, store, learner):
    staff_client.post(
        changelist_url(Agreement) + "add/",
        {"user": learner.pk, "store": store.pk, "kind": "wholesale"},
    )
    created = Agreement.objects.get(user=learner)
    assert (created.status, created.kind) == (Agreement.Status.PENDING, "wholesale")


def test_activate_from_the_list(staff_client, pending):
    response = run(staff_client, "activate", pending)
    pending.refresh_from_db()
    assert pending.status == Agreement.Status.ACTIVE
    assert pending.activated_at is not None
    assert "1 purchasing agent agreement active." in messages_of(response)


def test_activate_from_the_agreement_page(staff_client, pending):
    assert "Activate" in staff_client.get(change_url(pending)).content.decode()
    staff_client.post(action_url(pending, "activate"))
    pending.refresh_from_db()
    assert pending.status == Agreement.Status.ACTIVE


def test_a_second_active_agreement_is_refused_with_a_message(staff_client, store, agent):
    second = factories.AgreementFactory(user=agent, store=store, status=Agreement.Status.PENDING)

    response = run(staff_client, "activate", second)

    second.refresh_from_db()
    assert second.status == Agreement.Status.PENDING
    assert any(
        f"{agent} already has an active purchasing agent agreement at {store}" in m
        and "revoke it before activating this one" in m
        for m in messages_of(response)
    )


def test_revoke_stops_bulk_buying_but_keeps_the_seats(staff_client, agent, order):
    assigned = factories.make_seat(Seat.Status.ASSIGNED, order=order)
    active = Agreement.objects.get(user=agent)

    response = staff_client.post(action_url(active, "revoke"), follow=True)

    active.refresh_from_db()
    assert active.status == Agreement.Status.REVOKED
    assert active.revoked_at is not None
    assert any("seats already bought are unchanged" in m for m in messages_of(response))
    assigned.refresh_from_db()
    assert assigned.status == Seat.Status.ASSIGNED
    assert order.seats.count() == 5


def test_a_revoked_agreement_is_not_reactivated(staff_client, agent):
    active = Agreement.objects.get(user=agent)
    run(staff_client, "revoke", active)

    response = run(staff_client, "activate", active)

    active.refresh_from_db()
    assert active.status == Agreement.Status.REVOKED
    assert any("add a new agreement to restore bulk purchasing" in m for m in messages_of(response))


def test_status_and_dates_are_not_editable(staff_client, pending):
    staff_client.post(
        change_url(pending),
        {"kind": "wholesale", "status": "active", "activated_at_0": "2020-01-01"},
    )
    pending.refresh_from_db()
    assert pending.status == Agreement.Status.PENDING
    assert pending.kind == "wholesale"


def test_only_a_store_admin_may_activate(pending, agent):
    with pytest.raises(SeatActionError):
        agreements.activate_agreement(agreement=pending, actor=agent)
    with pytest.raises(SeatActionError):
        agreements.revoke_agreement(agreement=pending, actor=agent)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_agreements_activated_at_once_leave_one_active():
    admin = factories.make_store_admin()
    first = factories.AgreementFactory(status=Agreement.Status.PENDING)
    second = factories.AgreementFactory(
        user=first.user, store=first.store, status=Agreement.Status.PENDING
    )

    results, refusals = race(
        [
            lambda a=a: agreements.activate_agreement(agreement=a, actor=admin)
            for a in (first, second)
        ]
    ).settled()

    assert len(results) == 1
    assert len(refusals) == 1
    assert Agreement.objects.filter(status=Agreement.Status.ACTIVE).count() == 1
