from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from seats.access import access_order, orders_visible_to


@login_required
def order_list(request):
    orders = orders_visible_to(request.user).select_related("store")[:50]
    return render(request, "portal/order_list.html", {"orders": orders})


@login_required
def order_detail(request, order_id: int):
    order = access_order(request.user, order_id)
    return render(request, "portal/order_detail.html", {"order": order})


@login_required
def group_list(request):
    return render(request, "portal/order_list.html", {"orders": []})
