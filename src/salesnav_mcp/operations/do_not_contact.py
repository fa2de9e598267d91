"""The do-not-contact list as a user sees and changes it: scopes, visibility, and the person behind an entry.

- An entry holds for one account, or for the whole organisation (every account).
- A change names an account (that account's entries) or none (the organisation's entries).
- Without named users (one person runs the server) every entry is visible and changeable.
- A named user sees the entries of the accounts granted to them and the organisation-wide ones; the
  reason of an entry someone else added is not shown to them. Organisation-wide entries are changed
  only by users granted every account; anyone else names one of their accounts.
"""

from __future__ import annotations

from dataclasses import dataclass

from salesnav_mcp.guardrails import ORGANISATION, DncEntry, Person, RecipientRef, parse_recipient, person_keys
from salesnav_mcp.guardrails.recipients import ref_keys
from salesnav_mcp.guardrails.review import DncRemovalReview, PersonLabel, reason_hidden
from salesnav_mcp.operations.errors import OperationError
from salesnav_mcp.operations.identity import OrganisationRefused
from salesnav_mcp.operations.people import known_person, resolve_person
from salesnav_mcp.operations.services import Services
from salesnav_mcp.upstream.errors import UpstreamError


@dataclass(frozen=True)
class ShownEntry:
    """An entry as the current user may see it (`reason` hidden when someone else gave it)."""

    entry: DncEntry
    reason: str | None
    reason_hidden: bool


def scope_for(svc: Services, account_id: str | None, *, what: str) -> str:
    """The scope a change applies to: the named account, else the whole organisation (if the user may)."""
    if account_id is not None and account_id.strip():
        return svc.require_account(account_id.strip())
    user = svc.current_user()
    if user is not None and not user.has_every_account:
        raise OrganisationRefused(user, what)
    return ORGANISATION


def visible_scopes(svc: Services) -> list[str] | None:
    """The scopes whose entries the current user sees (None: all)."""
    user = svc.current_user()
    if user is None or user.accounts is None:
        return None
    return [ORGANISATION, *sorted(user.accounts)]


def shown(svc: Services, entries: list[DncEntry]) -> list[ShownEntry]:
    viewer = svc.actor()
    out = []
    for entry in entries:
        hidden = reason_hidden(entry, viewer)
        out.append(ShownEntry(entry, None if hidden else entry.reason, hidden))
    return out


async def listed(svc: Services) -> list[ShownEntry]:
    return shown(svc, await svc.guardrails.dnc.list(scopes=visible_scopes(svc)))


async def person_or_ref(svc: Services, recipient: str) -> Person | RecipientRef:
    """The person an entry is about: resolved where anyone can tell who it is, else the reference as given.

    A listing never waits on LinkedIn: when upstream cannot say who a public id is (no such profile
    now, quota spent, unreachable), the entry keeps the public id, which blocks the person by any id
    once they are resolved.
    """
    ref = parse_recipient(recipient)
    known = await known_person(svc, ref)
    if known is not None or ref.urn:
        return known or ref
    try:
        return await resolve_person(svc, await svc.account_id(None), recipient)
    except (OperationError, UpstreamError):
        return ref


async def add(svc: Services, recipient: str, *, reason: str | None, account_id: str | None) -> DncEntry:
    scope = scope_for(svc, account_id, what="add an organisation-wide do-not-contact entry")
    who = await person_or_ref(svc, recipient)
    return await svc.guardrails.dnc.add(who, scope=scope, reason=reason, actor=svc.actor())


@dataclass(frozen=True)
class Removal:
    """What a removal would lift, shown to the human before it happens."""

    scope: str
    keys: list[str]
    review: DncRemovalReview | None  # None: nothing listed in that scope


async def plan_removal(svc: Services, recipient: str, account_id: str | None) -> Removal:
    scope = scope_for(svc, account_id, what="lift an organisation-wide do-not-contact entry")
    ref = parse_recipient(recipient)
    person = await known_person(svc, ref)
    keys = person_keys(person) if person is not None else ref_keys(ref)
    entries = await svc.guardrails.dnc.entries_for(keys, scopes=[scope])
    if not entries:
        return Removal(scope, keys, None)
    label = PersonLabel.of_person(person) if person else PersonLabel(entries[0].name, None, entries[0].public_id, keys[0])
    where = "every account (organisation-wide)" if scope == ORGANISATION else f"account {scope}"
    return Removal(scope, keys, DncRemovalReview(label, tuple(entries), where, viewer=svc.actor()))


async def remove(svc: Services, removal: Removal) -> list[DncEntry]:
    return await svc.guardrails.dnc.remove(removal.keys, scope=removal.scope, actor=svc.actor())
