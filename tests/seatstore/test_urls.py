"""The URLconf mounts the demo outbox only in development."""

import subprocess
import sys

import pytest
from django.contrib.staticfiles import finders

from tests import factories

pytestmark = pytest.mark.django_db


def test_demo_outbox_is_not_mounted_in_production(monkeypatch):
    factories.UserFactory()  # a database exists; the URLconf decides
    code = (
        "import django; django.setup(); from django.urls import resolve, Resolver404\n"
        "try:\n resolve('/dev/outbox/'); print('mounted')\n"
        "except Resolver404: print('absent')"
    )
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "y" * 64,
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "seatstore.settings",
    }
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.stdout.strip() == "absent", result.stderr


def test_every_page_has_the_sites_icon_even_where_it_names_none(client):
    """The portal's pages link the icon; the admin's name none, so browsers ask /favicon.ico."""
    page = client.get("/account/login/").text
    assert 'rel="icon" href="/static/favicon' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 302, "the icon's hashed name changes with it"
    assert response["Location"].startswith("/static/favicon")
    assert finders.find("favicon.svg"), "collectstatic ships it"
