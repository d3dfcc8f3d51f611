"""Store-wide keys are made in the admin and shown once; the demo has a known key that works."""

import io
import re

from django.contrib.auth.models import Permission
from django.core.management import call_command

from api.demo import DEMO_KEY
from api.models import ApiKey
from tests.support.api import ApiClient

KEY = re.compile(r"ssk_[0-9a-f]{12}_[\w-]{43}")


def test_a_store_admin_makes_a_store_wide_key_shown_once(client, store_admin, order):
    store_admin.user_permissions.add(*Permission.objects.filter(content_type__app_label="api"))
    client.force_login(store_admin)
    response = client.post(
        "/admin/api/apikey/add/", {"user": store_admin.pk, "name": "BI export"}, follow=True
    )
    text = KEY.search(response.content.decode()).group()
    key = ApiKey.objects.get()
    assert key.store_wide and key.user == store_admin
    assert text not in client.get(f"/admin/api/apikey/{key.pk}/change/").content.decode()

    staff = ApiClient(text)
    assert [o["number"] for o in staff.get("/orders").json()["items"]] == [order.number]


def test_seed_demo_prints_a_demo_key_that_works(db):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert DEMO_KEY in out.getvalue()
    orders = ApiClient(DEMO_KEY).get("/orders").json()["items"]
    assert orders and all(o["store"] for o in orders)

    call_command("seed_demo", stdout=io.StringIO())
    assert ApiKey.objects.count() == 1
