"""Base classes for the wire models of both upstream APIs.

Python attributes are snake_case; the wire names are camelCase (aliases). Both
spellings are accepted on input. Requests forbid unknown keys, because the
upstream silently ignores them (a typo would quietly widen a search); responses
keep unknown keys, because upstream adds fields without notice.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

# camelCase on the wire, snake_case in Python; either spelling read.
_WIRE_NAMES = ConfigDict(
    alias_generator=to_camel, validate_by_name=True, validate_by_alias=True, serialize_by_alias=True
)


class RequestModel(BaseModel):
    """Something we send: strict about keys, serialised with the wire's names."""

    model_config = ConfigDict(**_WIRE_NAMES, extra="forbid", str_strip_whitespace=False)

    def to_wire(self) -> dict[str, Any]:
        """The JSON body / query values exactly as upstream expects them (unset fields left out)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class WireModel(BaseModel):
    """Something upstream sends: tolerant of fields it adds later."""

    model_config = ConfigDict(**_WIRE_NAMES, extra="allow")


def epoch_to_datetime(value: int | float | None) -> datetime | None:
    """Upstream timestamps: milliseconds, or seconds when the number is too small to be milliseconds."""
    if value is None:
        return None
    seconds = value / 1000 if value > 100_000_000_000 else value
    return datetime.fromtimestamp(seconds, tz=UTC)


def datetime_to_epoch_ms(value: datetime | int) -> int:
    """Milliseconds since the epoch; naive datetimes are taken as UTC."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return int(value.timestamp() * 1000)
    return int(value)
