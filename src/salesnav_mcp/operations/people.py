"""Who a recipient is: the one person behind a public id, a URN or a profile URL.

The server remembers everyone it sees in search results and profiles (URN, public id, name,
headline). A public id it has not seen is looked up upstream: the profile (cached upstream for
6 h; 120 distinct people per account a day), or, past that quota, the relationship, which gives
the URN without a name. Upstream looks people up by public id only, so a URN the server cannot
tie to someone it has seen is refused with the advice to give the public id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from salesnav_mcp.guardrails import InvalidDraft, PaceLimitReached, Person, RecipientRef, parse_recipient, person_keys
from salesnav_mcp.guardrails.recipients import member_id, ref_keys
from salesnav_mcp.models.connectsafely import Participant, Relationship
from salesnav_mcp.operations.errors import OperationError
from salesnav_mcp.operations.services import Services
from salesnav_mcp.upstream.errors import NotFoundError, RateLimitedError, UpstreamError


async def resolve_person(svc: Services, account_id: str, recipient: str, *, field: str = "recipient") -> Person:
    """The person `recipient` names (see the module docstring); refusals name `field`."""
    ref = parse_recipient(recipient, field)
    if ref.urn:
        person = await svc.store.person_by_urn(ref.urn)
        if person is None:
            raise OperationError(
                f"{field}: {ref.urn} is not anyone this server has seen in a search result or a profile, and "
                "LinkedIn looks people up by public id only. Give their public id (e.g. jane-doe-1a2b) or "
                "linkedin.com/in/ profile URL instead."
            )
        return person
    return await _by_public_id(svc, account_id, ref, field)


async def known_person(svc: Services, ref: RecipientRef) -> Person | None:
    """The person a reference names, if the server has seen them (no upstream call)."""
    if ref.urn:
        return await svc.store.person_by_urn(ref.urn)
    return await svc.store.person_by_public_id(ref.public_id or "")


async def keys_by_recipient(svc: Services, recipients: Iterable[str]) -> dict[str, list[str] | None]:
    """Each recipient as given -> every key of the person it names (None: not a recipient), from the people
    the server knows; no upstream call, so a plan of thousands of recipients costs a few reads."""
    refs: dict[str, RecipientRef | None] = {}
    for recipient in recipients:
        try:
            refs[recipient] = parse_recipient(recipient)
        except InvalidDraft:
            refs[recipient] = None
    valid = [r for r in refs.values() if r is not None]
    known = await svc.store.find_people(
        urns=[r.urn for r in valid if r.urn], public_ids=[r.public_id for r in valid if r.public_id]
    )
    by_id = {p.urn: p for p in known} | {p.public_id: p for p in known if p.public_id}
    out: dict[str, list[str] | None] = {}
    for recipient, ref in refs.items():
        person = None if ref is None else by_id.get(ref.urn or ref.public_id or "")
        out[recipient] = None if ref is None else person_keys(person) if person else ref_keys(ref)
    return out


async def _by_public_id(svc: Services, account_id: str, ref: RecipientRef, field: str) -> Person:
    public_id = ref.public_id or ""
    known = await svc.store.person_by_public_id(public_id)
    if known is not None and known.name:
        return known
    try:
        # A profile fetch counts against the account's daily profile views, whatever asked for it.
        await svc.guardrails.profile_views.take(account_id, public_id, actor=svc.actor())
        answer = await svc.connectsafely.get_profile(profile_id=public_id, account_id=account_id)
    except NotFoundError:
        raise OperationError(f"{field}: LinkedIn has no profile with the public id {public_id!r}.") from None
    except (RateLimitedError, PaceLimitReached):
        # The profile quota is spent: the relationship still tells who the public id belongs to.
        if known is not None:
            return known
        try:
            relationship = await svc.connectsafely.get_relationship(public_id, account_id=account_id)
        except NotFoundError:
            raise OperationError(f"{field}: LinkedIn has no profile with the public id {public_id!r}.") from None
        if not relationship.profile_urn:
            raise OperationError(f"{field}: LinkedIn did not say who {public_id!r} is; try again later.") from None
        return await remember(svc, relationship.profile_urn, public_id, None, None)
    profile = answer.profile
    if not profile.entity_urn:
        raise OperationError(f"{field}: LinkedIn's profile of {public_id!r} carries no URN; try again later.")
    name = " ".join(p for p in (profile.first_name, profile.last_name) if p) or None
    return await remember(svc, profile.entity_urn, profile.public_identifier or public_id, name, profile.headline)


async def relationship_of(svc: Services, account_id: str, public_id: str | None, urn: str) -> Relationship | None:
    """The account's relationship with a person, named as upstream wants it (the public id, else the URN); None
    when LinkedIn cannot say."""
    try:
        return await svc.connectsafely.get_relationship(public_id or urn, account_id=account_id)
    except UpstreamError:
        return None


async def remember(svc: Services, urn: str, public_id: str | None, name: str | None, headline: str | None) -> Person:
    person = Person(
        urn=urn,
        public_id=public_id.lower() if public_id else None,
        name=name,
        headline=headline,
        updated_at=svc.clock.now(),
    )
    await svc.store.remember_people([person])
    return await svc.store.person_by_urn(urn) or person


async def remember_leads(svc: Services, leads: Iterable[dict[str, Any]]) -> None:
    """Keep the people of a search page (stored lead items), so they can be addressed by any id later."""
    now = svc.clock.now()
    people = [
        Person(
            urn=lead["profile_urn"],
            public_id=(lead.get("profile_id") or "").lower() or None,
            name=lead.get("name"),
            headline=" at ".join(p for p in (lead.get("title"), lead.get("company")) if p) or None,
            updated_at=now,
        )
        for lead in leads
        if str(lead.get("profile_urn") or "").startswith("urn:li:fsd_profile:")
    ]
    if people:
        await svc.store.remember_people(people)


def is_participant(person: Person, participant: Participant) -> bool:
    """Whether a conversation participant is this person, whichever id upstream gave for them."""
    ids = {member_id(person.urn).lower(), person.urn.lower()}
    if person.public_id:
        ids.add(person.public_id)
    if (participant.profile_id or "").strip().lower() in ids:
        return True
    url = (participant.profile_url or "").lower()
    return bool(person.public_id) and re.search(rf"/in/{re.escape(person.public_id or '')}(?:[/?#]|$)", url) is not None


def participant_names(participants: Iterable[Participant]) -> str:
    return ", ".join(p.name or p.profile_id or "?" for p in participants) or "nobody"
