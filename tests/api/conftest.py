"""The app built once per session over the session's knowledge base, in both store modes:
every test that uses ``client`` runs against the embedded store and an Oxigraph server."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.main import create_app


@pytest.fixture(scope="session")
def app(api_settings):
    return create_app(api_settings)


@pytest.fixture(scope="session", params=["embedded", "oxigraph"])
def client(request, app) -> Iterator[TestClient]:
    if request.param == "oxigraph":
        app = create_app(request.getfixturevalue("remote_api_settings"))
    with TestClient(app) as test_client:
        yield test_client
