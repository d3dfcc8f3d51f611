"""Users in the admin: added by email, listed with the groups they manage and their agreements."""

import pytest

from accounts.models import User
from orders.models import PurchasingAgentAgreement
from tests.support.admin import change_url, changelist_url

pytestmark = pytest.mark.django_db


def test_the_user_page_lists_managed_groups_and_agreements(admin_client, agent, group):
    page = admin_client.get(change_url(agent)).content.decode()
    assert "Purchasing groups managed as an agent" in page
    assert group.name in page
    assert change_url(group) in page
    agreement = PurchasingAgentAgreement.objects.get(user=agent)
    assert change_url(agreement) in page


def test_users_are_added_by_email_without_a_username(admin_client):
    response = admin_client.post(
        changelist_url(User) + "add/",
        {"email": "New.Person@Example.com", "usable_password": "false"},
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.com")
    assert not user.has_usable_password()


def test_a_duplicate_email_is_refused_whatever_its_case(admin_client, learner):
    response = admin_client.post(
        changelist_url(User) + "add/",
        {"email": "LEARNER@example.com", "usable_password": "false"},
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_the_user_list_and_search(admin_client, agent, learner):
    response = admin_client.get(changelist_url(User), {"q": "agent@"})
    assert [u.email for u in response.context["cl"].result_list] == [agent.email]
    page = response.content.decode()
    assert "column-is_staff" in page
    assert "column-is_active" in page
