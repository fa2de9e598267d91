"""Who a message goes to: the three ways a person may be named, and the one key the guardrails match on.

A recipient is accepted only as
- a public id, the slug of linkedin.com/in/<public id> (letters, digits, hyphens; 3-100 characters),
- a `urn:li:fsd_profile:<member id>` URN, or
- a LinkedIn profile URL, any host variant (www., a country prefix, m.), with or without a trailing
  slash, a locale segment, a query or a fragment.
Nothing else: no free text around an id, no second id, no control characters. Each form is
normalised (public ids lowercased, URLs reduced to their public id), and a person's key is their
URN: policy, duplicates, caps, drafts and dialogs all name the person by it once resolved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from salesnav_mcp.guardrails.errors import InvalidDraft
from salesnav_mcp.store import Draft, Person

PROFILE_URN_PREFIX = "urn:li:fsd_profile:"
_PUBLIC_ID = re.compile(r"[a-z0-9](?:[a-z0-9-]|%[0-9a-f]{2}){2,99}")
_MEMBER_ID = re.compile(r"[A-Za-z0-9_-]{6,80}")
_PROFILE_URL = re.compile(
    r"https?://(?:(?:www|m|[a-z]{2})\.)?linkedin\.com/in/([^/?#\s]+)/?(?:[a-z]{2}(?:[-_][a-z]{2})?/?)?(?:[?#]\S*)?",
    re.IGNORECASE,
)
WHAT_IS_ACCEPTED = (
    "give a public id (e.g. jane-doe-1a2b), a urn:li:fsd_profile: URN, or a linkedin.com/in/ profile URL, "
    "and nothing else"
)


@dataclass(frozen=True)
class RecipientRef:
    """A person as named by the caller, normalised: exactly one of the two is set."""

    public_id: str | None = None
    urn: str | None = None

    def __str__(self) -> str:
        return self.public_id or self.urn or ""


def parse_recipient(value: str, field: str = "recipient") -> RecipientRef:
    """The normalised reference `value` names; InvalidDraft naming `field` for anything else."""
    text = value.strip() if isinstance(value, str) else ""
    if text.startswith(PROFILE_URN_PREFIX):
        member = text[len(PROFILE_URN_PREFIX) :]
        if _MEMBER_ID.fullmatch(member):
            return RecipientRef(urn=text)
        raise InvalidDraft(field, f"{_shown(text)} is not a valid urn:li:fsd_profile: URN; {WHAT_IS_ACCEPTED}")
    if match := _PROFILE_URL.fullmatch(text):
        slug = match.group(1).lower()
        if _PUBLIC_ID.fullmatch(slug):
            return RecipientRef(public_id=slug)
        raise InvalidDraft(field, f"the profile URL {_shown(text)} has no valid public id; {WHAT_IS_ACCEPTED}")
    if _PUBLIC_ID.fullmatch(text.lower()):
        return RecipientRef(public_id=text.lower())
    raise InvalidDraft(field, f"{_shown(text)} is not a recipient; {WHAT_IS_ACCEPTED}")


def member_id(urn: str) -> str:
    return urn[len(PROFILE_URN_PREFIX) :] if urn.startswith(PROFILE_URN_PREFIX) else urn.rsplit(":", 1)[-1]


def keys_of(urn: str, public_id: str | None) -> list[str]:
    """Every key a person may be listed under, their own (the URN) first.

    An entry nobody could resolve is keyed by the public id it was made with, and entries made
    before people were resolved by a lowercased member id or public id: those match too, so an
    entry holds for every form of the person's id.
    """
    keys = [urn, member_id(urn).lower()]
    if public_id:
        keys.append(public_id.lower())
    return list(dict.fromkeys(keys))


def person_keys(person: Person) -> list[str]:
    return keys_of(person.urn, person.public_id)


def draft_keys(draft: Draft) -> list[str]:
    return keys_of(draft.recipient_key, draft.recipient_public_id)


def recipient_label(draft: Draft) -> str:
    """The draft's recipient for a message: their public id, else their URN (never free text)."""
    return draft.recipient_public_id or draft.recipient_key


def ref_keys(ref: RecipientRef) -> list[str]:
    """The keys of a person known only by the reference given (nobody resolved it)."""
    if ref.urn:
        return [ref.urn, member_id(ref.urn).lower()]
    return [ref.public_id or ""]


def _shown(text: str, limit: int = 80) -> str:
    """A caller's value quoted for an error message: one line, bounded."""
    flat = text.encode("unicode_escape").decode("ascii")
    return repr(flat if len(flat) <= limit else flat[: limit - 1] + "…")
