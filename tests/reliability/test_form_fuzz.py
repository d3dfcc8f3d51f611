"""Every form of the portal, the shop, sign-in, registration and redemption fed random and hostile
text (unicode, NUL bytes, very long strings, garbage ids and tokens): never a server error, and a
refused request changes nothing."""

from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from accounts.models import User
from orders.models import Order
from seats import services
from seats.actions import AGENT_ACTIONS as ACTIONS
from seats.models import Redemption, Seat, SeatEvent
from seats.tokens import token_for
from tests import factories
from tests.portal.helpers import csv_upload
from tests.reliability.inputs import (
    any_text,
    email_like,
    fuzz,
    hostile_text,
    id_like,
    message_levels,
    next_like,
    rolled_back,
    simple_email,
    state,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

CURRENT = "<the seat's current version>"
STRONG_PASSWORD = "tangerine-Kettle-42-orbit"
RECIPIENT = "recipient@example.com"
TOO_BIG = 2**64  # past PostgreSQL's bigint


class World:
    """An agent's order with a seat in each state, a second group of theirs, a required question,
    a live link and its recipient, and someone else's order."""

    def __init__(self):
        self.group = factories.PurchasingGroupFactory()
        self.store = self.group.store
        self.agent = factories.make_agent(self.group, email="agent@example.com")
        self.other_group = factories.PurchasingGroupFactory(store=self.store)
        factories.GroupMembershipFactory(group=self.other_group, user=self.agent)
        self.order = factories.make_order(seats=6, buyer=self.agent, group=self.group)
        self.product = self.order.lines.get().product
        seats = list(self.order.seats.order_by("pk"))
        services.assign_seat(seat=seats[1], actor=self.agent, email="ada@example.com")
        self.link = services.email_redemption(seat=seats[2], actor=self.agent, email=RECIPIENT)
        services.assign_seat(seat=seats[3], actor=self.agent, email="linus@example.com")
        services.request_return(seat=seats[3], actor=self.agent, reason="Left")
        self.recipient = factories.UserFactory(email=RECIPIENT)
        self.question = factories.QuestionFactory(
            store=self.store, prompt="Department?", choices="HR\nIT"
        )
        self.free_question = factories.QuestionFactory(store=self.store, prompt="Employee no.?")
        foreign = factories.make_order(seats=1)
        self.seat_ids = {
            "available": seats[0].pk,
            "assigned": seats[1].pk,
            "awaiting": seats[2].pk,
            "return_pending": seats[3].pk,
            "foreign": foreign.seats.get().pk,
            "missing": 10**12,
            "too big": TOO_BIG,
        }
        self.order_ids = {"own": self.order.pk, "foreign": foreign.pk, "too big": TOO_BIG}
        self.token = token_for(self.link.token_nonce)


@pytest.fixture
def world(db, settings):
    settings.REDEEM_RATE_LIMIT = 10**9
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "signup": "1000000/m/ip",
        "login": "1000000/m/ip",
        "login_failed": "1000000/m/ip,1000000/m/key",
        "reset_password": "1000000/m/ip,1000000/m/key",
    }
    cache.clear()
    return World()


def answers() -> st.SearchStrategy:
    return st.one_of(st.sampled_from(["HR", "IT", "hr", " IT "]), hostile_text)


def signed_in(user) -> Client:
    """A browser of its own for each example: cookies (and the messages they carry) from an
    earlier example must not leak into this one."""
    client = Client()
    client.force_login(user)
    return client


def no_server_error(response) -> None:
    assert response.status_code < 500, response.status_code


# --- The order page's seat actions -----------------------------------------------------------


