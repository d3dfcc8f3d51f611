"""A value that must be unique and is taken already reads as a message on the admin form, never a
server error: entered twice, or by two admins at the same moment (on PostgreSQL, real threads:
both forms pass their check, and the second save is refused by the database)."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS
from django.test import Client
from django.urls import reverse

from accounts.models import User
from groups.models import GroupMembership, PurchasingGroup
from orders.models import Product, PurchasingAgentAgreement, Store
from tests import factories
from tests.support.admin import action_url, change_url
from tests.support.concurrency import while_held

NO_QUESTIONS = {
    "supplemental_questions-TOTAL_FORMS": "0",
    "supplemental_questions-INITIAL_FORMS": "0",
}
NO_AGENTS = {"memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"}


def add_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


def new_store(store=None) -> dict:
    return NO_QUESTIONS | {
        "name": "Northwind",
        "slug": "northwind",
        "sale_model": "wholesale",
        "support_email": "help@northwind.example.com",
        "currency": "USD",
        "redemption_link_lifetime_days": 30,
        "reminder_interval_days": 7,
        "max_reminders": 3,
    }


def new_product(store) -> dict:
    return NO_QUESTIONS | {
        "store": store.pk,
        "name": "Safety basics",
        "sku": "SAFE-1",
        "unit_price": "100.00",
        "campus_course_ref": "safety-basics",
        "is_active": "on",
    }


def new_group(store) -> dict:
    return NO_AGENTS | {"store": store.pk, "name": "Field team"}


def new_membership(store) -> dict:
    group = PurchasingGroup.objects.get_or_create(store=store, name="Field team")[0]
    user = User.objects.get_or_create(email="pat@example.com")[0]
    return {"group": group.pk, "user": user.pk, "role": "agent"}


AGENT_TAKEN = "Group membership with this Group and User already exists."
TOP = NON_FIELD_ERRORS  # a rule over several fields is shown above the form
ADDED_TWICE = [
    pytest.param(Store, new_store, "slug", "Store with this Slug already exists.", id="store slug"),
    pytest.param(
        Product,
        new_product,
        TOP,
        "Product with this Store and SKU already exists.",
        id="product sku",
    ),
    pytest.param(
        PurchasingGroup,
        new_group,
        TOP,
        "Purchasing group with this Store and Name already exists.",
        id="group name",
    ),
    pytest.param(
        GroupMembership,
        new_membership,
        TOP,
        AGENT_TAKEN,
        id="membership",
    ),
]


def agent_row(group, user) -> dict:
    """The group's page with one agent added in its inline."""
    return {
        "name": group.name,
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-0-user": user.pk,
        "memberships-0-role": "agent",
    }


def signed_in_admins(count: int) -> list[Client]:
    clients = []
    for _ in range(count):
        client = Client()
        client.force_login(factories.make_store_admin(is_superuser=True))
        clients.append(client)
    return clients


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "entered", "where", "taken"), ADDED_TWICE)
def test_a_value_added_twice_gets_a_message_and_changes_nothing(
    staff_client, store, model, entered, where, taken
):
    data = entered(store)
    staff_client.post(add_url(model), data)
    before = model.objects.count()

    response = staff_client.post(add_url(model), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[where] == [taken]
    assert model.objects.count() == before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("model", "entered", "where", "taken"), ADDED_TWICE)
def test_an_admin_saving_a_value_another_admin_is_saving_gets_the_form_again(
    model, entered, where, taken
):
    """The second save's check runs before the first one commits, so it passes; its insert
    waits for the first save and then is refused by the database."""
    data = entered(factories.StoreFactory())
    before = model.objects.count()
    first, second = signed_in_admins(2)

    outcome = while_held(
        lambda: first.post(add_url(model), data), lambda: second.post(add_url(model), data)
    )

    [response] = outcome.returned()
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[where] == [taken]
    assert model.objects.count() == before + 1


@pytest.mark.django_db
def test_renaming_a_group_to_a_name_taken_in_its_store_gets_a_message(staff_client, store):
    factories.PurchasingGroupFactory(store=store, name="Field team")
    group = factories.PurchasingGroupFactory(store=store, name="Office")

    response = staff_client.post(change_url(group), NO_AGENTS | {"name": "Field team"})

    assert response.status_code == 200
    assert "Purchasing group with this Store and Name already exists." in response.content.decode()
    group.refresh_from_db()
    assert group.name == "Office"


@pytest.mark.django_db
def test_adding_an_agent_the_group_has_already_gets_a_message(staff_client, group, agent):
    response = staff_client.post(change_url(group), agent_row(group, agent))

    assert response.status_code == 200
    assert AGENT_TAKEN in response.content.decode()
    assert GroupMembership.objects.filter(group=group, user=agent).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_admins_adding_one_agent_on_the_group_page_at_once_give_one_membership():
    group = factories.PurchasingGroupFactory()
    data = agent_row(group, factories.UserFactory())
    first, second = signed_in_admins(2)

    outcome = while_held(
        lambda: first.post(change_url(group), data), lambda: second.post(change_url(group), data)
    )

    [response] = outcome.returned()
    assert response.status_code == 200
    assert AGENT_TAKEN in response.content.decode()
    assert group.memberships.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_admins_activating_two_agreements_of_one_agent_at_once_leave_one_active():
    first = factories.AgreementFactory(status=PurchasingAgentAgreement.Status.PENDING)
    second = factories.AgreementFactory(
        user=first.user, store=first.store, status=PurchasingAgentAgreement.Status.PENDING
    )
    one, other = signed_in_admins(2)

    outcome = while_held(
        lambda: one.post(action_url(first, "activate")),
        lambda: other.post(action_url(second, "activate"), follow=True),
    )

    [response] = outcome.returned()
    assert response.status_code == 200
    assert "was activated at the same time; refresh the page." in response.content.decode()
    second.refresh_from_db()
    assert second.status == PurchasingAgentAgreement.Status.PENDING
    active = PurchasingAgentAgreement.objects.filter(status=PurchasingAgentAgreement.Status.ACTIVE)
    assert list(active) == [first]
