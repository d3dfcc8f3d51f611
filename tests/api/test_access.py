"""Another organization's ids answer 404 on every endpoint, as on the pages; without a live key
nothing answers but 401."""

import pytest

from imports import jobs
from imports.bulk import AssignRow
from seats.actions import AGENT_ACTIONS
from tests import factories
from tests.support.api import ApiClient, api_client_for

ASSIGN = {"kind": "assign", "rows": [{"email": "new@example.com"}]}
ANY_ACTION = {"email": "a@example.com", "reason": "Left", "group": 1}  # valid for every action


@pytest.fixture
def foreign(order, agent, seats):
    """Ids of the agent's organization, which a stranger must not reach."""
    job = jobs.start_import(
        order=order, actor=agent, kind="assign", rows=[AssignRow(2, "x@example.com")], enqueue=False
    )
    return {"order": order.pk, "seat": seats["available"].pk, "job": job.pk}


def endpoints(ids: dict) -> list[tuple[str, str, dict | None]]:
    seat, order = ids["seat"], ids["order"]
    return [
        ("get", f"/orders/{order}", None),
        ("get", f"/seats/{seat}", None),
        ("get", "/seats", {"order": order}),
        ("get", "/redemptions", {"seat": seat}),
        ("get", f"/imports/{ids['job']}", None),
        ("post", f"/orders/{order}/imports/check", ASSIGN),
        ("post", f"/orders/{order}/imports", ASSIGN),
        *[("post", f"/seats/{seat}/{slug}", ANY_ACTION) for slug in AGENT_ACTIONS],
    ]


def _call(api, method, path, data):
    return api.get(path, data) if method == "get" else api.post(path, data)


def test_another_organizations_ids_answer_404(stranger_api, foreign):
    for method, path, data in endpoints(foreign):
        response = _call(stranger_api, method, path, data)
        assert response.status_code == 404, (method, path, response.content)
        assert response.json()["status"] == 404


def test_lists_hold_nothing_of_another_organization(stranger_api, foreign, group, other_agent):
    for path in ("/orders", "/seats", "/redemptions", "/events"):
        assert stranger_api.get(path).json()["items"] == [], path
    groups = [g["id"] for g in stranger_api.get("/groups").json()["items"]]
    assert groups == [other_agent.purchasing_groups.get().pk]


def test_the_owner_reaches_the_same_ids(api, foreign):
    for method, path, data in endpoints(foreign)[:5]:
        assert _call(api, method, path, data).status_code == 200, path


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Bearer ssk_abc_def", "Basic eDp5"])
def test_without_a_live_key_every_endpoint_answers_401(foreign, header):
    client = ApiClient(None)
    for method, path, data in endpoints(foreign):
        headers = {"Authorization": header} if header else {}
        response = (
            client.get(path, data, headers=headers)
            if method == "get"
            else client.post(path, data, headers=headers)
        )
        assert response.status_code == 401, (path, header)
        assert response["WWW-Authenticate"] == "Bearer"


def test_a_store_wide_key_reads_every_store(store_admin, foreign, other_agent):
    factories.make_order(seats=2, buyer=other_agent, group=other_agent.purchasing_groups.get())
    staff = api_client_for(store_admin, store_wide=True)
    assert len(staff.get("/orders").json()["items"]) == 2
    assert staff.get(f"/seats/{foreign['seat']}").status_code == 200


def test_a_store_wide_key_dies_with_its_users_staff_rights(store_admin, foreign):
    staff = api_client_for(store_admin, store_wide=True)
    store_admin.is_staff = False
    store_admin.save()
    assert staff.get("/orders").status_code == 401
