"""The learner's pages: /join/… and /request-seat/…."""

from django.urls import path

from .views import learner

join_urlpatterns = [
    path("claim/<int:link_id>/", learner.join_claim, name="join_claim"),
    path("<str:token>/", learner.join, name="join"),
]

request_urlpatterns = [
    path("", learner.request_list, name="request_seat"),
    path("new/<int:group_id>/<int:product_id>/", learner.request_new, name="request_seat_new"),
    path("link/<str:token>/", learner.request_link, name="request_seat_link"),
]
