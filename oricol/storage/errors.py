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
from oricol.errors import RETRY_AFTER_UNAVAILABLE, ApiError, ErrorResponse, json_error
from oricol.jwt import JwtError

log = logging.getLogger("oricol.storage")


# The `error` word of the body per code, as Storage's clients read it.
WORDS = {
    "NoSuchBucket": "Bucket not found",
    "NoSuchKey": "not_found",
    "KeyAlreadyExists": "Duplicate",
    "BucketAlreadyExists": "Duplicate",
    "InvalidBucketName": "Invalid Input",
    "EntityTooLarge": "Payload too large",
    "InvalidMimeType": "invalid_mime_type",
    "InvalidRange": "invalid_range",
    "AccessDenied": "Unauthorized",
    "NotFound": "not_found",
    "DatabaseUnavailable": "database_unavailable",
    "InsufficientStorage": "insufficient_storage",
    "TooManyRequests": "over_request_rate_limit",
    "MethodNotAllowed": "Method not allowed",
}


def _error(status: int, code: str, message: str) -> ApiError:
    return ApiError(status=status, code=code, message=message)


def no_such_bucket() -> ApiError:
    return _error(404, "NoSuchBucket", "Bucket not found")


def no_such_key() -> ApiError:
    return _error(404, "NoSuchKey", "Object not found")


def no_such_upload() -> ApiError:
    return _error(404, "NoSuchUpload", "Upload not found")


def key_exists() -> ApiError:
    return _error(409, "KeyAlreadyExists", "The resource already exists")


def bucket_exists() -> ApiError:
    return _error(409, "BucketAlreadyExists", "The resource already exists")


def bucket_not_empty() -> ApiError:
    return _error(409, "ResourceNotEmpty", "The bucket you tried to delete is not empty")


def invalid_key(key: str) -> ApiError:
    return _error(400, "InvalidKey", f"Invalid key: {key}")


def invalid_bucket_name() -> ApiError:
    return _error(400, "InvalidBucketName", "Bucket name invalid")


def invalid_request(message: str) -> ApiError:
    return _error(400, "InvalidRequest", message)


def invalid_parameter(name: str, message: str | None = None) -> ApiError:
    return _error(400, "InvalidParameter", message or f"Invalid Parameter {name}")


def missing_parameter(name: str) -> ApiError:
    return _error(400, "MissingParameter", f"Missing Required Parameter {name}")


def entity_too_large() -> ApiError:
    return _error(413, "EntityTooLarge", "The object exceeded the maximum allowed size")


def insufficient_storage() -> ApiError:
    return _error(507, "InsufficientStorage", "Not enough space left on the storage device; nothing was stored")


def invalid_mime_type(mime: str) -> ApiError:
    return _error(415, "InvalidMimeType", f"mime type {mime} is not supported")


def invalid_range() -> ApiError:
    return _error(400, "InvalidRange", "invalid range provided")


def invalid_jwt(message: str) -> ApiError:
    return _error(400, "InvalidJWT", message)


def invalid_signature(message: str = "Invalid signature") -> ApiError:
    return _error(400, "InvalidSignature", message)


def expired_signature() -> ApiError:
    return _error(400, "ExpiredToken", "The provided token has expired.")


def access_denied(message: str = "new row violates row-level security policy") -> ApiError:
    return _error(403, "AccessDenied", message)


def not_found(message: str = "Not found") -> ApiError:
    return _error(404, "NotFound", message)


def feature_disabled(feature: str) -> ApiError:
    return _error(409, "FeatureNotEnabled", f"The feature {feature} is not enabled for this resource")


def image_error(message: str, status: int = 400) -> ApiError:
    return _error(status, "InvalidRequest" if status < 500 else "InternalError", message)


def tus_error(status: int, message: str) -> ApiError:
    return _error(status, "TusError", message)


def database_timeout() -> ApiError:
    return _error(544, "DatabaseTimeout", "The connection to the database timed out")


def database_unavailable() -> ApiError:
    error = _error(503, "DatabaseUnavailable", "The database is unavailable, retry shortly")
    error.headers = {"Retry-After": RETRY_AFTER_UNAVAILABLE}
    return error


def too_many_requests(retry_after: int) -> ApiError:
    error = _error(429, "TooManyRequests", "Too many requests, retry later")
    error.headers = {"Retry-After": str(retry_after)}
    return error


def method_not_allowed() -> ApiError:
    return _error(405, "MethodNotAllowed", "Method not allowed")


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
        return database_unavailable()
    if isinstance(exc, asyncpg.InvalidParameterValueError) and "role" in str(exc):
        # A token signed with our secret whose `role` names no database role (set_config refuses it):
        # the token is wrong, not the server, as REST answers it.
        return invalid_jwt(str(exc))
    if isinstance(exc, asyncpg.RaiseError):  # a policy or trigger raised: its message is for the caller
        return _error(400, "InvalidRequest", str(exc))
    log.error("storage request failed", exc_info=exc)
    return internal()


def body(error: ApiError) -> dict:
    return {"statusCode": str(error.status), "code": error.code, "error": WORDS.get(error.code, error.code),
            "message": error.message}


# Classes whose HTTP status is their own: a database timeout (Storage's 544), a route that does not
# exist (the framework's 404 there) and, ours, an unavailable database (503 with Retry-After, which
# proxies and clients retry), a refused rate (429 with Retry-After) and a full disk (507).
OWN_STATUS = {"DatabaseTimeout", "NotFound", "DatabaseUnavailable", "InsufficientStorage", "TooManyRequests"}


def http_status(error: ApiError, own_status: bool = False) -> int:
    """`own_status`: the TUS routes, whose clients act on 403/404/409/410/413."""
    if own_status or error.code in OWN_STATUS:
        return error.status
    return 500 if error.status == 500 else 400


def render(error: ApiError, own_status: bool = False) -> tuple[int, bytes]:
    return http_status(error, own_status), orjson.dumps(body(error))


class StorageFormat:
    """Storage's wire format as the gateway asks for it (oricol.errors.ErrorFormat)."""

    def rate_limited(self, retry_after: int) -> ApiError:
        return too_many_requests(retry_after)

    def unavailable(self) -> ApiError:
        return database_unavailable()

    def render(self, error: ApiError, scope: object) -> ErrorResponse:
        return json_error(http_status(error), body(error), error.headers)


FORMAT = StorageFormat()
