import pytest

from tests.support.api import api_client_for


@pytest.fixture
def api(agent):
    """The API as the agent of ``order``'s group."""
    return api_client_for(agent)


@pytest.fixture
def stranger_api(other_agent):
    """The API as an agent of another organization."""
    return api_client_for(other_agent)
