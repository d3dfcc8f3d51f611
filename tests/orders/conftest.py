import pytest

from tests import factories


@pytest.fixture
def product(store):
    return factories.ProductFactory(store=store, name="Fire Safety 101")


@pytest.fixture
def customer(db):
    """Someone without an agreement or a group: a retail buyer."""
    return factories.UserFactory(email="customer@example.com")
