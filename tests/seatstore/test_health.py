"""/health/: the database decides; a broker outage is reported but keeps the process in service."""

import pytest

from seatstore.celery import app

pytestmark = pytest.mark.django_db


def test_health_reports_database_and_broker(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "eager", "status": "ok"}


def test_health_reports_a_broker_outage_but_keeps_the_process_in_service(
    client, settings, monkeypatch
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/health/")
    assert response.status_code == 200  # a load balancer keeps sending people here
    assert response.json()["broker"].startswith("error")
    assert response.json()["database"] == "ok"
    assert response.json()["status"] == "degraded"
