"""Fields a human reviews before anything goes out: what each may contain, so none can fake the review.

- One-line fields (a subject, an attachment name, a do-not-contact reason): no line breaks, no
  control characters, no bidirectional controls, no zero-width or other invisible format characters.
- Message text: no control characters but newline and tab, no bidirectional controls, no line or
  paragraph separators, at most two blank lines in a row. Windows line ends become newlines. Of the
  invisible format characters only those that shape what is seen pass: the joiners that emoji and
  several scripts need, and the tags of a flag emoji.
- Both: nothing that hides text the human would approve without seeing it: blank-looking fillers,
  variation selectors other than one after a character (a run of them can encode any text), and
  stacks of combining marks that draw over neighbouring lines.
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
# A line of white space alone is blank, whatever the space (no-break, ideographic, em...).
_BLANK_RUN = re.compile(rf"\n(?:[^\S\n]*\n){{{MAX_BLANK_LINES + 1},}}")
# Format characters message text may carry: the joiners emoji and several scripts need (ZWNJ, ZWJ) and the
# visible number marks of Arabic, Syriac and Kaithi. Any other is invisible and could hide text.
SHAPING_FORMAT = frozenset("\u200c\u200d\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2"
                           "\U000110bd\U000110cd")
# Letters and symbols that show as nothing at all.
BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800")
BLACK_FLAG = "\U0001f3f4"  # the base of a flag emoji spelled with tag characters (e.g. Scotland's)
CANCEL_TAG = "\U000e007f"
MAX_FLAG_TAGS = 7
MAX_COMBINING_MARKS = 8


def _is_variation_selector(char: str) -> bool:
    code = ord(char)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or 0x180B <= code <= 0x180F


def _is_mark(char: str) -> bool:
    return unicodedata.category(char) in ("Mn", "Me")


def _without_stacks(text: str) -> str:
    """`text` without the combining marks past MAX_COMBINING_MARKS on one character."""
    kept: list[str] = []
    run = 0
    for char in text:
        run = run + 1 if _is_mark(char) else 0
        if run <= MAX_COMBINING_MARKS:
            kept.append(char)
    return "".join(kept)


def _is_tag(char: str) -> bool:
    return 0xE0020 <= ord(char) <= 0xE007F


def _hidden(text: str, *, shaping: bool) -> tuple[int, str] | None:
    """The first character that would hide text from the human who reviews `text`, with why (None: none).

    `shaping` lets through the format characters that shape visible text (message text only).
    """
    flag_tags = -1  # tags seen in the flag being spelled, -1 outside one
    combining = 0
    previous = ""
    for index, char in enumerate(text):
        if flag_tags >= 0:
            if char == CANCEL_TAG and flag_tags > 0:
                flag_tags = -1
            elif _is_tag(char) and char != CANCEL_TAG and flag_tags < MAX_FLAG_TAGS:
                flag_tags += 1
            else:
                return index, "a flag emoji's tags must end with its cancel tag"
        elif _is_tag(char):
            if not (shaping and previous == BLACK_FLAG):
                return index, "tag characters are invisible outside a flag emoji"
            flag_tags = 1
        elif _is_variation_selector(char):
            if not previous or _is_variation_selector(previous) or previous.isspace():
                return index, "a variation selector only follows a visible character, one at a time"
        elif char in BLANK_LOOKING:
            return index, "it shows as nothing"
        elif unicodedata.category(char) == "Cf" and not (shaping and char in SHAPING_FORMAT):
            return index, "invisible formatting characters are not allowed here"
        combining = combining + 1 if _is_mark(char) else 0
        if combining > MAX_COMBINING_MARKS:
            return index, f"more than {MAX_COMBINING_MARKS} combining marks on one character draw over other lines"
        previous = char
    if flag_tags >= 0:
        return len(text) - 1, "a flag emoji's tags must end with its cancel tag"
    return None


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
    if hidden := _hidden(value, shaping=False):
        raise _refuse(field, value[hidden[0]], *hidden)
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
    if hidden := _hidden(text, shaping=True):
        raise _refuse(field, text[hidden[0]], *hidden)
    if match := _BLANK_RUN.search(text):
        line = text.count("\n", 0, match.start()) + 2  # the first blank line of the run
        raise InvalidDraft(field, f"has more than {MAX_BLANK_LINES} blank lines in a row (from line {line}); shorten them")
    return text


def one_line(text: str, limit: int = 120) -> str:
    """Text from elsewhere (a name or headline read from LinkedIn) made safe to show on one line.

    Control, format, separator and blank-looking characters become spaces, runs of spaces one space,
    combining marks past a few on one character are dropped, and the result is cut at `limit`
    characters: such text can never add a line, reorder a review or draw over it.
    """
    visible = "".join(" " if unicodedata.category(c)[0] in ("C", "Z") or c in BLANK_LOOKING else c for c in text)
    flat = _without_stacks(" ".join(visible.split()))
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def quoted(text: str | None, limit: int = 120) -> str:
    """Untrusted text for a reply the model reads: on one line (see `one_line`), inside «», its own «» made ‹›
    so it can neither end its quote nor start a line or a quote that looks like the server's."""
    return "«" + one_line(text or "", limit).replace("«", "‹").replace("»", "›") + "»"
