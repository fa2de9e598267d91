"""`POST /profile` (and `GET /profile`): one person's profile, cached 6 h, at most 120 distinct per 24 h.

Quota (as documented): per account, at most `profile_views_per_day` (120) distinct profiles
fetched from LinkedIn in any rolling 24 h; only a cache miss or `forceRefresh` fetches
(and counts); a profile already counted in the window takes no new slot. Past the
limit: 429 with `holdUntil` = when the oldest counted profile leaves the window.

Both documented shapes are served, per `SandboxConfig.profile_variant`: "captured"
(lists inside `profile`, `connectionDegree` "1st"/"2nd"/"3rd") or "reference" (lists
beside `profile`, "DISTANCE_1/2/3"); by default each lead gets one of them, fixed.

DEFINE (undocumented): the cache is per account and ignores the include flags;
relationship fields are always current; `contactInfo {emailAddress, websites}` (with
includeContact) is filled for connections only; a URN as `profileId` is refused
(400), a profile URL is reduced to its slug; `postalCode` is null.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .connectsafely import _checked_account, _json_body, endpoint
from .draws import unit
from .errors import ApiError, cs_error
from .gazetteer import COUNTRY_CODES, fold
from .population import Lead
from .routes import routes
from .vocabulary import FUNCTION_ROLES
from .world import Account, SandboxWorld, iso
from .zod import Validator

CACHE_TTL = timedelta(hours=6)
WINDOW = timedelta(hours=24)
INCLUDES = ("includeExperience", "includeEducation", "includeSkills", "includeContact", "includeGeoLocation")
_CAPTURED_DEGREE = {"F": "1st", "S": "2nd", "O": "3rd"}
_REFERENCE_DEGREE = {"F": "DISTANCE_1", "S": "DISTANCE_2", "O": "DISTANCE_3"}
_YEARS = {"1": (0.2, 0.9), "2": (1.0, 2.9), "3": (3.0, 5.9), "4": (6.0, 10.9), "5": (11.0, 18.0)}
_DEGREES = ("Bachelor of Science", "Bachelor of Arts", "Master of Science", "MBA")
_GENERIC_SKILLS = ("Leadership", "Negotiation", "Stakeholder Management", "Project Management", "Public Speaking",
                   "CRM", "Data Analysis", "Team Building", "Strategic Planning", "Salesforce")


# ------------------------------------------------------------------ quota and cache


@dataclass
class ProfileViews:
    """Per account: when each profile was last fetched from LinkedIn (cache), and the counted fetches."""

    fetched: dict[tuple[str, str], datetime] = field(default_factory=dict)
    counted: dict[str, list[tuple[str, datetime]]] = field(default_factory=lambda: defaultdict(list))

    def cached_at(self, account_id: str, profile_id: str, now: datetime) -> datetime | None:
        at = self.fetched.get((account_id, profile_id))
        return at if at is not None and now < at + CACHE_TTL else None

    def in_window(self, account_id: str, now: datetime) -> dict[str, datetime]:
        """Distinct profiles counted in the last 24 h, with their latest counted fetch."""
        latest: dict[str, datetime] = {}
        for profile_id, at in self.counted.get(account_id, []):
            if at > now - WINDOW:
                latest[profile_id] = at
        return latest

    def slot_frees_at(self, account_id: str, now: datetime) -> datetime | None:
        window = self.in_window(account_id, now)
        return min(window.values()) + WINDOW if window else None

    def limit_reached_at(self, account_id: str, now: datetime, limit: int) -> datetime | None:
        """When the window's distinct count reached `limit` (the limit-th profile's first fetch in it), if it has."""
        first: dict[str, datetime] = {}
        for profile_id, at in self.counted.get(account_id, []):
            if at > now - WINDOW:
                first.setdefault(profile_id, at)
        return sorted(first.values())[limit - 1] if 0 < limit <= len(first) else None

    def fetch(self, world: SandboxWorld, account: Account, profile_id: str) -> None:
        """A fetch from LinkedIn: counted, or refused with 429 when it would be one profile too many."""
        now = world.now()
        limit = world.config.profile_views_per_day
        window = self.in_window(account.id, now)
        if profile_id not in window and len(window) >= limit:
            reset = self.slot_frees_at(account.id, now) or now + WINDOW
            raise ApiError(
                429,
                {"success": False, "error": f"Profile view limit of {limit} profiles per 24 hours reached. "
                                            f"Resets at {iso(reset)}", "holdUntil": iso(reset)},
                {"X-RateLimit-Action": "PROFILE_VIEW", "X-RateLimit-Limit": str(limit),
                 "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(math.ceil(reset.timestamp()))},
            )
        self.counted[account.id] = [(p, at) for p, at in self.counted[account.id] if at > now - WINDOW]
        self.counted[account.id].append((profile_id, now))
        self.fetched[(account.id, profile_id)] = now

    def summary(self, now: datetime) -> dict[str, Any]:
        return {account_id: {"last24h": len(self.in_window(account_id, now)),
                             "cached": sum(1 for (a, _), at in self.fetched.items()
                                           if a == account_id and now < at + CACHE_TTL)}
                for account_id in self.counted}


# ------------------------------------------------------------------ who is meant


def find_lead(world: SandboxWorld, ref: str, *, urn_ok: bool = True) -> Lead:
    """A lead by public id, profile URL or (when allowed) fsd_profile URN; 404 in upstream's words otherwise."""
    ref = ref.strip()
    if ref.startswith("urn:") and not urn_ok:
        raise cs_error(400, "profileId must be the public profile id (vanity name), not a URN")
    lead = world.population.lead(ref)
    if lead is None:
        raise cs_error(404, f"LinkedIn profile not found: {ref}")
    return lead


