import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache

from seats import services
from seats.models import Seat
from tests import factories
from tests.support.clock import Clock
from tests.support.links import RECIPIENT


@pytest.fixture(autouse=True)
def _fast_and_local(settings, tmp_path):
    cache.clear()  # rate-limit counters must not carry over from one test to the next
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "http://testserver"
    settings.CAMPUS_BASE_URL = "http://testserver/campus"


@pytest.fixture
def admin_user(db):
    """pytest-django's superuser, with the authenticator app staff must have."""
    return factories.UserFactory(email="superuser@example.com", is_staff=True, is_superuser=True)


@pytest.fixture
def group(db):
    return factories.PurchasingGroupFactory()


@pytest.fixture
def store(group):
    return group.store


@pytest.fixture
def agent(group):
    return factories.make_agent(group, email="agent@example.com")


@pytest.fixture
def order(agent, group):
    return factories.make_order(seats=5, buyer=agent, group=group)


@pytest.fixture
def other_agent(db):
    """An agent of another organization, in another store."""
    return factories.make_agent(email="stranger@example.org")


@pytest.fixture
def store_admin(db):
    return factories.make_store_admin(email="admin@example.com")


@pytest.fixture
def learner(db):
    return factories.UserFactory(email="learner@example.com")


@pytest.fixture
def redemption(order, agent):
    """A live link for a seat of ``order``, emailed by the agent to RECIPIENT."""
    return services.email_redemption(
        seat=order.seats.first(), actor=agent, email=RECIPIENT, message="Welcome to the team!"
    )


@pytest.fixture
def recipient(db):
    return factories.UserFactory(email=RECIPIENT, first_name="Rita", last_name="Recipient")


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def staff_client(client, store_admin):
    """The test client signed in as a store admin (staff with model permissions, not superuser)."""
    client.force_login(store_admin)
    return client


@pytest.fixture
def viewer(db):
    """Staff who may look at everything a store admin sees, and change nothing."""
    user = factories.UserFactory(is_staff=True, email="viewer@example.com")
    user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    return user


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def make_learner_with_enrollment(order):
    """A learner already enrolled in the order's course (through another order's seat)."""

    def make(email: str):
        line = order.lines.get()
        other = factories.make_order(seats=1, product=line.product, group=order.owner_group)
        services.assign_seat(seat=other.seats.get(), actor=other.buyer, email=email)

    return make


@pytest.fixture
def seats(order):
    """The five seats of ``order``: available, assigned, awaiting, return pending, available."""
    available, assigned, awaiting, returning, spare = order.seats.order_by("pk")
    buyer = order.buyer
    services.assign_seat(seat=assigned, actor=buyer, email="ada@example.com", first_name="Ada")
    services.email_redemption(seat=awaiting, actor=buyer, email="grace@example.com")
    services.assign_seat(seat=returning, actor=buyer, email="linus@example.com")
    services.request_return(seat=returning, actor=buyer, reason="Left the company")
    return {
        name: Seat.objects.get(pk=seat.pk)
        for name, seat in [
            ("available", available),
            ("assigned", assigned),
            ("awaiting", awaiting),
            ("return_pending", returning),
            ("spare", spare),
        ]
    }


@pytest.fixture
def clock(monkeypatch):
    """Time stands still until the test moves it: a rate-limit window cannot roll over mid-test."""
    return Clock(monkeypatch)
