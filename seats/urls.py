from django.urls import path

from . import views

urlpatterns = [
    path("claim/<int:redemption_id>/", views.claim, name="redeem_claim"),
    path("done/<int:seat_id>/", views.redeemed, name="redeem_done"),
    path("<str:token>/", views.redeem, name="redeem"),
]
