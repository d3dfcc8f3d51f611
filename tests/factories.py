"""Valid objects in one call. Seats in a given state are reached through the services, so their
events, enrollments and links are what the real actions leave behind."""

from datetime import timedelta
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts.models import User
from groups.models import GroupMembership, PurchasingGroup
from orders.models import Order, Product, PurchasingAgentAgreement, Store
from seats import services
from seats.models import Seat, SupplementalQuestion
from shop import services as order_services
from tests.support.two_factor import give_totp

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """The address counts (``verified=False`` for one awaiting its confirmation)."""
        if create:
            EmailAddress.objects.create(
                user=obj, email=obj.email, primary=True, verified=extracted is not False
            )

    @factory.post_generation
    def two_factor(obj, create, extracted, **kwargs):
        """Staff have an authenticator app, as they must (``two_factor=False`` for one who has
        not set it up yet); anyone else with ``two_factor=True``."""
        wanted = obj.is_staff if extracted is None else extracted
        if create and wanted:
            give_totp(obj)


def make_store_admin(**kwargs) -> User:
    """A staff user with the permissions a store admin is given (not a superuser)."""
    user = UserFactory(is_staff=True, **kwargs)
    codenames = [
        f"{verb}_{model}"
        for verb in ("view", "change", "add")
        for model in (
            "seat",
            "order",
            "orderline",
            "returnrequest",
            "refund",
            "purchasinggroup",
            "groupmembership",
            "store",
            "product",
            "purchasingagentagreement",
            "seatevent",
            "redemption",
            "enrollment",
            "supplementalquestion",
            "endpoint",
            "delivery",
        )
    ]
    user.user_permissions.set(Permission.objects.filter(codename__in=[*codenames, "view_user"]))
    return User.objects.get(pk=user.pk)  # fresh, without the permission cache


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Store
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Store {n}")
    slug = factory.Sequence(lambda n: f"store-{n}")
    sale_model = Store.SaleModel.WHOLESALE
    support_email = factory.LazyAttribute(lambda s: f"support@{s.slug}.example.com")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    store = factory.SubFactory(StoreFactory)
    name = factory.Sequence(lambda n: f"Course {n}")
    sku = factory.Sequence(lambda n: f"SKU-{n:04d}")
    unit_price = Decimal("120.00")
    campus_course_ref = factory.Sequence(lambda n: f"course-{n}")


class PurchasingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PurchasingGroup

    store = factory.SubFactory(StoreFactory)
    name = factory.Sequence(lambda n: f"Group {n}")


class GroupMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMembership

    group = factory.SubFactory(PurchasingGroupFactory)
    user = factory.SubFactory(UserFactory)


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PurchasingAgentAgreement

    user = factory.SubFactory(UserFactory)
    store = factory.SubFactory(StoreFactory)
    status = PurchasingAgentAgreement.Status.ACTIVE


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplementalQuestion

    store = factory.SubFactory(StoreFactory)
    prompt = factory.Sequence(lambda n: f"Question {n}?")
    required = True


def make_agent(group: PurchasingGroup | None = None, **kwargs) -> User:
    """A purchasing agent of ``group`` (a new one in a new store by default), with an agreement."""
    group = group or PurchasingGroupFactory()
    agent = UserFactory(**kwargs)
    GroupMembershipFactory(group=group, user=agent)
    AgreementFactory(user=agent, store=group.store)
    return agent


def make_order(
    *,
    seats: int = 3,
    buyer: User | None = None,
    group: PurchasingGroup | None = None,
    product: Product | None = None,
    paid: bool = True,
) -> Order:
    """An order of ``seats`` seats of one product, owned by ``group`` and bought by one of its
    agents, paid unless told otherwise."""
    group = group or PurchasingGroupFactory()
    buyer = buyer or make_agent(group)
    product = product or ProductFactory(store=group.store)
    order = order_services.create_order(
        store=group.store, buyer=buyer, items=[(product, seats)], owner_group=group
    )
    if paid:
        order_services.mark_order_paid(order=order, actor=make_store_admin())
    return order


def make_seat(
    status: str = Seat.Status.AVAILABLE,
    *,
    order: Order | None = None,
    learner_email: str = "learner@example.com",
) -> Seat:
    """A seat brought to ``status`` by the services, acting as the order's buyer (and a store
    admin where only an admin may act)."""
    order = order or make_order(seats=1)
    seat = order.seats.filter(status=Seat.Status.AVAILABLE).first()
    buyer = order.buyer
    if status == Seat.Status.AWAITING:
        services.email_redemption(seat=seat, actor=buyer, email=learner_email)
    elif status in (Seat.Status.ASSIGNED, Seat.Status.RETURN_PENDING):
        services.assign_seat(seat=seat, actor=buyer, email=learner_email)
        if status == Seat.Status.RETURN_PENDING:
            services.request_return(seat=seat, actor=buyer, reason="Left the company")
    elif status == Seat.Status.RETURNED:
        services.refund_seat(seat=seat, actor=make_store_admin())
    return Seat.objects.get(pk=seat.pk)


def set_validity(order: Order, *, days: float) -> Order:
    """Give a paid order's seats a validity ending ``days`` from now (negative: expired), as a
    store's validity period would have set it on payment."""
    until = timezone.now() + timedelta(days=days)
    Order.objects.filter(pk=order.pk).update(seats_valid_until=until)
    order.refresh_from_db()
    return order


def make_join_link(order: Order, *, cap: int = 10, days: int = 14, allowed_domains: str = ""):
    """A join link to the seats of ``order``'s group and course, made by its buyer: (link,
    token)."""
    from datetime import timedelta

    from django.utils import timezone

    from joins.services import create_join_link
    from joins.tokens import token_for

    link = create_join_link(
        actor=order.buyer,
        group=order.owner_group,
        product=order.lines.get().product,
        cap=cap,
        expires_at=timezone.now() + timedelta(days=days),
        allowed_domains=allowed_domains,
    )
    return link, token_for(link.token_nonce)