def seat_action_fields(world: World) -> st.SearchStrategy:
    """Hostile fields, or what the form asks for with one hostile value among them: both the
    refusals and the actions that go through get exercised."""
    hostile = st.fixed_dictionaries(
        {"version": st.one_of(st.just(CURRENT), id_like)},
        optional={
            "email": email_like,
            "first_name": hostile_text,
            "last_name": hostile_text,
            "message": hostile_text,
            "reason": hostile_text,
            "group": id_like,
            "owner_group": id_like,
            f"question_{world.question.pk}": answers(),
            f"question_{world.free_question.pk}": hostile_text,
            "next": next_like,
        },
    )
    plausible = st.fixed_dictionaries(
        {
            "version": st.just(CURRENT),
            "email": simple_email,
            "first_name": st.just("Ann"),
            "message": st.just("Welcome"),
            "reason": st.just("Left the company"),
            "group": st.just(str(world.other_group.pk)),
            f"question_{world.question.pk}": st.just("HR"),
            f"question_{world.free_question.pk}": st.just("E-1"),
        }
    )
    one_hostile = st.tuples(
        plausible,
        st.sampled_from(["email", "first_name", "message", "reason", "group"]),
        hostile_text,
    ).map(lambda fields: fields[0] | {fields[1]: fields[2]})
    return st.one_of(hostile, plausible, one_hostile)


# The actions the order page offers, with a seat in a state it offers each for.
OFFERED = [
    ("assign", "available"),
    ("email", "available"),
    ("group", "available"),
    ("resend", "awaiting"),
    ("cancel-link", "awaiting"),
    ("unassign", "assigned"),
    ("transfer", "assigned"),
    ("return", "assigned"),
]


@settings(fuzz, max_examples=100)
@given(data=st.data())
def test_fuzzed_seat_actions_never_fail_and_refusals_change_nothing(world, data):
    action, seat = data.draw(
        st.one_of(
            st.sampled_from(OFFERED),
            st.tuples(st.sampled_from([*ACTIONS, "bogus"]), st.sampled_from(list(world.seat_ids))),
        ),
        label="action and seat",
    )
    method = data.draw(st.sampled_from(["GET", "POST", "POST"]), label="method")
    fields = data.draw(seat_action_fields(world), label="fields")
    with rolled_back():
        client = signed_in(world.agent)
        seat_id = world.seat_ids[seat]
        if fields["version"] == CURRENT:
            fields["version"] = Seat.objects.filter(pk=seat_id).values_list("version").first()
            fields["version"] = str(fields["version"][0]) if fields["version"] else "0"
        before = state()
        url = f"/account/seats/{seat_id}/{action}/"
        response = client.post(url, fields) if method == "POST" else client.get(url, fields)
        no_server_error(response)
        if "success" in message_levels(response):
            event(f"{action}: done")
            assert SeatEvent.objects.count() > before["events"]
        else:
            assert state() == before


# --- The order page's filters, the bulk apply token ------------------------------------------


@fuzz
@given(
    order=st.sampled_from(["own", "foreign", "too big"]),
    params=st.fixed_dictionaries(
        {}, optional={"status": hostile_text, "q": hostile_text, "page": id_like}
    ),
)
def test_fuzzed_order_page_filters_never_fail(world, order, params):
    with rolled_back():
        client = signed_in(world.agent)
        before = state()
        response = client.get(f"/account/orders/{world.order_ids[order]}/", params)
        assert response.status_code == (200 if order == "own" else 404)
        assert state() == before


@fuzz
@given(kind=st.sampled_from(["assign", "email", "bogus"]), token=hostile_text)
def test_fuzzed_bulk_apply_tokens_apply_nothing(world, kind, token):
    with rolled_back():
        client = signed_in(world.agent)
        before = state()
        response = client.post(
            f"/account/orders/{world.order.pk}/bulk/{kind}/apply/", {"token": token}
        )
        assert response.status_code == (302 if kind != "bogus" else 404)
        assert state() == before


# --- The shop's checkout ---------------------------------------------------------------------

OWN_GROUP = "<the agent's group>"


@fuzz
@given(
    product=st.sampled_from(["own", "too big"]),
    fields=st.one_of(
        st.fixed_dictionaries(
            {"quantity": st.integers(1, 12).map(str), "owner_group": st.just(OWN_GROUP)}
        ),
        st.fixed_dictionaries(
            {},
            optional={
                "quantity": st.one_of(st.integers(-3, 12).map(str), st.just("10001"), id_like),
                "owner_group": st.one_of(st.just(OWN_GROUP), id_like),
            },
        ),
    ),
)
def test_fuzzed_checkouts_never_fail_and_place_whole_orders_or_nothing(world, product, fields):
    product_id = world.product.pk if product == "own" else TOO_BIG
    if fields.get("owner_group") == OWN_GROUP:
        fields["owner_group"] = str(world.group.pk)
    with rolled_back():
        client = signed_in(world.agent)
        before = state()
        response = client.post(f"/shop/products/{product_id}/", fields)
        no_server_error(response)
        if response.status_code == 302:
            event("placed")
            order = Order.objects.latest("pk")
            line = order.lines.get()
            assert Order.objects.count() == before["orders"] + 1
            assert order.seats.count() == line.quantity == int(fields["quantity"])
        else:
            assert state() == before


