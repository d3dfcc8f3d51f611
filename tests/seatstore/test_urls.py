"""The URLconf mounts the demo outbox only in development."""

import subprocess
import sys

import pytest

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
