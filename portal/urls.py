from django.urls import path

from .views import (
    alerts,
    bulk,
    dashboards,
    groups,
    history,
    learner,
    orders,
    seat_actions,
    selection,
    webhooks,
)

app_name = "portal"

urlpatterns = [
    path("", learner.home, name="home"),
    path("training/", learner.training, name="training"),
    path("alerts/", alerts.alert_preferences, name="alerts"),
    path("orders/", orders.order_list, name="orders"),
    path("orders/<int:order_id>/", orders.order_detail, name="order"),
    path("orders/<int:order_id>/seats.csv", orders.order_export, name="export"),
    path("orders/<int:order_id>/bulk/<slug:kind>/", bulk.bulk_upload, name="bulk"),
    path("orders/<int:order_id>/bulk/<slug:kind>/apply/", bulk.bulk_apply, name="bulk_apply"),
    path("orders/<int:order_id>/selection/", selection.select, name="select"),
    path("orders/<int:order_id>/selection/<str:token>/", selection.confirm, name="selection"),
    path("seats/<int:seat_id>/history/", history.seat_history, name="seat_history"),
    path("seats/<int:seat_id>/<slug:action>/", seat_actions.seat_action, name="seat_action"),
    path("orders/<int:order_id>/dashboard/", dashboards.order_dashboard, name="order_dashboard"),
    path("groups/", groups.group_list, name="groups"),
    path("groups/<int:group_id>/dashboard/", dashboards.group_dashboard, name="group_dashboard"),
    path("webhooks/", webhooks.webhook_list, name="webhooks"),
    path("webhooks/<int:endpoint_id>/", webhooks.webhook_detail, name="webhook"),
    path("webhooks/<int:endpoint_id>/test/", webhooks.webhook_test, name="webhook_test"),
    path("webhooks/<int:endpoint_id>/pause/", webhooks.webhook_pause, name="webhook_pause"),
    path("webhooks/<int:endpoint_id>/delete/", webhooks.webhook_delete, name="webhook_delete"),
]