# ------------------------------------------------------------------ the profile


def _span(years: float) -> str:
    whole, months = int(years), round((years - int(years)) * 12) % 12
    parts = [f"{whole} yr{'s' if whole != 1 else ''}"] if whole else []
    if months or not parts:
        parts.append(f"{max(months, 1)} mo{'s' if max(months, 1) != 1 else ''}")
    return " ".join(parts)


def _years(seed: int, lead: Lead, bucket: str, what: str) -> float:
    low, high = _YEARS[bucket]
    return low + (high - low) * unit(seed, what, lead.profile_id)


def _experience(world: SandboxWorld, lead: Lead) -> list[dict[str, Any]]:
    companies = world.population.companies_by_id
    current = companies[lead.company_id]
    place = world.population.gazetteer.places[lead.geo_id]
    items = [{"title": lead.title, "companyName": current.name, "employmentType": "Full-time",
              "duration": _span(_years(world.seed, lead, lead.years_in_position, "position-years")),
              "location": place.name,
              "description": f"{lead.title} at {current.name}: {current.tagline.lower()}.",
              "companyUrl": f"https://www.linkedin.com/company/{current.universal_name}",
              "companyLogoUrl": current.logo_url}]
    for company_id, title in zip(lead.past_company_ids, lead.past_titles, strict=True):
        past = companies[company_id]
        items.append({"title": title, "companyName": past.name, "employmentType": "Full-time",
                      "duration": _span(1 + 3 * unit(world.seed, "past-years", lead.profile_id, company_id)),
                      "location": past.hq_location, "description": None,
                      "companyUrl": f"https://www.linkedin.com/company/{past.universal_name}",
                      "companyLogoUrl": past.logo_url})
    return items


def _education(world: SandboxWorld, lead: Lead) -> list[dict[str, Any]]:
    degree = _DEGREES[int(unit(world.seed, "degree", lead.profile_id) * len(_DEGREES))]
    end = world.now().year - round(_years(world.seed, lead, lead.years_experience, "experience-years")) - 1
    start = end - (4 if degree.startswith("Bachelor") else 2)
    return [{"schoolName": lead.school, "degree": degree, "fieldOfStudy": FUNCTION_ROLES[lead.function][1],
             "dateRange": f"{start} - {end}", "startYear": start, "endYear": end, "grade": None,
             "activities": None, "description": None}]


def _skills(world: SandboxWorld, lead: Lead, connected: bool) -> list[dict[str, Any]]:
    role, area, _ = FUNCTION_ROLES[lead.function]
    pool = (area, f"{area} Strategy", role, *_GENERIC_SKILLS)
    n = 3 + int(6 * unit(world.seed, "skill-count", lead.profile_id))
    names = sorted(pool, key=lambda name: unit(world.seed, "skill-order", lead.profile_id, name))[:n]
    return [{"skillId": str(10_000 + int(89_999 * unit("skill-id", name))), "name": name,
             "endorsementCount": int(99 * unit(world.seed, "endorsements", lead.profile_id, name)),
             "isEndorsed": connected and unit(world.seed, "endorsed", lead.profile_id, name) < 0.2}
            for name in names]


