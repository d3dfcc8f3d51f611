import pytest

from tests import factories


@pytest.fixture
def product(order):
    return order.lines.get().product


@pytest.fixture
def join_link(order):
    """A link to the five seats of ``order``, cap 3: (link, token)."""
    return factories.make_join_link(order, cap=3)


@pytest.fixture
def joiner(db):
    return factories.UserFactory(email="jo@northwind.example", first_name="Jo")
