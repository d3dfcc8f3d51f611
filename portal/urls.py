from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("orders/", views.order_list, name="orders"),
    path("orders/<int:order_id>/", views.order_detail, name="order"),
    path("groups/", views.group_list, name="groups"),
]
