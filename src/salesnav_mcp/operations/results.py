"""The base of every result the tools publish as structured output."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Result(BaseModel):
    """A closed result (no undeclared fields) that says whether the sandbox produced it."""

    model_config = ConfigDict(extra="forbid")

    sandbox: bool = Field(
        description="True when served by the embedded sandbox (simulated data; nothing reaches LinkedIn)."
    )
