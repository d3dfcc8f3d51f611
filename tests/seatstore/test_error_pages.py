"""What a person sees when something is wrong: our frame and words, never Django's bare pages,
and never a server error for an address no one could have meant."""

import pytest
from django.template.loader import render_to_string
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/account/oidc/x%00y/login/",
        "/campus/courses/%00/enrollments/7f1c2b9e-52c8-4d1e-9f5e-0c5a4b1f2e3d/",
        "/redeem/%00/",
    ],
)
def test_a_nul_in_the_address_is_not_found(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Nothing here" in response.text


def test_someone_elses_order_is_our_not_found_page(client, agent, other_agent, order):
    client.force_login(other_agent)
    response = client.get(f"/account/orders/{order.pk}/")
    assert response.status_code == 404
    assert "belongs to someone else" in response.text
    assert '<a class="brand" href="/">Seatstore</a>' in response.text


def test_a_form_posted_without_its_token_says_nothing_was_changed(agent):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    response = client.post("/account/api/", {"name": "HR sync"})
    assert response.status_code == 403
    assert "This form has expired" in response.text
    assert "Nothing was changed" in response.text


def test_the_server_error_page_needs_nothing_but_the_template():
    """Django renders it without the request's context: the database may be what failed."""
    page = render_to_string("500.html")
    assert "Something went wrong on our side" in page