def _geo(world: SandboxWorld, lead: Lead) -> tuple[dict[str, Any], dict[str, Any]]:
    geo = world.population.gazetteer
    place, country = geo.places[lead.geo_id], geo.country_of(lead.geo_id)
    location = {"countryCode": COUNTRY_CODES[country.geo_id], "postalCode": None, "geoLocationName": place.name}
    geo_location = {"city": place.short_name, "state": place.state, "country": country.name,
                    "fullLocation": place.name}
    return location, geo_location


def captured_variant(world: SandboxWorld, lead: Lead) -> bool:
    variant = world.config.profile_variant
    if variant == "per_lead":
        return unit(world.seed, "profile-variant", lead.profile_id) < 0.5
    return variant == "captured"


def profile_body(world: SandboxWorld, account: Account, lead: Lead, includes: dict[str, bool]) -> dict[str, Any]:
    """`profile` plus the lists, placed inside it or beside it as the lead's variant says."""
    shown = world.as_shown(lead)  # its name as a test may have set it; the person stays `lead`
    network = world.network
    connected = network.is_connected(account.id, lead)
    degree = network.degree(account.id, lead)
    captured = captured_variant(world, lead)
    location, geo_location = _geo(world, lead)
    connections = 30 + int(2_500 * unit(world.seed, "connections", lead.profile_id))
    profile: dict[str, Any] = {
        "firstName": shown.first_name,
        "lastName": shown.last_name,
        "headline": lead.headline,
        "publicIdentifier": lead.profile_id,
        "entityUrn": lead.profile_urn,
        "profilePicture": lead.picture,
        "location": location,
        "isPremium": lead.is_premium,
        "isVerified": unit(world.seed, "verified", lead.profile_id) < 0.3,
        "supportsFreeEmail": lead.is_premium and unit(world.seed, "open-profile", lead.profile_id) < 0.5,
        "connectionCount": connections,
        "followerCount": connections + int(3_000 * unit(world.seed, "followers", lead.profile_id)),
        "isConnected": connected,
        "invitationSent": network.pending(account.id, lead) is not None,
        "invitationReceived": network.received_from(account.id, lead),
        "connectionDegree": (_CAPTURED_DEGREE if captured else _REFERENCE_DEGREE)[degree],
    }
    if includes["includeGeoLocation"]:
        profile["geoLocation"] = geo_location
    if includes["includeContact"]:
        domain = world.population.companies_by_id[lead.company_id].website.removeprefix("https://www.")
        profile["contactInfo"] = {
            "emailAddress": f"{_ascii(lead.first_name)}.{_ascii(lead.last_name)}@{domain}" if connected else None,
            "websites": [f"https://www.{domain}"] if connected else []}
    lists: dict[str, Any] = {}
    if includes["includeExperience"]:
        lists["experience"] = _experience(world, lead)
    if includes["includeEducation"]:
        lists["education"] = _education(world, lead)
    if includes["includeSkills"]:
        lists["skills"] = _skills(world, lead, connected)
    return {"profile": profile | lists} if captured else {"profile": profile, **lists}


def _ascii(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", fold(name))


@endpoint
async def get_profile(request: Request, world: SandboxWorld) -> Response:
    query = request.method == "GET"
    body = dict(request.query_params) if query else await _json_body(request)
    check = Validator(body)
    ref = check.string("profileId", required=True, min_length=1)
    includes = {name: check.boolean(name, coerce=query) for name in INCLUDES}
    force = check.boolean("forceRefresh", coerce=query)
    account = _checked_account(world, check)
    lead = find_lead(world, ref or "", urn_ok=False)
    now = world.now()
    views = world.profile_views
    cached_at = None if force else views.cached_at(account.id, lead.profile_id, now)
    if cached_at is None:
        views.fetch(world, account, lead.profile_id)
    fetched_at = cached_at or now
    answer: dict[str, Any] = {"success": True, "profileId": lead.profile_id, "accountId": account.id,
                              **profile_body(world, account, lead, includes), "cached": cached_at is not None}
    if cached_at is not None:
        answer["cachedAt"] = iso(cached_at)
    answer["expiresAt"] = iso(fetched_at + CACHE_TTL)
    answer["message"] = "Profile served from cache" if cached_at else "Profile fetched successfully"
    limit = world.config.profile_views_per_day
    used = len(views.in_window(account.id, now))
    return JSONResponse(answer, headers={"X-RateLimit-Action": "PROFILE_VIEW", "X-RateLimit-Limit": str(limit),
                                         "X-RateLimit-Used": str(used),
                                         "X-RateLimit-Remaining": str(max(0, limit - used))})


ROUTES = routes({"GET,POST /profile": get_profile})
