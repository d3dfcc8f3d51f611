import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests import factories


@pytest.fixture
def staff_client(client, store_admin):
    """The test client signed in as a store admin (staff with model permissions, not superuser)."""
    client.force_login(store_admin)
    return client


@pytest.fixture
def viewer(db):
    """Staff who may look at everything a store admin sees, and change nothing."""
    user = factories.UserFactory(is_staff=True, email="viewer@example.com")
    user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    return user


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


def change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def changelist_url(model) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")


def action_url(obj, name: str) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_action", args=[obj.pk, name])


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]
