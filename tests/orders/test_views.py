"""The shop's pages: catalog, checkout form, confirmation."""

import pytest
from django.urls import reverse

from orders.models import Order
from seats.models import Enrollment, Seat
from tests import factories

from .helpers import counts, enroll, nothing_created, pay

CATALOG = reverse("shop:catalog")


def product_url(product):
    return reverse("shop:product", args=[product.pk])


@pytest.mark.parametrize(
    "url",
    [
        CATALOG,
        reverse("shop:product", args=[1]),
        reverse("shop:order_placed", args=[1]),
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={url}"


class TestCatalog:
    def test_lists_active_products_grouped_by_store(self, client, agent, product):
        other = factories.ProductFactory(name="Ladder Safety")
        retired = factories.ProductFactory(
            store=product.store, name="Retired Course", is_active=False
        )
        client.force_login(agent)

        response = client.get(CATALOG)

        html = response.content.decode()
        assert response.status_code == 200
        assert response.context["nav"] == "shop"
        assert product.name in html and other.name in html
        assert retired.name not in html
        assert html.count('class="shop-store"') == 2
        assert product_url(product) in html
        assert "Bulk purchasing" in html  # the agent's store
        assert "One seat, for you" in html  # the other store

    def test_query_count_does_not_grow_with_products_or_stores(
        self, client, agent, product, django_assert_num_queries
    ):
        for _ in range(3):
            factories.ProductFactory(store=factories.StoreFactory())
        client.force_login(agent)

        # session, user, products with their stores, the agent's bulk stores, the navigation's
        # sections
        with django_assert_num_queries(5):
            response = client.get(CATALOG)
        assert len(response.context["products"]) == 4

    def test_empty_catalog_says_so(self, client, customer):
        client.force_login(customer)

        assert "Nothing for sale yet" in client.get(CATALOG).content.decode()


class TestCheckoutPage:
    def test_bulk_buyer_chooses_quantity_and_one_of_their_groups(
        self, client, agent, group, product
    ):
        factories.PurchasingGroupFactory(store=group.store, name="Not theirs")
        client.force_login(agent)

        response = client.get(product_url(product))

        form = response.context["form"]
        assert list(form.fields) == ["quantity", "owner_group"]
        assert list(form.fields["owner_group"].queryset) == [group]
        assert form.fields["owner_group"].required

    def test_retail_buyer_is_offered_one_seat_for_themselves(self, client, customer, product):
        client.force_login(customer)

        response = client.get(product_url(product))

        assert list(response.context["form"].fields) == []
        assert "one seat for yourself" in response.content.decode()

    def test_retail_buyer_answers_the_courses_questions(self, client, customer, store, product):
        badge = factories.QuestionFactory(
            store=store, product=product, prompt="Badge number", help_text="<b>On</b> your badge."
        )
        department = factories.QuestionFactory(
            store=store, prompt="Department", choices="Operations\nSales", required=False
        )
        client.force_login(customer)

        response = client.get(product_url(product))

        fields = response.context["form"].fields
        assert list(fields) == [f"question_{badge.pk}", f"question_{department.pk}"]
        assert fields[f"question_{badge.pk}"].required
        html = response.content.decode()
        assert "Badge number" in html and "Operations" in html
        assert "&lt;b&gt;On&lt;/b&gt; your badge." in html

    def test_a_missing_answer_is_refused_keeping_what_was_typed(
        self, client, customer, store, product
    ):
        badge = factories.QuestionFactory(store=store, product=product, prompt="Badge number")
        department = factories.QuestionFactory(
            store=store, prompt="Department", choices="Operations\nSales"
        )
        client.force_login(customer)

        with nothing_created():
            response = client.post(product_url(product), {f"question_{department.pk}": "Sales"})

        assert response.status_code == 200
        form = response.context["form"]
        assert form.errors == {
            f"question_{badge.pk}": ["Answer the required question “Badge number”."]
        }
        assert '<option value="Sales" selected>Sales</option>' in response.content.decode()

    def test_the_answers_go_with_the_order_and_enroll_the_buyer_once_paid(
        self, client, customer, store, product
    ):
        badge = factories.QuestionFactory(store=store, product=product, prompt="Badge number")
        client.force_login(customer)

        response = client.post(product_url(product), {f"question_{badge.pk}": "B-7"})

        order = Order.objects.get()
        assert response.url == reverse("shop:order_placed", args=[order.pk])
        assert order.buyer_answers == {str(badge.pk): "B-7"}
        pay(order)
        seat = order.seats.get()
        assert (seat.status, seat.learner) == (Seat.Status.ASSIGNED, customer)
        assert seat.answers.get().value == "B-7"

    def test_bulk_purchase_places_the_order_and_confirms_it(self, client, agent, group, product):
        client.force_login(agent)

        response = client.post(product_url(product), {"quantity": 7, "owner_group": group.pk})

        order = Order.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("shop:order_placed", args=[order.pk])
        assert order.lines.get().seats.filter(owner_group=group).count() == 7
        page = client.get(response.url).content.decode()
        assert f"Order {order.number} placed" in page
        assert "once the order is paid" in page
        assert reverse("portal:order", args=[order.pk]) in page

    def test_retail_purchase_places_one_seat_for_the_buyer(self, client, customer, product):
        client.force_login(customer)

        response = client.post(product_url(product), {"quantity": 40})

        order = Order.objects.get()
        assert (order.buyer, order.owner_group) == (customer, None)
        assert order.seats.count() == 1
        assert "enrolled automatically" in client.get(response.url).content.decode()

    def test_refusal_is_shown_on_the_form_and_nothing_is_created(
        self, client, agent, group, product
    ):
        enroll(agent, product)
        client.force_login(agent)

        with nothing_created():
            response = client.post(product_url(product), {"quantity": 3, "owner_group": group.pk})

        assert response.status_code == 200
        assert "You are enrolled in Fire Safety 101" in response.content.decode()
        assert "separate" in response.context["form"].non_field_errors()[0]

    def test_inactive_product_is_refused(self, client, agent, group, product):
        product.is_active = False
        product.save()
        client.force_login(agent)

        with nothing_created():
            response = client.post(product_url(product), {"quantity": 3, "owner_group": group.pk})

        assert "Fire Safety 101 is no longer sold" in response.content.decode()

    @pytest.mark.parametrize(
        "foreign_group",
        [
            lambda store: factories.PurchasingGroupFactory(),
            lambda store: factories.PurchasingGroupFactory(store=store),
        ],
        ids=["another store", "same store, not an agent"],
    )
    def test_group_the_agent_does_not_manage_is_refused(
        self, client, agent, store, product, foreign_group
    ):
        client.force_login(agent)
        data = {"quantity": 3, "owner_group": foreign_group(store).pk}

        with nothing_created():
            response = client.post(product_url(product), data)

        assert "Choose one of the purchasing groups you are an agent of" in (
            response.content.decode()
        )

    def test_group_is_required_by_default(self, client, agent, product):
        client.force_login(agent)

        with nothing_created():
            response = client.post(product_url(product), {"quantity": 3})

        assert response.context["form"].errors["owner_group"]

    def test_store_allowing_no_group_takes_the_order_without_one(
        self, client, agent, store, product
    ):
        store.purchase_without_group_allowed = True
        store.save()
        client.force_login(agent)

        response = client.post(product_url(product), {"quantity": 3, "owner_group": ""})

        assert response.status_code == 302
        assert Seat.objects.filter(owner_group=None).count() == 3

    @pytest.mark.parametrize("quantity", ["0", "10001", "many"])
    def test_quantity_must_be_sane(self, client, agent, group, product, quantity):
        client.force_login(agent)

        with nothing_created():
            response = client.post(
                product_url(product), {"quantity": quantity, "owner_group": group.pk}
            )

        assert response.context["form"].errors["quantity"]

    def test_unknown_product_is_404(self, client, customer):
        client.force_login(customer)

        assert client.get(reverse("shop:product", args=[999_999])).status_code == 404


class TestConfirmation:
    def test_someone_elses_order_is_404(self, client, agent, group, product, other_agent):
        client.force_login(agent)
        client.post(product_url(product), {"quantity": 2, "owner_group": group.pk})
        order = Order.objects.get()
        client.force_login(other_agent)

        assert client.get(reverse("shop:order_placed", args=[order.pk])).status_code == 404

    def test_paid_retail_order_says_the_buyer_is_enrolled(self, client, customer, product):
        client.force_login(customer)
        response = client.post(product_url(product))

        pay(Order.objects.get())

        page = client.get(response.url).content.decode()
        assert "You are enrolled" in page
        assert Enrollment.objects.get(learner=customer).is_active
        assert counts() == (1, 1, 1)

    def test_paid_retail_order_that_could_not_enroll_says_why(
        self, client, customer, store, product
    ):
        client.force_login(customer)
        response = client.post(product_url(product))
        factories.QuestionFactory(store=store, product=product, prompt="Badge number")

        pay(Order.objects.get())

        page = client.get(response.url).content.decode()
        assert "You are enrolled" not in page
        assert "you are not enrolled yet" in page
        assert "Answer the required question “Badge number”." in page
        assert store.support_email in page
