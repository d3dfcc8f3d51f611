"""Every registered admin list and a change page of each renders, with seats in every state."""

import pytest
from django.contrib import admin

from seats.models import Seat
from tests import factories
from tests.support.admin import change_url, changelist_url


@pytest.mark.django_db
def test_every_admin_list_and_change_page_renders(admin_client, order):
    for status in Seat.Status:
        factories.make_seat(status, order=order, learner_email=f"{status}@example.com")

    for model in admin.site._registry:
        assert admin_client.get(changelist_url(model)).status_code == 200, model
        obj = model._default_manager.first()
        if obj is not None:
            assert admin_client.get(change_url(obj)).status_code == 200, obj
