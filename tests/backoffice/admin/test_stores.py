"""Stores with their policies and store-wide questions; products with their own questions."""

import pytest

from orders.models import Product, Store
from seats.models import SupplementalQuestion
from tests import factories
from tests.support.admin import change_url, changelist_url

pytestmark = pytest.mark.django_db

QUESTIONS = "supplemental_questions"


def inline(prefix: str, **first_row) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0"}
    data.update({f"{prefix}-0-{name}": value for name, value in first_row.items()})
    return data


def store_form(store: Store, **changes) -> dict:
    fields = {
        "name": store.name,
        "slug": store.slug,
        "sale_model": store.sale_model,
        "support_email": store.support_email,
        "currency": store.currency,
        "redemption_link_lifetime_days": store.redemption_link_lifetime_days,
        "reminder_interval_days": store.reminder_interval_days,
        "max_reminders": store.max_reminders,
        "returns_allowed": "on",
        "require_matching_redeemer_email": "on",
    }
    return {**fields, **changes}


def test_the_store_page_groups_its_policies(staff_client, store):
    page = staff_client.get(change_url(store)).content.decode()
    for heading in ("Returns", "Purchasing", "Redemption links", "Store-wide supplemental"):
        assert heading in page
    for field in (
        "purchase_without_group_allowed",
        "block_purchase_when_enrolled",
        "allow_repurchase_after_failed",
        "allow_repurchase_after_passed",
        "require_matching_redeemer_email",
        "reminder_interval_days",
    ):
        assert f'name="{field}"' in page


def test_change_policies_and_add_a_store_wide_question(staff_client, store):
    response = staff_client.post(
        change_url(store),
        {
            **store_form(
                store, purchase_without_group_allowed="on", redemption_link_lifetime_days=14
            ),
            **inline(QUESTIONS, prompt="Employee ID", required="on", position="0", is_active="on"),
        },
    )
    assert response.status_code == 302
    store.refresh_from_db()
    assert store.purchase_without_group_allowed
    assert not store.block_purchase_when_enrolled
    assert store.redemption_link_lifetime_days == 14
    question = SupplementalQuestion.objects.get()
    assert (question.store, question.product) == (store, None)


def test_a_product_question_belongs_to_the_product_and_its_store(staff_client, store):
    product = factories.ProductFactory(store=store)
    store_wide = factories.QuestionFactory(store=store, prompt="Employee ID")
    page = staff_client.get(change_url(product)).content.decode()
    assert "Product-specific supplemental questions" in page
    assert store_wide.prompt not in page

    response = staff_client.post(
        change_url(product),
        {
            "store": store.pk,
            "name": product.name,
            "sku": product.sku,
            "unit_price": "99.00",
            "campus_course_ref": product.campus_course_ref,
            "is_active": "on",
            **inline(QUESTIONS, prompt="Site", choices="Leeds\nBristol", position="1"),
        },
    )

    assert response.status_code == 302
    question = SupplementalQuestion.objects.get(prompt="Site")
    assert (question.store, question.product) == (store, product)


def test_products_list_filter_and_search(staff_client, store):
    factories.ProductFactory(store=store, name="Fire Safety", sku="FS-1")
    factories.ProductFactory(store=store, name="First Aid", sku="FA-1", is_active=False)
    url = changelist_url(Product)
    assert [p.sku for p in staff_client.get(url, {"q": "FA-1"}).context["cl"].result_list] == [
        "FA-1"
    ]
    inactive = staff_client.get(url, {"is_active__exact": "0"}).context["cl"].result_list
    assert [p.name for p in inactive] == ["First Aid"]
