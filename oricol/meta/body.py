"""Reading a write's JSON body field by field, refusing what postgres-meta's schemas refuse.

Messages follow the validator postgres-meta uses ("body/name must be string", "body must have required
property 'name'"), so tools that show them read the same text. Unknown fields are ignored, as there.
"""
from __future__ import annotations

import builtins
from typing import Any

from . import errors

MISSING = object()


class Body:
    # The readers are named after the types they return: below `str`, the class body's `str` (and later
    # `bool`, `int`) is the method, so annotations spell the types `builtins.str` and so on.

    def __init__(self, data: dict[str, Any]):
        self.data = data

    def has(self, name: str) -> bool:
        return name in self.data

    def required_str(self, name: str) -> str:
        if name not in self.data:
            raise errors.invalid("", f"must have required property '{name}'")
        return self._str(name)

    def str(self, name: str, default: Any = None, *, empty_ok: bool = False) -> Any:
        return self._str(name, empty_ok) if name in self.data else default

    def nullable_str(self, name: builtins.str, default: Any = MISSING) -> Any:
        """A string or an explicit null (e.g. a column's check: null removes it); `default` if absent."""
        if name not in self.data:
            return default
        return None if self.data[name] is None else self._str(name)

    def bool(self, name: builtins.str, default: Any = None) -> Any:
        if name not in self.data:
            return default
        value = self.data[name]
        if not isinstance(value, bool):
            raise errors.invalid(name, "must be boolean")
        return value

    def int(self, name: builtins.str, *, required: builtins.bool = False) -> Any:
        if name not in self.data:
            if required:
                raise errors.invalid("", f"must have required property '{name}'")
            return None
        value = self.data[name]
        if isinstance(value, bool) or not isinstance(value, int):
            raise errors.invalid(name, "must be integer")
        return value

    def choice(self, name: builtins.str, choices: tuple[builtins.str, ...], default: Any = None) -> Any:
        if name not in self.data:
            return default
        value = self.data[name]
        if value not in choices:
            raise errors.invalid(name, "must be equal to one of the allowed values: " + ", ".join(choices))
        return value

    def str_list(self, name: builtins.str, default: Any = None) -> Any:
        if name not in self.data:
            return default
        value = self.data[name]
        if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
            raise errors.invalid(name, "must be array of non-empty strings")
        return value

    def strings(self, name: builtins.str, default: Any = None) -> Any:
        """A list of strings that may be empty (a trigger's arguments); null counts as absent."""
        value = self.data.get(name)
        if value is None:
            return default
        if not isinstance(value, list) or not all(isinstance(item, str) and "\x00" not in item for item in value):
            raise errors.invalid(name, "must be array of strings")
        return value

    def str_map(self, name: builtins.str, default: Any = None) -> Any:
        """An object of string values (a function's config_params, a role's config)."""
        if name not in self.data:
            return default
        value = self.data[name]
        if not isinstance(value, dict) or not all(isinstance(item, str) for item in value.values()):
            raise errors.invalid(name, "must be object of strings")
        return value

    def objects(self, name: builtins.str, default: Any = None) -> Any:
        if name not in self.data:
            return default
        value = self.data[name]
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise errors.invalid(name, "must be array of objects")
        return value

    def raw(self, name: builtins.str, default: Any = MISSING) -> Any:
        return self.data.get(name, default)

    def _str(self, name: builtins.str, empty_ok: builtins.bool = False) -> builtins.str:
        value = self.data[name]
        if not isinstance(value, str):
            raise errors.invalid(name, "must be string")
        if not value and not empty_ok:
            raise errors.invalid(name, "must NOT have fewer than 1 characters")
        if "\x00" in value:
            raise errors.invalid(name, "must not contain NUL")
        return value
