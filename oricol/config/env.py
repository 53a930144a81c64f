"""Typed readers for configuration variables.

Every configuration value in Oricol is read through one of these functions, so a bad value always
stops the start with a message that names the variable and says what was expected.
"""
from __future__ import annotations

import builtins
import os
from pathlib import Path
from typing import Mapping


class ConfigError(ValueError):
    """A configuration variable is missing or malformed; the message names it."""


class Env:
    """A read-only view of the variables: the process environment over the `.env` file.

    The readers are named after the types they return, so below `str` the class body's `str` is the
    method: annotations there spell the type `builtins.str`.
    """

    def __init__(self, values: Mapping[str, str]):
        self._values = dict(values)

    @classmethod
    def load(cls, env_file: Path | None = None, environ: Mapping[str, str] | None = None) -> "Env":
        environ = os.environ if environ is None else environ
        values: dict[str, str] = {}
        path = env_file or Path(environ.get("ORICOL_ENV_FILE", ".env"))
        if path.is_file():
            values.update(read_env_file(path))
        values.update({k: v for k, v in environ.items() if k.startswith("ORICOL_")})
        return cls(values)

    def raw(self, name: str) -> str | None:
        value = self._values.get(name)
        return None if value is None or value == "" else value

    def str(self, name: str, default: str | None = None, *, required: bool = False) -> str:
        value = self.raw(name)
        if value is None:
            if required or default is None:
                raise ConfigError(f"{name} is not set")
            return default
        return value

    def opt(self, name: builtins.str) -> builtins.str | None:
        return self.raw(name)

    def int(self, name: builtins.str, default: int, *, min: int | None = None, max: int | None = None) -> int:
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = int(value.replace("_", ""))
        except ValueError:
            raise ConfigError(f"{name} must be a whole number, got {value!r}") from None
        if (min is not None and number < min) or (max is not None and number > max):
            raise ConfigError(f"{name} must be between {min} and {max}, got {number}")
        return number

    def float(self, name: builtins.str, default: float, *, min: float | None = None) -> float:
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = float(value)
        except ValueError:
            raise ConfigError(f"{name} must be a number, got {value!r}") from None
        if min is not None and number < min:
            raise ConfigError(f"{name} must be at least {min}, got {number}")
        return number

    def bool(self, name: builtins.str, default: bool) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        lowered = value.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{name} must be true or false, got {value!r}")

    def list(self, name: builtins.str, default: tuple[builtins.str, ...] = ()) -> tuple[builtins.str, ...]:
        value = self.raw(name)
        if value is None:
            return default
        return tuple(item.strip() for item in value.split(",") if item.strip())

    def choice(self, name: builtins.str, default: builtins.str, choices: tuple[builtins.str, ...]) -> builtins.str:
        value = self.str(name, default)
        if value not in choices:
            raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
        return value

    def path(self, name: builtins.str, default: Path) -> Path:
        value = self.raw(name)
        return Path(value).expanduser() if value is not None else default


def read_env_file(path: Path) -> dict[str, str]:
    """Parses KEY=VALUE lines; `#` comments, blank lines and surrounding quotes are allowed."""
    values: dict[str, str] = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export "):]
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"{path}:{number}: expected KEY=VALUE")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values