# --- Registration, sign-in, password reset ----------------------------------------------------

# A registration that goes through; each example replaces some of its fields.
REGISTRATION = {
    "email": "new.person@example.com",
    "first_name": "Ann",
    "last_name": "Lee",
    "password1": STRONG_PASSWORD,
    "password2": STRONG_PASSWORD,
}


@fuzz
@given(
    fields=st.fixed_dictionaries(
        {},
        optional={
            "email": st.one_of(simple_email, email_like, st.just("AGENT@example.com")),
            "password1": st.one_of(st.just(STRONG_PASSWORD), hostile_text),
            "first_name": hostile_text,
            "last_name": hostile_text,
            "password2": hostile_text,
            "next": next_like,
        },
    )
)
def test_fuzzed_registrations_never_fail_and_create_one_account_or_none(world, fields):
    fields = REGISTRATION | fields
    with rolled_back():
        before = state()
        response = Client().post(reverse("account_signup"), fields)
        no_server_error(response)
        if response.status_code == 302:
            email = fields["email"].strip().lower()
            taken = any(known == email for _, known, _, _ in before["users"])
            event("taken address" if taken else "registered")
            assert User.objects.filter(email=email).exists()
            assert User.objects.count() == len(before["users"]) + (0 if taken else 1)
        else:
            assert state() == before


@fuzz
@given(
    fields=st.one_of(
        st.fixed_dictionaries(
            {"login": st.just("AGENT@example.com "), "password": st.just(factories.PASSWORD)},
            optional={"next": next_like},
        ),
        st.fixed_dictionaries(
            {},
            optional={
                "login": st.one_of(st.just("agent@example.com"), email_like),
                "password": st.one_of(st.just(factories.PASSWORD), hostile_text),
                "next": next_like,
            },
        ),
    )
)
def test_fuzzed_sign_ins_never_fail_and_change_nothing_when_refused(world, fields):
    with rolled_back():
        before = state()
        response = Client().post(reverse("account_login"), fields)
        no_server_error(response)
        if response.status_code == 302:
            event("signed in")
            assert fields["login"].strip().lower() == "agent@example.com"
            assert fields["password"] == factories.PASSWORD
            assert response.wsgi_request.user == world.agent
        else:
            assert state() == before


@fuzz
@given(email=st.one_of(st.just("agent@example.com"), email_like))
def test_fuzzed_password_resets_never_fail_and_only_email_the_owner(world, email):
    """Only the agent's own address queues an email (through the outbox); nothing else changes."""
    with rolled_back():
        before = state()
        response = Client().post(reverse("account_reset_password"), {"email": email})
        no_server_error(response)
        after = state()
        if email == "agent@example.com":
            before["emails"] += 1
        assert after == before


# --- Redemption links ------------------------------------------------------------------------


@fuzz
@given(
    token=st.one_of(
        hostile_text,
        st.from_regex(r"[0-9a-f]{64}", fullmatch=True),
        st.text(max_size=300),
        st.sampled_from(["claim", "done", ".", "..", "%", "%00", "a/b", "?x=1", "#"]),
    ),
    method=st.sampled_from(["GET", "POST", "HEAD"]),
)
@example(token="x" * 10_000, method="GET")
def test_garbage_redemption_tokens_never_fail_and_change_nothing(world, token, method):
    with rolled_back():
        client = signed_in(world.recipient)
        before = state()
        path = f"/redeem/{quote(token, safe='')}/"
        response = getattr(client, method.lower())(path)
        no_server_error(response)
        if method == "POST":
            assert response.status_code in (404, 405)
        assert state() == before


