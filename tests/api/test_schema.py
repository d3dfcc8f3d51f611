"""Every endpoint, tried from its OpenAPI schema with generated input (schemathesis, in-process
through WSGI): no server error, every answer matches the schema, and no answer without a key."""

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from seatstore.wsgi import application
from tests.support.api import api_client_for

# The fuzzing phase alone, a modest number of examples: the suite's budget is seconds, not minutes.
# (The coverage phase's boundary values, run once by hand while writing the API, found nothing
# these examples miss now.)
CONFIG = SchemathesisConfig.from_dict(
    {"phases": {"coverage": {"enabled": False}}, "generation": {"max-examples": 8}}
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)


@pytest.fixture(autouse=True)
def _connection_kept():
    """Served in-process, a request must not close the test's connection (and its transaction)
    when it ends; Django's own test client keeps it the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def key(agent, seats):
    """An agent with an order of seats in every state, so that ids 1-5 are mostly theirs."""
    return api_client_for(agent).key


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_schema(case, key):
    """Every default check but one: input the schema allows may still be refused by the rules
    (an address the form finds invalid, a cursor the API never gave), with a documented 4xx."""
    case.call_and_validate(
        headers={"Authorization": f"Bearer {key}"}, excluded_checks=[positive_data_acceptance]
    )


def test_the_docs_load_their_scripts_from_our_static_files(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "https://" not in page
    assert finders.find("ninja/swagger-ui-bundle.js"), "collectstatic gathers it with ours"


def test_every_post_documents_the_idempotency_key_and_its_problems(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    posts = [operation for path in paths.values() for m, operation in path.items() if m == "post"]
    assert len(posts) == 11
    for operation in posts:
        headers = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
        assert headers == ["Idempotency-Key"], operation["operationId"]
        refused = operation["responses"]["409"]["content"]
        assert list(refused) == ["application/problem+json"]
