"""The app built once per session over the session's knowledge base."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.main import create_app


@pytest.fixture(scope="session")
def app(api_settings):
    return create_app(api_settings)


@pytest.fixture(scope="session")
def client(app) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client
