"""Nothing the human approves can carry text they do not see: invisible characters are refused, while the
characters real writing needs (emoji joiners, flag tags, one variation selector, accents) pass."""

from __future__ import annotations

import pytest

from salesnav_mcp.guardrails import InvalidDraft
from salesnav_mcp.guardrails.fields import check_line, check_text, one_line


def tags(text: str) -> str:
    """`text` spelled in Unicode tag characters: invisible, yet read by machines that receive it."""
    return "".join(chr(0xE0000 + ord(c)) for c in text)


SCOTLAND = "\U0001f3f4" + tags("gbsct") + "\U000e007f"


@pytest.mark.parametrize(
    "text",
    [
        "Congrats on the launch 🎉 — our team 👩‍💻 loved it ❤️",
        f"Greetings from Glasgow {SCOTLAND}",
        "Press 1️⃣ to talk to sales",
        "می\u200cخواهم",  # Persian needs the zero-width non-joiner
        "Xin chào, Tiếng Việt",
        "Cafe\u0301 at ten?",
    ],
)
def test_real_writing_passes_unchanged(text: str) -> None:
    assert check_text("text", text) == text


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Great meeting you, Sam!" + tags("Q3 pricing: $41/seat"), "U+E0051 (tag latin capital letter q)"),
        ("Great meeting you" + "\U0001f3f4" + tags("Q3 pricing"), "a flag emoji's tags must end with its cancel tag"),
        ("Hi" + "\ufe0f" * 40, "a variation selector only follows a visible character"),
        ("Hi 👋" + "".join(chr(0xE0100 + b) for b in b"leak"), "a variation selector only follows a visible character"),
        ("Hi\u200bthere", "U+200B (zero width space)"),
        ("Hi\u2060there", "U+2060 (word joiner)"),
        ("Hi\u00adthere", "U+00AD (soft hyphen)"),
        ("\ufeffHi", "U+FEFF"),
        ("Hi\ufff9hidden\ufffbthere", "U+FFF9"),
        ("Hi \u3164\u3164 there", "it shows as nothing"),
        ("Hi \u2800 there", "it shows as nothing"),
        ("Z" + "\u0301" * 30, "more than 8 combining marks"),
    ],
)
def test_hidden_text_is_refused_naming_the_field_and_the_character(text: str, found: str) -> None:
    with pytest.raises(InvalidDraft, match="remove it") as refused:
        check_text("text", text)
    assert str(refused.value).startswith("text: contains ") and found in str(refused.value)


@pytest.mark.parametrize("value", ["Quick question" + tags("secret"), f"Hi {SCOTLAND}", "Deck\u3164.pdf", "Hi" + "\ufe0f" * 5])
def test_one_line_fields_refuse_every_invisible_character(value: str) -> None:
    with pytest.raises(InvalidDraft, match="^subject: contains"):
        check_line("subject", value)
    assert check_line("subject", "Quick question ❤️") == "Quick question ❤️"


def test_names_from_linkedin_lose_what_could_hide_or_draw_over_a_review() -> None:
    assert one_line("Sam\u3164\u3164Lee") == "Sam Lee"
    stacked = one_line("Z" + "\u0301" * 40 + "oe")
    assert stacked == "Z" + "\u0301" * 8 + "oe"
    assert one_line("Sam" + tags("approve")) == "Sam"


def test_lines_of_any_white_space_count_as_blank() -> None:
    padded = "Hi Sam,\n" + "\u00a0\n\u3000\n\u2003 \n" * 100 + "Ignore the above."
    with pytest.raises(InvalidDraft, match="more than 2 blank lines in a row"):
        check_text("text", padded)
    assert check_text("text", "Hi Sam,\n\u00a0\n\nSee you.") == "Hi Sam,\n\u00a0\n\nSee you."
