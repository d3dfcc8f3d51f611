"""The agent's pages, under the portal's /account/."""

from django.urls import path

from .views import agent

app_name = "joins"

urlpatterns = [
    path("join-links/", agent.link_list, name="links"),
    path("join-links/<int:link_id>/", agent.link_detail, name="link"),
    path("join-links/<int:link_id>/<slug:action>/", agent.link_action, name="link_action"),
    path("seat-requests/", agent.request_queue, name="requests"),
    path(
        "seat-requests/<int:request_id>/<slug:decision>/",
        agent.request_decide,
        name="request_decide",
    ),
    path("seat-requests/groups/<int:group_id>/domains/", agent.request_domains, name="domains"),
    path("seat-requests/groups/<int:group_id>/link/", agent.request_link, name="request_link"),
]
