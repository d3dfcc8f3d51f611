from django.urls import path

from . import views

app_name = "shop"

urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("products/<int:product_id>/", views.product_detail, name="product"),
    path("orders/<int:order_id>/placed/", views.order_placed, name="order_placed"),
]
