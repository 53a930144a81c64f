"""The one error type of the process.

Handlers raise `ApiError`; each wire format has one renderer (the gateway's is here, the services'
live in their packages beside their code catalogues), so a service never answers in two shapes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ApiError(Exception):
    status: int
    code: str
    message: str
    details: Any = None
    hint: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"


def gateway_body(error: ApiError) -> dict[str, Any]:
    """Kong's shape: a bare message, as the seed's gateway answers key and routing errors."""
    return {"message": error.message}
