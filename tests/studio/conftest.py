"""Studio fixtures: a browser-like client (no API key, only what the console's login gives it)."""
from __future__ import annotations

import httpx
import pytest

from tests.support.stack import SECRETS


@pytest.fixture
async def browser(stack):
    """An HTTP client that knows no key: like the console's browser, it has only its cookie."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=stack.gateway, client=("10.0.0.9", 4000)),
                                 base_url="http://oricol.test") as http:
        yield http


async def sign_in(http: httpx.AsyncClient) -> str:
    """Signs the client in; answers the CSRF token."""
    response = await http.post("/studio/api/login", json={"username": "admin",
                                                           "password": SECRETS["dashboard_password"]})
    assert response.status_code == 200, response.text
    return response.json()["csrf_token"]
