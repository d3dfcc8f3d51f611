"""The shop: the catalog, a product's checkout, and the confirmation of a placed order. Views only
translate HTTP; the rules are ``shop.checkout``'s."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from core.errors import SeatActionError
from orders import selectors
from seats.access import access_order, request_authority

from .checkout import place_order
from .forms import CheckoutForm
from .payments import method_of


@login_required
def catalog(request):
    return render(
        request,
        "shop/catalog.html",
        {
            "nav": "shop",
            "products": selectors.catalog_products(),
            "bulk_store_ids": selectors.bulk_store_ids(request.user),
        },
    )


@login_required
def product_detail(request, product_id: int):
    product = selectors.product_page(product_id)
    bulk = selectors.can_buy_in_bulk(request.user, product.store)
    data = request.POST if request.method == "POST" else None
    form = CheckoutForm(data, buyer=request.user, product=product, bulk=bulk)
    if form.is_bound and form.is_valid():
        try:
            order = place_order(buyer=request.user, product=product, **form.purchase())
        except SeatActionError as refusal:
            form.add_error(None, refusal.message)
        else:
            placed = reverse("shop:order_placed", args=[order.pk])
            return redirect(method_of(order).start(order) or placed)
    return render(
        request,
        "shop/product_detail.html",
        {"nav": "shop", "product": product, "store": product.store, "bulk": bulk, "form": form},
    )


@login_required
def order_placed(request, order_id: int):
    order = access_order(request_authority(request), order_id)
    lines = list(order.lines.select_related("product"))
    return render(
        request,
        "shop/order_placed.html",
        {
            "nav": "shop",
            "order": order,
            "store": order.store,
            "lines": lines,
            "total": sum(line.total for line in lines),
            "payment": method_of(order),
            "retail": order.is_retail,
        },
    )
