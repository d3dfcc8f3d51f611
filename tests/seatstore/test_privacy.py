"""Pages with learners' personal data are kept by no cache."""

from django.urls import reverse


def test_the_order_page_and_the_export_are_not_cached(agent_client, order):
    for name in ("portal:order", "portal:export"):
        response = agent_client.get(reverse(name, args=[order.pk]))
        assert response.status_code == 200
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives, name
