"""Demo data for a newcomer: a wholesale store, two organizations, orders with seats in every
state, made through the same services the app uses. Safe to run twice."""

from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from accounts.services import mark_address_verified
from core.signals import demo_seeded
from groups.models import GroupMembership, PurchasingGroup
from joins import services as join_services
from orders.models import Product, PurchasingAgentAgreement, Store
from seats import services
from seats.models import Seat, SupplementalQuestion
from shop import services as order_services

PASSWORD = "seatstore-demo"
STORE_SLUG = "northwind-academy"
ADMIN_APPS = ("accounts", "orders", "groups", "seats", "joins", "notifications", "webhooks", "api")


class Command(BaseCommand):
    help = "Create demo data (a store, agents, groups, orders with seats in every state)."

    def handle(self, *args, **options):
        if Store.objects.filter(slug=STORE_SLUG).exists():
            self.stdout.write("Demo data already present.")
        else:
            with transaction.atomic():
                self._create()
            self.stdout.write(self.style.SUCCESS("Demo data created."))
        self._print_logins()

    def _user(self, email, first, last, **extra) -> User:
        user = User.objects.create_user(
            email=email, password=PASSWORD, first_name=first, last_name=last, **extra
        )
        mark_address_verified(user=user)  # the demo's addresses are taken as confirmed
        return user

    def _create(self):
        store = Store.objects.create(
            name="Northwind Safety Academy",
            slug=STORE_SLUG,
            sale_model=Store.SaleModel.WHOLESALE,
            support_email="support@northwind.example",
        )
        fire = Product.objects.create(
            store=store,
            name="Fire Safety 101",
            sku="FS-101",
            unit_price=Decimal("89.00"),
            campus_course_ref="fire-safety-101",
            description="Prevention, alarms and evacuation: the annual refresher.",
        )
        forklift = Product.objects.create(
            store=store,
            name="Forklift Operator Certification",
            sku="FL-200",
            unit_price=Decimal("249.00"),
            campus_course_ref="forklift-200",
            description="Theory and assessment for powered industrial trucks.",
        )
        first_aid = Product.objects.create(
            store=store,
            name="First Aid Basics",
            sku="FA-050",
            unit_price=Decimal("59.00"),
            campus_course_ref="first-aid-050",
            description="CPR, AED and wound care.",
        )
        employee_id = SupplementalQuestion.objects.create(
            store=store, prompt="Employee ID", help_text="As printed on the badge."
        )
        site = SupplementalQuestion.objects.create(
            store=store, product=forklift, prompt="Site", choices="Leeds\nBristol", position=1
        )

        admins = Group.objects.create(name="Store admins")
        admins.permissions.set(Permission.objects.filter(content_type__app_label__in=ADMIN_APPS))
        admin = self._user("admin@seatstore.example", "Sam", "Admin", is_staff=True)
        admin.groups.add(admins)
        agent = self._user("agent@northwind.example", "Alex", "Agent")
        learner = self._user("learner@northwind.example", "Lee", "Learner")
        other = self._user("agent@contoso.example", "Casey", "Contoso")

        operations = PurchasingGroup.objects.create(store=store, name="Northwind Operations")
        warehouse = PurchasingGroup.objects.create(store=store, name="Northwind Warehouse")
        contoso = PurchasingGroup.objects.create(store=store, name="Contoso Training")
        for group, user in ((operations, agent), (warehouse, agent), (contoso, other)):
            GroupMembership.objects.create(group=group, user=user)
            PurchasingAgentAgreement.objects.get_or_create(
                user=user, store=store, status=PurchasingAgentAgreement.Status.ACTIVE
            )

        admin = User.objects.get(pk=admin.pk)  # fresh permission cache
        fire_order = self._order(store, agent, operations, fire, 25, admin)
        seats = list(fire_order.seats.order_by("id"))
        answer = {employee_id.pk: "NW-1001"}
        services.assign_seat(seat=seats[0], actor=agent, email=learner.email, answers=answer)
        for n, seat in enumerate(seats[1:4], start=2):
            services.assign_seat(
                seat=seat,
                actor=agent,
                email=f"worker{n}@northwind.example",
                first_name=f"Worker{n}",
                answers={employee_id.pk: f"NW-10{n:02d}"},
            )
        services.email_redemption(
            seat=seats[4],
            actor=agent,
            email="newhire@northwind.example",
            message="Welcome aboard! Please finish this in your first week.",
        )
        services.email_redemption(seat=seats[5], actor=agent, email="contractor@northwind.example")
        services.request_return(seat=seats[3], actor=agent, reason="Worker4 left the company.")
        services.refund_seat(seat=seats[6], actor=admin, reason="Ordered one too many.")

        forklift_order = self._order(store, agent, warehouse, forklift, 10, admin)
        services.assign_seat(
            seat=forklift_order.seats.first(),
            actor=agent,
            email="driver@northwind.example",
            answers={employee_id.pk: "NW-2001", site.pk: "Leeds"},
        )
        order_services.create_order(
            store=store, buyer=agent, owner_group=operations, items=[(first_aid, 5)]
        )
        self._order(store, other, contoso, fire, 8, admin)
        join_services.set_request_domains(group=warehouse, actor=agent, domains="northwind.example")

    def _order(self, store, buyer, group, product, quantity, admin):
        order = order_services.create_order(
            store=store, buyer=buyer, owner_group=group, items=[(product, quantity)]
        )
        return order_services.mark_order_paid(order=order, actor=admin)

    def _print_logins(self):
        rows = [
            ("Store admin (Django admin)", "admin@seatstore.example"),
            ("Purchasing agent, Northwind", "agent@northwind.example"),
            ("Learner with a seat", "learner@northwind.example"),
            ("Purchasing agent, Contoso", "agent@contoso.example"),
        ]
        self.stdout.write(f"\nLogins (password for all: {PASSWORD}; the admin sets up two-factor")
        self.stdout.write("sign-in, an authenticator app, at the first sign-in):")
        for role, email in rows:
            self.stdout.write(f"  {role:<30} {email}")
        awaiting = Seat.objects.filter(status=Seat.Status.AWAITING).count()
        self.stdout.write(f"  {awaiting} redemption emails wait in the outbox at /dev/outbox/")
        for _receiver, lines in demo_seeded.send(sender=self.__class__):
            for line in lines or ():
                self.stdout.write(f"  {line}")
        self.stdout.write("")
