"""Read queries the shop's pages and rules share."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from groups.models import GroupMembership, PurchasingGroup

from .models import Product, PurchasingAgentAgreement, Store


def catalog_products() -> QuerySet[Product]:
    """Every store's active products, ordered so that a page can group them by store."""
    return (
        Product.objects.filter(is_active=True)
        .select_related("store")
        .order_by("store__name", "store_id", "name", "id")
    )


def product_page(product_id: int) -> Product:
    """A product by its URL id, inactive ones included: its page says it is no longer sold
    rather than answering 404 to someone who followed an old link."""
    return get_object_or_404(Product.objects.select_related("store"), pk=product_id)


def bulk_store_ids(user: User) -> set[int]:
    """The wholesale stores where the user holds an active agreement, i.e. may buy in bulk.
    A pending or revoked agreement is no agreement."""
    return set(
        PurchasingAgentAgreement.objects.filter(
            user_id=user.pk,
            status=PurchasingAgentAgreement.Status.ACTIVE,
            store__sale_model=Store.SaleModel.WHOLESALE,
        ).values_list("store_id", flat=True)
    )


def can_buy_in_bulk(user: User, store: Store) -> bool:
    return store.is_wholesale and store.pk in bulk_store_ids(user)


def purchasing_groups(user: User, store: Store) -> QuerySet[PurchasingGroup]:
    """The store's groups the user is an agent of: the groups they may buy seats for."""
    return PurchasingGroup.objects.filter(
        store=store, memberships__user_id=user.pk, memberships__role=GroupMembership.Role.AGENT
    )
