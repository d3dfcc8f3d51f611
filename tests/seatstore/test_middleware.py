"""Site-wide response headers: a content security policy and a request id."""

import pytest

pytestmark = pytest.mark.django_db


def test_pages_carry_a_content_security_policy_and_a_request_id(client):
    response = client.get("/account/login/", HTTP_X_REQUEST_ID="abc-123")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Request-ID"] == "abc-123"
    assert len(client.get("/account/login/")["X-Request-ID"]) == 32
