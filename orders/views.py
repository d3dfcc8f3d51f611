from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .models import Product


@login_required
def catalog(request):
    products = Product.objects.filter(is_active=True).select_related("store")
    return render(request, "orders/catalog.html", {"products": products})
