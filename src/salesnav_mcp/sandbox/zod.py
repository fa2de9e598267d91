"""Request validation that answers like ConnectSafely's (Zod) validator: every issue at once.

400 `{"success":false,"error":{"name":"ZodError","issues":[{code, path, message, ...}]}}`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .errors import ApiError

_MISSING: Any = object()
Path = list[str | int]


def js_type(value: Any) -> str:
    if value is _MISSING:
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "nan" if isinstance(value, float) and math.isnan(value) else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


class Validator:
    """Collects issues; `check()` raises them all as one ZodError response."""

    def __init__(self, source: dict[str, Any] | None = None) -> None:
        self.source = source or {}
        self.issues: list[dict[str, Any]] = []

    def issue(self, code: str, path: Path, message: str, **extra: Any) -> None:
        self.issues.append({"code": code, **extra, "path": path, "message": message})

    def _get(self, key: str | Path) -> tuple[Any, Path]:
        path: Path = [key] if isinstance(key, str) else list(key)
        value = self.source
        for part in path:
            in_dict = isinstance(value, dict) and part in value
            in_list = isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value)
            if not (in_dict or in_list):
                return _MISSING, path
            value = value[part]
        return value, path

    def _wrong_type(self, expected: str, value: Any, path: Path) -> None:
        received = js_type(value)
        message = "Required" if received == "undefined" else f"Expected {expected}, received {received}"
        self.issue("invalid_type", path, message, expected=expected, received=received)

    def _typed(self, value: Any, path: Path, kind: type, expected: str) -> bool:
        """True for a `kind`; False for a missing or null value, and for another type, which is an issue."""
        if value is _MISSING or value is None:
            return False
        if not isinstance(value, kind):
            self._wrong_type(expected, value, path)
            return False
        return True

    def integer(self, key: str | Path, *, default: int | None = None, minimum: int | None = None,
                maximum: int | None = None, coerce: bool = False) -> int | None:
        value, path = self._get(key)
        if value is _MISSING or value is None:
            return default
        if coerce and isinstance(value, str):
            try:
                value = float(value.strip()) if value.strip() else math.nan
            except ValueError:
                value = math.nan
        if isinstance(value, bool) or not isinstance(value, int | float) or (
                isinstance(value, float) and math.isnan(value)):
            self._wrong_type("number", value, path)
            return default
        if isinstance(value, float) and not value.is_integer():
            self.issue("invalid_type", path, "Expected integer, received float", expected="integer", received="float")
            return default
        number = int(value)
        if minimum is not None and number < minimum:
            self.issue("too_small", path, f"Number must be greater than or equal to {minimum}", minimum=minimum,
                       type="number", inclusive=True)
            return default
        if maximum is not None and number > maximum:
            self.issue("too_big", path, f"Number must be less than or equal to {maximum}", maximum=maximum,
                       type="number", inclusive=True)
            return default
        return number

    def string(self, key: str | Path, *, required: bool = False, min_length: int | None = None,
               max_length: int | None = None) -> str | None:
        value, path = self._get(key)
        if value is _MISSING or (value is None and not required):
            if required:
                self._wrong_type("string", value, path)
            return None
        if not isinstance(value, str):
            self._wrong_type("string", value, path)
            return None
        if min_length is not None and len(value) < min_length:
            self.issue("too_small", path, f"String must contain at least {min_length} character(s)",
                       minimum=min_length, type="string", inclusive=True)
            return None
        if max_length is not None and len(value) > max_length:
            self.issue("too_big", path, f"String must contain at most {max_length} character(s)",
                       maximum=max_length, type="string", inclusive=True)
            return None
        return value

    def boolean(self, key: str | Path, *, default: bool = False, coerce: bool = False) -> bool:
        value, path = self._get(key)
        if value is _MISSING or value is None:
            return default
        if coerce and isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
            return value.lower() in ("true", "1")
        if not isinstance(value, bool):
            self._wrong_type("boolean", value, path)
            return default
        return value

    def choice(self, key: str | Path, options: Sequence[str], *, default: str) -> str:
        value, path = self._get(key)
        if value is _MISSING or value is None:
            return default
        if value not in options:
            expected = " | ".join(f"'{o}'" for o in options)
            self.issue("invalid_enum_value", path, f"Invalid enum value. Expected {expected}, received '{value}'",
                       options=list(options), received=value)
            return default
        return value

    def string_list(self, key: str | Path, *, max_items: int | None = None) -> list[str] | None:
        value, path = self._get(key)
        if not self._typed(value, path, list, "array"):
            return None
        good = True
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self._wrong_type("string", item, [*path, i])
                good = False
        if max_items is not None and len(value) > max_items:
            self.issue("too_big", path, f"Array must contain at most {max_items} element(s)", maximum=max_items,
                       type="array", inclusive=True)
            good = False
        return list(value) if good else None

    def object(self, key: str | Path) -> dict[str, Any] | None:
        value, path = self._get(key)
        return value if self._typed(value, path, dict, "object") else None

    def custom(self, path: Path, message: str) -> None:
        self.issue("custom", path, message)

    def check(self) -> None:
        if self.issues:
            raise ApiError(400, {"success": False, "error": {"name": "ZodError", "issues": self.issues}})
