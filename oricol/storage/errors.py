"""Storage's error catalogue and its one wire shape:
`{"statusCode": "404", "code": "NoSuchKey", "error": "not_found", "message": "Object not found"}`.

Every failure is an `ApiError` whose `status` is Storage's `httpStatusCode` (the `statusCode` of the
body), whose `code` is Storage's error code (`NoSuchKey`, `InvalidKey`, ...) and whose `details` carries
the older `error` word the clients still read (`not_found`, `Duplicate`, `Bucket not found`); where
Storage has no such word the code itself is sent. As Storage API's error handler, the HTTP status is
400 for every error class but the internal ones (500) and a database timeout (544): clients read the
class from `statusCode`. TUS answers keep their status, which tus clients act on.
"""
from __future__ import annotations

import logging

import asyncpg
import orjson

from oricol.db import unavailable
from oricol.errors import ApiError
from oricol.jwt import JwtError

log = logging.getLogger("oricol.storage")


def _error(status: int, code: str, message: str, word: str | None = None) -> ApiError:
    return ApiError(status=status, code=code, message=message, details=word)


def no_such_bucket() -> ApiError:
    return _error(404, "NoSuchBucket", "Bucket not found", "Bucket not found")


def no_such_key() -> ApiError:
    return _error(404, "NoSuchKey", "Object not found", "not_found")


def no_such_upload() -> ApiError:
    return _error(404, "NoSuchUpload", "Upload not found")


def key_exists() -> ApiError:
    return _error(409, "KeyAlreadyExists", "The resource already exists", "Duplicate")


def bucket_exists() -> ApiError:
    return _error(409, "BucketAlreadyExists", "The resource already exists", "Duplicate")


def bucket_not_empty() -> ApiError:
    return _error(409, "ResourceNotEmpty", "The bucket you tried to delete is not empty")


def invalid_key(key: str) -> ApiError:
    return _error(400, "InvalidKey", f"Invalid key: {key}")


def invalid_bucket_name() -> ApiError:
    return _error(400, "InvalidBucketName", "Bucket name invalid", "Invalid Input")


def invalid_request(message: str) -> ApiError:
    return _error(400, "InvalidRequest", message)


def invalid_parameter(name: str, message: str | None = None) -> ApiError:
    return _error(400, "InvalidParameter", message or f"Invalid Parameter {name}")


def missing_parameter(name: str) -> ApiError:
    return _error(400, "MissingParameter", f"Missing Required Parameter {name}")


def entity_too_large() -> ApiError:
    return _error(413, "EntityTooLarge", "The object exceeded the maximum allowed size", "Payload too large")


def insufficient_storage() -> ApiError:
    return _error(507, "InsufficientStorage", "Not enough space left on the storage device; nothing was stored",
                  "insufficient_storage")


def invalid_mime_type(mime: str) -> ApiError:
    return _error(415, "InvalidMimeType", f"mime type {mime} is not supported", "invalid_mime_type")


def invalid_range() -> ApiError:
    return _error(400, "InvalidRange", "invalid range provided", "invalid_range")


def invalid_jwt(message: str) -> ApiError:
    return _error(400, "InvalidJWT", message)


def invalid_signature(message: str = "Invalid signature") -> ApiError:
    return _error(400, "InvalidSignature", message)


def expired_signature() -> ApiError:
    return _error(400, "ExpiredToken", "The provided token has expired.")


def access_denied(message: str = "new row violates row-level security policy") -> ApiError:
    return _error(403, "AccessDenied", message, "Unauthorized")


def not_found(message: str = "Not found") -> ApiError:
    return _error(404, "NotFound", message, "not_found")


def feature_disabled(feature: str) -> ApiError:
    return _error(409, "FeatureNotEnabled", f"The feature {feature} is not enabled for this resource")


def image_error(message: str, status: int = 400) -> ApiError:
    return _error(status, "InvalidRequest" if status < 500 else "InternalError", message)


def tus_error(status: int, message: str) -> ApiError:
    return _error(status, "TusError", message)


def database_timeout() -> ApiError:
    return _error(544, "DatabaseTimeout", "The connection to the database timed out")


def internal() -> ApiError:
    return _error(500, "InternalError", "Internal server error")


def from_exception(exc: BaseException) -> ApiError:
    """Any failure as one of ours; unknown ones become a 500 without their text (logged instead)."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, JwtError):
        return invalid_jwt(exc.message if not exc.expired else "jwt expired")
    if isinstance(exc, asyncpg.InsufficientPrivilegeError):
        return access_denied()
    if isinstance(exc, asyncpg.UniqueViolationError):
        return key_exists()
    if isinstance(exc, asyncpg.ForeignKeyViolationError):
        return no_such_bucket()
    if isinstance(exc, asyncpg.QueryCanceledError):
        return database_timeout()
    if isinstance(exc, asyncpg.CheckViolationError):
        return invalid_request("The request violates a constraint")
    if unavailable(exc):
        error = _error(503, "DatabaseUnavailable", "The database is unavailable, retry shortly", "database_unavailable")
        error.headers = {"Retry-After": "1"}
        return error
    if isinstance(exc, asyncpg.InvalidParameterValueError) and "role" in str(exc):
        # A token signed with our secret whose `role` names no database role (set_config refuses it):
        # the token is wrong, not the server, as REST answers it.
        return invalid_jwt(str(exc))
    if isinstance(exc, asyncpg.RaiseError):  # a policy or trigger raised: its message is for the caller
        return _error(400, "InvalidRequest", str(exc))
    log.error("storage request failed", exc_info=exc)
    return internal()


def body(error: ApiError) -> dict:
    return {"statusCode": str(error.status), "code": error.code, "error": error.details or error.code,
            "message": error.message}


# Classes whose HTTP status is their own: a database timeout (Storage's 544), a route that does not
# exist (the framework's 404 there) and, ours, an unavailable database (503 with Retry-After, which
# proxies and clients retry) and a full disk (507).
OWN_STATUS = {"DatabaseTimeout", "NotFound", "DatabaseUnavailable", "InsufficientStorage"}


def http_status(error: ApiError, own_status: bool = False) -> int:
    """`own_status`: the TUS routes, whose clients act on 403/404/409/410/413."""
    if own_status or error.code in OWN_STATUS:
        return error.status
    return 500 if error.status == 500 else 400


def render(error: ApiError, own_status: bool = False) -> tuple[int, bytes]:
    return http_status(error, own_status), orjson.dumps(body(error))
