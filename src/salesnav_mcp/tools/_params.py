"""Input parameter types shared by several tools (one definition, one description)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

AccountId = Annotated[
    str | None,
    Field(
        default=None,
        description="LinkedIn account id (24 hex characters, from list_accounts). Omit to use the default account.",
        pattern=r"^\s*[0-9a-fA-F]{24}\s*$",
    ),
]
