"""Fixtures of the REST suite: a database carrying tests/rest/schema.sql, the stack over it, and
user tokens made with the project's JWT secret."""
from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest

from oricol import jwt
from tests.support import pg
from tests.support.stack import SECRETS, asgi_client

SCHEMA = (Path(__file__).parent / "schema.sql").read_text()
USER_A = str(uuid.UUID(int=0xA))
USER_B = str(uuid.UUID(int=0xB))


def user_token(sub: str, **extra) -> str:
    claims = {"role": "authenticated", "sub": sub, "exp": int(time.time()) + 3600, "aud": "authenticated", **extra}
    return jwt.encode(claims, SECRETS["jwt_secret"])


@pytest.fixture
async def seeded(db_url):
    await pg.run_sql(db_url, SCHEMA)
    return db_url


@pytest.fixture
def config(seeded, config):
    """The shared config fixture, requested only once the REST schema is in the database."""
    return config


@pytest.fixture
def rest_stack(stack):
    return stack


@pytest.fixture
def anon(client):
    return client


@pytest.fixture
def service(service_client):
    return service_client


@pytest.fixture
async def user_a(rest_stack):
    async with asgi_client(rest_stack, token=user_token(USER_A)) as http:
        yield http


@pytest.fixture
async def user_b(rest_stack):
    async with asgi_client(rest_stack, token=user_token(USER_B)) as http:
        yield http
