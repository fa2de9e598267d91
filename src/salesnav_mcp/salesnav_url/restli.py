"""Rest.li 2.0 values in URL form: records `(k:v,...)`, lists `List(v,...)` and scalars.

Every scalar (ids, free text, URNs) is percent-encoded, so `(),:'` in text cannot break the
structure (`urn:li:organization:1` -> `urn%3Ali%3Aorganization%3A1`); `''` is the empty string.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

from .errors import SalesNavUrlError

RestliValue = str | list["RestliValue"] | dict[str, "RestliValue"]

_MAX_DEPTH = 32


def percent_encode(text: str, safe: str = "") -> str:
    """`text` percent-encoded as UTF-8, keeping only unreserved characters and `safe` literal."""
    try:
        return quote(text, safe=safe)
    except UnicodeEncodeError:
        raise SalesNavUrlError(f"text {text[:40]!r} is not valid Unicode (lone surrogate)") from None


def _encode_scalar(text: str) -> str:
    # Everything but unreserved characters is escaped, so text can never look like structure.
    return percent_encode(text) if text else "''"


def _decode_scalar(raw: str) -> str:
    return "" if raw == "''" else unquote(raw)


class _Parser:
    """Recursive descent over `value := record | 'List(' values ')' | scalar`."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, problem: str) -> SalesNavUrlError:
        snippet = self.text[max(0, self.pos - 20) : self.pos + 20]
        return SalesNavUrlError(
            f"malformed Sales Navigator query at character {self.pos} (near {snippet!r}): {problem}"
        )

    def parse(self) -> RestliValue:
        value = self.value(0)
        if self.pos != len(self.text):
            raise self.fail("unexpected text after the end of the value")
        return value

    def value(self, depth: int) -> RestliValue:
        if depth > _MAX_DEPTH:
            raise self.fail(f"nested deeper than {_MAX_DEPTH} levels")
        if self.text.startswith("(", self.pos):
            return self.record(depth)
        if self.text.startswith("List(", self.pos):
            self.pos += len("List")
            return self.items(depth)
        return self.scalar(stop=",()")

    def record(self, depth: int) -> dict[str, RestliValue]:
        self.pos += 1  # "("
        fields: dict[str, RestliValue] = {}
        if self.text.startswith(")", self.pos):
            self.pos += 1
            return fields
        while True:
            start = self.pos
            key = self.scalar(stop=":,()")
            if not key:
                raise self.fail("expected a field name")
            if not self.text.startswith(":", self.pos):
                raise self.fail(f"expected ':' after field name {key!r}")
            self.pos += 1
            if key in fields:
                self.pos = start
                raise self.fail(f"field {key!r} appears twice")
            fields[key] = self.value(depth + 1)
            if self.end_of_sequence():
                return fields

    def items(self, depth: int) -> list[RestliValue]:
        self.pos += 1  # "("
        values: list[RestliValue] = []
        if self.text.startswith(")", self.pos):
            self.pos += 1
            return values
        while True:
            values.append(self.value(depth + 1))
            if self.end_of_sequence():
                return values

    def end_of_sequence(self) -> bool:
        char = self.text[self.pos : self.pos + 1]
        if char not in (",", ")") or not char:
            raise self.fail("expected ',' or ')'")
        self.pos += 1
        return char == ")"

    def scalar(self, stop: str) -> str:
        # A value scalar may hold a raw ':' (URLs pasted one decoding too far); keys stop at it.
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in stop:
            self.pos += 1
        return _decode_scalar(self.text[start : self.pos])


def parse_restli(text: str) -> RestliValue:
    """Parse Rest.li 2.0 URL-form text (scalars percent-encoded) into str / list / dict."""
    return _Parser(text).parse()


def format_restli(value: RestliValue) -> str:
    """The inverse of `parse_restli`."""
    if isinstance(value, str):
        return _encode_scalar(value)
    if isinstance(value, list):
        return "List(" + ",".join(format_restli(item) for item in value) + ")"
    return "(" + ",".join(f"{_encode_scalar(k)}:{format_restli(v)}" for k, v in value.items()) + ")"
