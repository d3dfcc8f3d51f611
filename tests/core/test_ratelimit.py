"""The pages a stranger can hammer are rate limited per client."""

import pytest

pytestmark = pytest.mark.django_db


def test_sign_in_attempts_are_rate_limited_per_client(client, settings, learner):
    settings.LOGIN_RATE_LIMIT = 3
    for _ in range(3):
        response = client.post("/account/login/", {"username": learner.email, "password": "no"})
        assert response.status_code == 200
    response = client.post("/account/login/", {"username": learner.email, "password": "no"})
    assert response.status_code == 429
    assert client.get("/account/login/").status_code == 200  # reading the page stays free


def test_password_reset_requests_are_rate_limited(client, settings):
    settings.PASSWORD_RESET_RATE_LIMIT = 2
    answers = [
        client.post("/account/password/reset/", {"email": "a@example.com"}).status_code
        for _ in range(3)
    ]
    assert answers == [302, 302, 429]
