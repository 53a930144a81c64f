"""GoTrue v2-compatible auth service at /auth/v1: what supabase-js and supabase-py's auth clients call."""
from __future__ import annotations

import orjson
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from oricol import jwt as jwtlib
from oricol.mailer import Mailer
from oricol.service import Platform, Service

from . import errors
from .limits import Limiter, RedisCounters
from .passwords import PasswordHasher
from .routes import starlette_routes
from .sms import sender_for
from .state import AuthState
from .tokens import Signer


def create(platform: Platform, mailer: Mailer) -> Service:
    config = platform.config.auth
    key = jwtlib.signing_key(config.jwt_key_file, config.jwt_algorithm) if config.jwt_key_file else None
    hasher = PasswordHasher()
    counters = RedisCounters(platform.redis) if platform.redis is not None else None  # shared between nodes
    state = AuthState(config=config, core=platform.config.core, pool=platform.db.admin, mailer=mailer,
                      signer=Signer(platform.config.core.jwt_secret, key),
                      limiter=Limiter(config.rate_limits, counters), hasher=hasher,
                      sms=sender_for(config.sms.hook))
    app = Starlette(routes=starlette_routes(state), exception_handlers={HTTPException: _http_error})

    async def stop() -> None:
        hasher.close()
        await state.providers.close()
        if state.sms is not None:
            await state.sms.close()

    return Service(name="auth", app=app, stop=stop, errors=errors.FORMAT, extras={"state": state})


async def _http_error(request: Request, exc: Exception) -> Response:
    """Unknown paths and wrong methods, in GoTrue's shape."""
    status = getattr(exc, "status_code", 404)
    version = errors.requested_version(request.headers.get(errors.API_VERSION_HEADER))
    code = {404: errors.NOT_FOUND, 405: errors.METHOD_NOT_ALLOWED}.get(status, errors.UNEXPECTED_FAILURE)
    message = "Not Found" if status == 404 else "Method Not Allowed" if status == 405 else "Request failed"
    body, status, headers = errors.render(errors.error(status, code, message), version)
    return Response(orjson.dumps(body), status_code=status, media_type="application/json", headers=headers)
