"""Fields a human reviews before anything goes out: what each may contain, so none can fake the review.

- One-line fields (a subject, an attachment name, a do-not-contact reason): no line breaks, no
  control characters, no bidirectional controls, no zero-width or other invisible format characters.
- Message text: no control characters but newline and tab, no bidirectional controls, no line or
  paragraph separators, at most two blank lines in a row. Windows line ends become newlines.
Every field also refuses NUL and unpaired surrogates, which no database or channel carries. A
refusal names the field, what it found and where, and nothing is stored.
"""

from __future__ import annotations

import re
import unicodedata

from salesnav_mcp.guardrails.errors import InvalidDraft

# Bidirectional controls: they reorder what the reader sees (embeddings, overrides, isolates, marks).
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LINE_SEPARATORS = frozenset("\u2028\u2029\x85")
MAX_BLANK_LINES = 2
_BLANK_RUN = re.compile(rf"\n(?:[ \t]*\n){{{MAX_BLANK_LINES + 1},}}")


def _describe(char: str) -> str:
    name = unicodedata.name(char, "") or "unnamed"
    return f"U+{ord(char):04X} ({name.lower()})" if name != "unnamed" else f"U+{ord(char):04X}"


def _refuse(field: str, char: str, index: int, why: str) -> InvalidDraft:
    return InvalidDraft(field, f"contains {_describe(char)} at position {index + 1}: {why}; remove it")


def check_line(field: str, value: str) -> str:
    """`value` if it is one line of visible text (see the module docstring); InvalidDraft otherwise."""
    for index, char in enumerate(value):
        category = unicodedata.category(char)
        if char in "\r\n" or char in LINE_SEPARATORS:
            raise _refuse(field, char, index, f"{field} must be a single line")
        if category in ("Cc", "Cs") or char in BIDI_CONTROLS:
            raise _refuse(field, char, index, "control characters are not allowed")
        if category == "Cf":
            raise _refuse(field, char, index, "invisible formatting characters are not allowed here")
    return value


def check_text(field: str, value: str) -> str:
    """`value` with Windows line ends as newlines, if it is message text a human can read exactly."""
    text = value.replace("\r\n", "\n")
    for index, char in enumerate(text):
        category = unicodedata.category(char)
        if char in "\n\t":
            continue
        if char in LINE_SEPARATORS:
            raise _refuse(field, char, index, "use a plain newline to break lines")
        if category in ("Cc", "Cs") or char in BIDI_CONTROLS:
            raise _refuse(field, char, index, "control characters other than newline and tab are not allowed")
    if match := _BLANK_RUN.search(text):
        line = text.count("\n", 0, match.start()) + 2  # the first blank line of the run
        raise InvalidDraft(field, f"has more than {MAX_BLANK_LINES} blank lines in a row (from line {line}); shorten them")
    return text


def one_line(text: str, limit: int = 120) -> str:
    """Text from elsewhere (a name or headline read from LinkedIn) made safe to show on one line.

    Control, format and separator characters become spaces, runs of spaces one space, and the
    result is cut at `limit` characters: such text can never add a line or reorder a review.
    """
    visible = "".join(" " if unicodedata.category(c)[0] in ("C", "Z") else c for c in text)
    flat = " ".join(visible.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