@fuzz
@given(
    page=st.sampled_from(["claim", "done"]),
    object_id=st.one_of(st.integers(-5, 10**6), st.just(TOO_BIG), st.just(10**30)),
    method=st.sampled_from(["GET", "POST"]),
    fields=st.dictionaries(any_text, hostile_text, max_size=3),
)
def test_garbage_claim_and_done_pages_never_fail_and_change_nothing(
    world, page, object_id, method, fields
):
    with rolled_back():
        client = signed_in(world.recipient)
        before = state()
        path = f"/redeem/{page}/{object_id}/"
        response = client.post(path, fields) if method == "POST" else client.get(path, fields)
        no_server_error(response)
        assert state() == before


@fuzz
@given(data=st.data())
def test_fuzzed_redemption_answers_redeem_the_seat_or_change_nothing(world, data):
    fields = data.draw(
        st.fixed_dictionaries(
            {},
            optional={
                f"question_{world.question.pk}": answers(),
                f"question_{world.free_question.pk}": st.one_of(st.just("E-1"), hostile_text),
            },
        )
    )
    with rolled_back():
        client = signed_in(world.recipient)
        claim = client.get(f"/redeem/{world.token}/")
        assert claim.status_code == 302
        before = state()
        response = client.post(claim["Location"], fields)
        no_server_error(response)
        seat = Seat.objects.get(pk=world.seat_ids["awaiting"])
        if response.status_code == 302:
            event("redeemed")
            assert (seat.status, seat.learner) == (Seat.Status.ASSIGNED, world.recipient)
            assert Redemption.objects.get(pk=world.link.pk).state == Redemption.State.REDEEMED
        else:
            assert response.status_code == 200
            assert state() == before


# --- Found by fuzzing ------------------------------------------------------------------------

# 262 characters: Django's validate_email accepts addresses up to 320, the columns hold 254.
OVERLONG = "a" * 250 + "@example.com"
# (Found by fuzzing: such an address once reached the 254-character columns as a DataError.)


@pytest.mark.parametrize("action", ["assign", "email", "transfer"])
def test_overlong_email_in_a_seat_form_is_refused_not_a_server_error(client, world, action):
    seat = Seat.objects.get(pk=world.seat_ids["assigned" if action == "transfer" else "available"])
    client.force_login(world.agent)
    before = state()
    response = client.post(
        f"/account/seats/{seat.pk}/{action}/",
        {"version": seat.version, "email": OVERLONG, f"question_{world.question.pk}": "HR",
         f"question_{world.free_question.pk}": "E-1"},
    )  # fmt: skip
    assert response.status_code in (200, 302)
    assert "error" in message_levels(response) or response.context["form"].errors
    assert state() == before


@pytest.mark.parametrize("kind", ["assign", "email"])
def test_overlong_email_in_a_csv_is_refused_not_a_server_error(client, world, kind):
    world.question.delete()
    world.free_question.delete()
    client.force_login(world.agent)
    before = state()
    preview = client.post(
        reverse("portal:bulk", args=[world.order.pk, kind]),
        {"file": csv_upload(f"email\n{OVERLONG}\n")},
    )
    assert preview.status_code == 200
    token = preview.context.get("token")
    if token:
        client.post(reverse("portal:bulk_apply", args=[world.order.pk, kind]), {"token": token})
    assert state() == before


# (Found by fuzzing: redirect() once tried a bare-word `next` as a URL name, NoReverseMatch.)


def test_a_bare_next_after_registering_redirects_not_a_server_error(world):
    response = Client().post(reverse("account_signup"), REGISTRATION | {"next": "welcome"})
    assert response.status_code == 302


def test_a_bare_next_for_a_signed_in_visitor_of_registration_redirects(world):
    response = signed_in(world.agent).get(reverse("account_signup"), {"next": "welcome"})
    assert response.status_code == 302


def test_a_bare_next_after_a_seat_action_redirects_not_a_server_error(world):
    seat = Seat.objects.get(pk=world.seat_ids["awaiting"])
    response = signed_in(world.agent).post(
        f"/account/seats/{seat.pk}/resend/", {"version": seat.version, "next": "orders"}
    )
    assert response.status_code == 302
