"""How each typed filter field maps to the values of one URL filter type.

Names are normalized to their canonical form, so a field reads back as it was written. A place
outside the region table is given as a numeric geo id, optionally with its display name:
`NamedId(id="90009496", name="Greater Boston")` becomes `(id:90009496,text:Greater%20Boston)` in
the URL (the text is what LinkedIn shows on the filter pill). Company ids are written
`urn:li:organization:N` with `parent:(id:0)`, as the web app does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from salesnav_mcp import salesnav_ids as ids

from .errors import SalesNavUrlError
from .model import FilterValue, Pairs
from .vocabulary import FILTER_TYPE_VOCABULARY, VOCABULARIES, Vocabulary, fold_name


class NamedId(BaseModel, frozen=True):
    """An id LinkedIn knows plus the name it shows for it."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, description="e.g. a geo id from the geo lookup, or urn:li:organization:1234")
    name: str | None = Field(default=None, description="Display name")


class RevenueRange(BaseModel):
    """Annual revenue, millions USD."""

    model_config = ConfigDict(extra="forbid")

    min: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    max: float | None = Field(default=None, ge=0, allow_inf_nan=False, description="1001 means 1B+")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.min is None and self.max is None:
            raise ValueError("give min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is above max ({self.max})")
        return self


Item = str | NamedId
_ORG_URN = re.compile(r"(?:urn:li:(?:organization|company|fs_salesCompany|fsd_company):)?(\d+)")
_COMPANY_PARENT: Pairs = (("parent", "(id:0)"),)


@dataclass(frozen=True)
class ListSpec:
    """How one list field maps to a URL filter type. style: names | open | title | company."""

    field: str
    filter_type: str
    style: Literal["names", "open", "title", "company"]
    exclude: str | None = None

    @property
    def vocab(self) -> Vocabulary:
        return VOCABULARIES[FILTER_TYPE_VOCABULARY[self.filter_type]]

    def normalize(self, item: Item) -> Item:
        if self.style == "names":
            return self.vocab.names[self.vocab.resolve(item)]
        if self.style == "open":
            if isinstance(item, NamedId):
                key = self.vocab.open_id(item.id)
                if key is None:
                    raise SalesNavUrlError(f"{self.field}: id {item.id!r} is not a numeric {self.vocab.noun} id")
                name = (item.name or "").strip() or None
            else:
                key, name = self.vocab.resolve(item), None
            return self.vocab.names[key] if key in self.vocab.names else NamedId(id=key, name=name)
        if isinstance(item, NamedId):
            key = item.id.strip()
            if self.style == "company":
                match = _ORG_URN.fullmatch(key)
                if match is None:
                    raise SalesNavUrlError(f"{self.field}: {item.id!r} is not a company id (urn:li:organization:N)")
                key = f"urn:li:organization:{match.group(1)}"
            name = (item.name or "").strip() or None
            # A company without a name is written as its bare URN, the form from_value reads back.
            return key if self.style == "company" and name is None else NamedId(id=key, name=name)
        text = item.strip()
        if not text:
            raise SalesNavUrlError(f"{self.field}: empty entry")
        match = _ORG_URN.fullmatch(text) if self.style == "company" else None
        return f"urn:li:organization:{match.group(1)}" if match else text

    def key(self, item: Item) -> str:
        """Identity of a normalized item, for duplicates and include/exclude overlaps."""
        if isinstance(item, NamedId):
            return "id:" + item.id
        if self.style in ("names", "open"):
            return "id:" + self.vocab.resolve(item)
        if self.style == "company" and item.startswith("urn:li:organization:"):
            return "id:" + item
        return "text:" + fold_name(item)

    def to_value(self, item: Item, selection: Literal["INCLUDED", "EXCLUDED"]) -> FilterValue:
        if self.style in ("names", "open") and isinstance(item, str):
            key = self.vocab.resolve(item)
            return FilterValue(id=key, text=self.vocab.text_for(key), selection_type=selection)
        if isinstance(item, NamedId):
            extra = _COMPANY_PARENT if self.style == "company" else ()
            return FilterValue(id=item.id, text=item.name, selection_type=selection, extra=extra)
        if self.style == "company" and item.startswith("urn:li:organization:"):
            return FilterValue(id=item, selection_type=selection, extra=_COMPANY_PARENT)
        return FilterValue(text=item, selection_type=selection)

    def from_value(self, value: FilterValue) -> Item | None:
        """The item for a URL value, or None when this field cannot express it."""
        if self.style == "names":
            ok = value.id in self.vocab.names and not value.extra
            return self.vocab.names[value.id] if ok else None
        if self.style == "open":
            if value.extra or value.id is None or self.vocab.open_id(value.id) != value.id:
                return None
            return self.vocab.names.get(value.id) or NamedId(id=value.id, name=(value.text or "").strip() or None)
        if self.style == "company" and value.id is not None:
            if value.extra not in ((), _COMPANY_PARENT) or not re.fullmatch(r"urn:li:organization:\d+", value.id):
                return None
        elif value.extra:
            return None
        if value.id is None:
            return value.text if value.text and value.text.strip() else None
        if self.style == "company" and not value.text:
            return value.id
        return NamedId(id=value.id, name=value.text or None)


@dataclass(frozen=True)
class FlagSpec:
    """A spotlight toggle: one boolean field, one URL filter type with a single fixed value."""

    field: str
    filter_type: str
    text: str

    @property
    def value_id(self) -> str:
        return ids.SPOTLIGHT[self.filter_type]
