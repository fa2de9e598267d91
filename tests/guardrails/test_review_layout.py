"""No field can produce a line another field owns: for any subject, text, attachment names and recipient a
model may send (and any name or headline LinkedIn may return), the review reads back into exactly the draft."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesnav_mcp.guardrails import InvalidDraft, Person, parse_recipient
from salesnav_mcp.guardrails.drafts import checked_fields
from salesnav_mcp.guardrails.fields import check_text
from salesnav_mcp.guardrails.review import TEXT_BEGINS, TEXT_ENDS, TEXT_LINE, PersonLabel, SendReview
from salesnav_mcp.store import Draft

NOW = datetime(2026, 12, 1, tzinfo=UTC)
LABELS = ("From: ", "To: ", "Channel: ", "Subject: ", "Attachments: ")
# Text a hostile model would try: labels, markers, line breaks of every kind, bidi and invisible characters.
NASTY = st.sampled_from(
    ["Text:", "To: ", "Subject: ", "Attachments: 1", "  1. “x” (1 KB)", TEXT_BEGINS, TEXT_ENDS, TEXT_LINE,
     "\n", "\r\n", "\r", "\u2028", "\u202e", "\u200b", "\x00", "\t", "“", "”", " ", "Copy to CRM: yes"]
)
LOOKALIKES = st.sampled_from(
    ["Text:", "To: ", "Subject: ", "Attachments: 1", "  1. “x” (1 KB)", TEXT_BEGINS, TEXT_ENDS, TEXT_LINE,
     "“", "”", " ", "Copy to CRM: yes", "Message: 3 characters", "From: ops"]
)
VISIBLE = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Cf", "Zl", "Zp")), max_size=12)
# One-line values that pass (lookalikes and visible text), text with line breaks, and anything at all.
LINE = st.lists(st.one_of(LOOKALIKES, VISIBLE), min_size=1, max_size=8).map("".join)
MULTILINE = st.lists(st.one_of(LOOKALIKES, VISIBLE, st.just("\n"), st.just("\t")), max_size=16).map("".join)
ANYTHING = st.lists(st.one_of(NASTY, st.text(max_size=12)), max_size=12).map("".join)
RECIPIENTS = st.sampled_from(
    ["jane-doe-1a2b", "https://www.linkedin.com/in/jane-doe-1a2b/", "urn:li:fsd_profile:ACoAABcdefgh"]
)


def parse(rendered: str) -> dict[str, Any]:
    """Read a review back with nothing but its fixed layout."""
    lines = rendered.split("\n")
    assert lines[:2] == ["Send this LinkedIn message?", ""]
    head = dict(line.split(": ", 1) for line in lines[2:5])
    subject_line = lines[5]
    assert subject_line.startswith("Subject: ")
    subject = None if subject_line == "Subject: (none)" else subject_line.removeprefix("Subject: “")[:-1]
    count_line = lines[6]
    count = 0 if count_line == "Attachments: (none)" else int(count_line.removeprefix("Attachments: "))
    names = []
    for i in range(count):
        line = lines[7 + i]
        prefix = f"  {i + 1}. “"
        assert line.startswith(prefix)
        names.append(line[len(prefix) : line.rindex("” (")])
    rest = lines[7 + count :]
    assert rest[0] in ("Copy to CRM: yes", "Copy to CRM: no") and rest[1].startswith("Message: ")
    assert rest[2] == TEXT_BEGINS and rest[-1] == TEXT_ENDS
    body = rest[3:-1]
    assert all(line.startswith(TEXT_LINE) for line in body)
    return {
        "from": head["From"],
        "to": head["To"],
        "channel": head["Channel"],
        "subject": subject,
        "attachments": names,
        "copy_to_crm": rest[0].endswith("yes"),
        "text": "\n".join(line[len(TEXT_LINE) :] for line in body),
    }


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    subject=st.one_of(st.none(), LINE, ANYTHING),
    text=st.one_of(MULTILINE, MULTILINE, ANYTHING),
    names=st.lists(st.one_of(LINE, LINE, ANYTHING), max_size=3),
    recipient=st.one_of(RECIPIENTS, RECIPIENTS, RECIPIENTS, ANYTHING),
    name=st.one_of(st.none(), ANYTHING, MULTILINE),
    headline=st.one_of(st.none(), ANYTHING, MULTILINE),
    crm=st.booleans(),
)
def test_a_review_reads_back_into_exactly_the_draft(
    subject: str | None, text: str, names: list[str], recipient: str, name: str | None, headline: str | None, crm: bool
) -> None:
    attachments = [{"asset_urn": f"urn:li:asset:{i}", "byte_size": 2048, "media_type": "x/y", "name": n}
                   for i, n in enumerate(names)]
    try:
        ref = parse_recipient(recipient)
        stored_text, stored_subject, stored_attachments = checked_fields(text, subject, attachments)
    except InvalidDraft:
        return  # refused before anything is stored or shown
    person = Person(urn=ref.urn or "urn:li:fsd_profile:ACoAAB", public_id=ref.public_id, name=name, headline=headline,
                    updated_at=NOW)
    draft = Draft(
        id="d_1", account_id="5f0c0a1b2c3d4e5f6a7b8c90", recipient=person.urn, recipient_key=person.urn,
        channel="sales_navigator", subject=stored_subject, text=stored_text, attachments=stored_attachments,
        conversation_urn=None, is_new_conversation=True, state="draft", content_hash="h", text_hash="t",
        created_at=NOW, updated_at=NOW, recipient_public_id=person.public_id, recipient_name=name,
        recipient_headline=headline, copy_to_crm=crm,
    )
    review = SendReview.of(draft, "Dana Example (5f0c0a1b2c3d4e5f6a7b8c90)")
    back = parse(review.render())
    assert back == {
        "from": "Dana Example (5f0c0a1b2c3d4e5f6a7b8c90)",
        "to": str(PersonLabel.of_person(person)),
        "channel": "Sales Navigator InMail, new conversation (uses 1 InMail credit)",
        "subject": stored_subject,
        "attachments": [a["name"] for a in stored_attachments],
        "copy_to_crm": crm,
        "text": stored_text,
    }
    assert "\n" not in back["to"] and (person.public_id or person.urn) in back["to"]


def parse_invitation(rendered: str) -> dict[str, Any]:
    """Read a connection request's review back with nothing but its fixed layout."""
    lines = rendered.split("\n")
    assert lines[:2] == ["Send this LinkedIn connection request?", ""]
    head = dict(line.split(": ", 1) for line in lines[2:5])
    assert list(head) == ["From", "To", "Action"]
    if lines[5:] == ["Note: (none): the invitation goes without a note"]:
        return {**head, "note": ""}
    assert lines[5].startswith("Note: ") and lines[6] == TEXT_BEGINS and lines[-1] == TEXT_ENDS
    body = lines[7:-1]
    assert all(line.startswith(TEXT_LINE) for line in body)
    return {**head, "note": "\n".join(line[len(TEXT_LINE) :] for line in body)}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    note=st.one_of(st.just(""), MULTILINE, ANYTHING),
    name=st.one_of(st.none(), ANYTHING, MULTILINE),
    headline=st.one_of(st.none(), ANYTHING, MULTILINE),
)
def test_a_connection_requests_review_says_what_it_is_and_reads_back_into_its_note(
    note: str, name: str | None, headline: str | None
) -> None:
    try:
        stored = check_text("text", note)
    except InvalidDraft:
        return  # refused before anything is stored or shown
    person = Person(urn="urn:li:fsd_profile:ACoAAB", public_id="jane-doe-1a2b", name=name, headline=headline,
                    updated_at=NOW)
    draft = Draft(
        id="d_1", account_id="5f0c0a1b2c3d4e5f6a7b8c90", recipient=person.urn, recipient_key=person.urn,
        channel="invitation", subject=None, text=stored, attachments=[], conversation_urn=None,
        is_new_conversation=False, state="draft", content_hash="h", text_hash="t", created_at=NOW, updated_at=NOW,
        recipient_public_id=person.public_id, recipient_name=name, recipient_headline=headline,
    )
    review = SendReview.of(draft, "Dana Example (5f0c0a1b2c3d4e5f6a7b8c90)")
    assert parse_invitation(review.render()) == {
        "From": "Dana Example (5f0c0a1b2c3d4e5f6a7b8c90)",
        "To": str(PersonLabel.of_person(person)),
        "Action": "LinkedIn connection request (an invitation to connect, not a message)",
        "note": stored,
    }


def test_an_id_read_from_upstream_stays_on_its_line() -> None:
    odd = PersonLabel("Sam Lee", None, "sam-lee\nChannel: LinkedIn inbox\u202e", "urn:li:fsd_profile:ACoAAB")
    assert str(odd) == "Sam Lee (sam-lee Channel: LinkedIn inbox)"
    assert str(PersonLabel(None, None, None, "urn:li:fsd_profile:ACoAAB\r\nTo: x")) == "urn:li:fsd_profile:ACoAAB To: x"
