"""The synthetic people and companies of the sandbox, generated deterministically from a seed.

The population never changes once built, so it is cached per seed and shared by
every sandbox app using that seed. A planted cluster guarantees that a narrow
query (VP, Sales, 201-500 employees, Germany, Financial Services) has a handful
of matches, while broad queries exceed the 1,000-result cap.
"""

from __future__ import annotations

import random
import re
import string
from bisect import bisect
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from typing import NamedTuple

from salesnav_mcp.salesnav_ids import HEADCOUNT, HEADCOUNT_BOUNDS, INDUSTRY

from .data import ACCOUNT_IDS, DEFAULT_ACCOUNT_ID
from .gazetteer import Gazetteer, Place, fold, gazetteer
from .vocabulary import (
    COMPANY_ROOTS,
    FIRST_NAMES,
    FUNCTION_ROLES,
    INDUSTRY_SUFFIXES,
    INDUSTRY_TAGLINES,
    LAST_NAMES,
    SERVICE_CATEGORIES,
    UNIVERSITIES,
)

N_COMPANIES = 1200
N_LEADS = 5400

SENIORITY_ORDER = ("100", "110", "120", "130", "200", "210", "220", "300", "310", "320")

# The narrow query every seed must answer with a handful of leads.
PLANTED_COUNTRY = "101282230"  # Germany
PLANTED_INDUSTRY = "43"  # Financial Services
PLANTED_HEADCOUNT = "E"  # 201-500
PLANTED_COMPANIES = 6
PLANTED_LEADS = 10


class Company(NamedTuple):
    position: int  # place in Population.companies
    company_id: int
    name: str
    universal_name: str
    industry_id: str
    headcount: str  # Sales Navigator letter A..I
    employee_count: int
    revenue_musd: float  # annual revenue, millions of USD
    company_type: str  # salesnav_ids.COMPANY_TYPE key
    hq_geo_id: str  # a city id
    hq_location: str
    follower_count: int
    tagline: str
    description: str
    website: str
    logo_url: str

    @property
    def urn(self) -> str:
        return f"urn:li:organization:{self.company_id}"

    @property
    def industry_name(self) -> str:
        return INDUSTRY[self.industry_id]


class Lead(NamedTuple):
    position: int  # place in Population.leads
    member_id: int
    profile_id: str  # public id, as in linkedin.com/in/<profile_id>
    profile_urn: str  # urn:li:fsd_profile:ACoAA...
    person_id: str  # the id in urn:li:person:<person_id>
    first_name: str
    last_name: str
    headline: str
    title: str
    title_id: str
    seniority: str
    function: str
    company_id: int
    company_name: str
    industry_id: str  # of the current company
    headcount: str  # of the current company
    geo_id: str  # a city id
    location: str
    years_in_position: str  # YEARS_BUCKET id
    years_at_company: str
    years_experience: str
    past_company_ids: tuple[int, ...]
    past_titles: tuple[str, ...]
    recently_changed_jobs: bool
    posted_on_linkedin: bool
    profile_language: str
    degrees: dict[str, str]  # account id -> F | S | O
    open_to_work: bool
    is_premium: bool
    school: str
    service_categories: tuple[str, ...]
    picture: str | None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def profile_url(self) -> str:
        return f"https://www.linkedin.com/in/{self.profile_id}"

    def degree(self, account_id: str) -> str:
        return self.degrees.get(account_id, "O")


@dataclass(frozen=True, slots=True)
class Population:
    seed: int
    companies: tuple[Company, ...]
    leads: tuple[Lead, ...]
    companies_by_id: dict[int, Company]
    leads_by_profile_id: dict[str, Lead]
    leads_by_urn: dict[str, Lead]
    title_ids: dict[str, str]  # title text -> synthetic title id
    gazetteer: Gazetteer

    def lead(self, ref: str) -> Lead | None:
        """A lead by public id, fsd_profile URN or profile URL."""
        ref = ref.strip()
        if ref.startswith("urn:"):
            return self.leads_by_urn.get(ref)
        match = re.search(r"linkedin\.com/in/([^/?#]+)", ref)
        return self.leads_by_profile_id.get(match.group(1) if match else ref)


@cache
def title_variants(function: str, seniority: str) -> tuple[str, ...]:
    role, area, cxo = FUNCTION_ROLES[function]
    return {
        "100": (f"{role} Intern", f"{area} Trainee"),
        "110": (role, f"Junior {role}", f"Associate {role}"),
        "120": (f"Senior {role}",),
        "130": (f"Principal {role}", f"Strategic {role}"),
        "200": (f"{area} Team Lead",),
        "210": (f"{area} Manager",),
        "220": (f"Director of {area}", f"Head of {area}"),
        "300": (f"VP of {area}", f"Vice President, {area}"),
        "310": (cxo,),
        "320": ("Founder", "Managing Partner", "Owner"),
    }[seniority]


@cache
def title_ids() -> dict[str, str]:
    """Every title the world uses, numbered in a fixed order (synthetic ids for CURRENT_TITLE filters)."""
    ids: dict[str, str] = {}
    for function in sorted(FUNCTION_ROLES, key=int):
        for seniority in SENIORITY_ORDER:
            for title in title_variants(function, seniority):
                ids.setdefault(title, str(len(ids) + 1))
    return ids


class _Picker:
    """Weighted choice with precomputed cumulative weights (fast, and stable for a given RNG)."""

    def __init__(self, weights: dict[str, float]) -> None:
        self.keys = list(weights)
        self.cum = list(accumulate(weights.values()))

    def __call__(self, rng: random.Random) -> str:
        return self.keys[bisect(self.cum, rng.random() * self.cum[-1])]


_HEADCOUNT = _Picker({"A": 2, "B": 10, "C": 18, "D": 20, "E": 14, "F": 10, "G": 12, "H": 5, "I": 9})
_INDUSTRY = _Picker({"4": 12, "6": 8, "8": 3, "11": 8, "12": 3, "14": 5, "15": 3, "27": 6, "41": 5, "42": 4, "43": 8,
                     "44": 3, "47": 3, "48": 3, "68": 3, "80": 4, "96": 8, "104": 3, "116": 4, "118": 4})
_COUNTRY = _Picker({"103644278": 30, "101165590": 10, "101282230": 12, "105015875": 6, "102890719": 5,
                    "106693272": 3, "105646813": 4, "103350119": 4, "105117694": 3, "104738515": 3, "101174742": 6,
                    "101452733": 4, "102713980": 6, "102454443": 2, "106057199": 2})
_FUNCTION = _Picker({"25": 14, "8": 14, "13": 8, "15": 9, "18": 8, "10": 6, "12": 5, "4": 6, "19": 5, "26": 5,
                     "6": 4, "1": 2, "2": 2, "3": 2, "5": 1, "7": 1, "9": 1, "11": 2, "14": 2, "16": 2, "17": 1,
                     "20": 3, "21": 1, "22": 2, "23": 1, "24": 2})
_SENIORITY = _Picker({"100": 2, "110": 15, "120": 25, "130": 3, "200": 10, "210": 15, "220": 12, "300": 8,
                      "310": 5, "320": 5})
_POSITION_YEARS = _Picker({"1": 22, "2": 25, "3": 28, "4": 15, "5": 10})
_LEAD_WEIGHT = {"A": 0.5, "B": 1, "C": 2, "D": 3, "E": 4, "F": 5, "G": 6, "H": 7, "I": 9}
_LEGAL_SUFFIX = {"101282230": ("GmbH", "AG"), "106693272": ("AG",), "101165590": ("Ltd",), "105015875": ("SAS",),
                 "102890719": ("B.V.",), "103644278": ("Inc.", "LLC"), "105117694": ("AB",), "103350119": ("S.p.A.",)}
_TOKEN_CHARS = string.ascii_letters + string.digits
_TABLES: dict[str, bytes] = {}
_PAST_COUNT = _Picker({"0": 20, "1": 40, "2": 30, "3": 10})


def _token(rng: random.Random, n: int, alphabet: str = _TOKEN_CHARS) -> str:
    # One RNG call and one C-level translate per token: generation must stay fast.
    table = _TABLES.get(alphabet)
    if table is None:
        table = _TABLES[alphabet] = bytes(ord(alphabet[b % len(alphabet)]) for b in range(256))
    return rng.randbytes(n).translate(table).decode("ascii")


@cache
def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def _company(rng: random.Random, index: int, company_id: int, used_names: set[str], geo: Gazetteer,
             planted: bool) -> Company:
    if planted:
        industry, headcount = PLANTED_INDUSTRY, PLANTED_HEADCOUNT
        hq = rng.choice(geo.cities_in(PLANTED_COUNTRY))
    else:
        industry, headcount = _INDUSTRY(rng), _HEADCOUNT(rng)
        hq = rng.choice(geo.cities_in(_COUNTRY(rng)))
    country = geo.country_of(hq.geo_id)
    name = ""
    for _ in range(20):
        name = f"{rng.choice(COMPANY_ROOTS)} {rng.choice(INDUSTRY_SUFFIXES[industry])}"
        if country.geo_id in _LEGAL_SUFFIX and rng.random() < 0.35:
            name = f"{name} {rng.choice(_LEGAL_SUFFIX[country.geo_id])}"
        if name not in used_names:
            break
    else:
        name = f"{name} {index}"
    used_names.add(name)
    low, high = HEADCOUNT_BOUNDS[headcount]
    employees = rng.randint(low, high) if high is not None else int(low * (1.03 ** rng.randint(0, 110)))
    revenue = round(max(0.05, employees * rng.uniform(0.06, 0.45)), 1)
    if headcount == "A":
        company_type = "S"
    elif industry == "68":
        company_type = "E"
    else:
        public_share = {"I": 0.6, "H": 0.45, "G": 0.3}.get(headcount, 0.05)
        roll = rng.random()
        company_type = "C" if roll < public_share else "N" if roll > 0.96 else "G" if roll > 0.94 else "P"
    slug = _slug(name)
    kind = {"C": "public", "P": "privately held", "N": "non-profit", "E": "educational", "G": "government",
            "S": "self-employed"}[company_type]
    return Company(
        position=index,
        company_id=company_id,
        name=name,
        universal_name=slug,
        industry_id=industry,
        headcount=headcount,
        employee_count=employees,
        revenue_musd=revenue,
        company_type=company_type,
        hq_geo_id=hq.geo_id,
        hq_location=hq.name,
        follower_count=employees * rng.randint(2, 40) + rng.randint(0, 500),
        tagline=INDUSTRY_TAGLINES[industry],
        description=(f"{name} is a {kind} {INDUSTRY[industry].lower()} company headquartered in {hq.name}, "
                     f"with {HEADCOUNT[headcount]} employees."),
        website=f"https://www.{slug}.example",
        logo_url=f"https://media.licdn.com/dms/image/sandbox/company-logo/{company_id}.png",
    )


def _lead_place(rng: random.Random, company: Company, geo: Gazetteer) -> Place:
    roll = rng.random()
    if roll < 0.75:
        return geo.places[company.hq_geo_id]
    if roll < 0.9:
        return rng.choice(geo.cities_in(geo.country_of(company.hq_geo_id).geo_id))
    return rng.choice(geo.cities)


def _lead(rng: random.Random, index: int, member_id: int, company: Company, companies: tuple[Company, ...],
          geo: Gazetteer, titles: dict[str, str], planted: bool) -> Lead:
    if planted:
        function, seniority = "25", "300"
        place = geo.places[company.hq_geo_id]
    else:
        function, seniority = _FUNCTION(rng), _SENIORITY(rng)
        if company.headcount in "AB" and rng.random() < 0.5:
            seniority = "320"
        place = _lead_place(rng, company, geo)
    country = geo.country_of(place.geo_id)
    language = place.language if rng.random() < 0.7 else "en"
    first = rng.choice(FIRST_NAMES[country.language])
    last = rng.choice(LAST_NAMES[country.language])
    title = rng.choice(title_variants(function, seniority))
    position_years = _POSITION_YEARS(rng)
    company_years = str(rng.randint(int(position_years), 5))
    experience_years = str(rng.randint(int(company_years), 5))
    past_count = int(_PAST_COUNT(rng))
    past = tuple(dict.fromkeys(
        c.company_id for c in (companies[int(rng.random() * len(companies))] for _ in range(past_count))
        if c.company_id != company.company_id))
    junior = SENIORITY_ORDER[max(0, SENIORITY_ORDER.index(seniority) - rng.randint(1, 3))]
    past_titles = tuple(rng.choice(title_variants(function, junior)) for _ in past)
    changed = position_years == "1" and rng.random() < 0.45
    open_to_work = rng.random() < 0.05
    degrees = {}
    for account_id in ACCOUNT_IDS:
        roll = rng.random()
        first_share = 0.07 if account_id == DEFAULT_ACCOUNT_ID else 0.04
        degrees[account_id] = "F" if roll < first_share else "S" if roll < first_share + 0.32 else "O"
    area = FUNCTION_ROLES[function][1]
    style = rng.random()
    if open_to_work and style < 0.5:
        headline = f"{title} at {company.name} | Open to new opportunities"
    elif style < 0.7:
        headline = f"{title} at {company.name}"
    elif style < 0.9:
        headline = f"{title} | {area} | {company.tagline}"
    else:
        headline = f"{title} @ {company.name} · Helping teams grow"
    categories: tuple[str, ...] = ()
    if function in ("4", "6", "9", "15") and rng.random() < 0.25:
        categories = tuple(sorted(rng.sample(SERVICE_CATEGORIES, rng.randint(1, 2))))
    slug = f"{_slug(first)}-{_slug(last)}-{_token(rng, 6, '0123456789abcdef')}"
    return Lead(
        position=index,
        member_id=member_id,
        profile_id=slug,
        profile_urn=f"urn:li:fsd_profile:ACoAA{_token(rng, 22, _TOKEN_CHARS + '-_')}",
        person_id=_token(rng, 10),
        first_name=first,
        last_name=last,
        headline=headline,
        title=title,
        title_id=titles[title],
        seniority=seniority,
        function=function,
        company_id=company.company_id,
        company_name=company.name,
        industry_id=company.industry_id,
        headcount=company.headcount,
        geo_id=place.geo_id,
        location=place.name,
        years_in_position=position_years,
        years_at_company=company_years,
        years_experience=experience_years,
        past_company_ids=past,
        past_titles=past_titles,
        recently_changed_jobs=changed,
        posted_on_linkedin=rng.random() < 0.22,
        profile_language=language,
        degrees=degrees,
        open_to_work=open_to_work,
        is_premium=rng.random() < 0.18,
        school=rng.choice(UNIVERSITIES[country.geo_id]),
        service_categories=categories,
        picture=f"https://media.licdn.com/dms/image/sandbox/profile/{member_id}.jpg" if rng.random() < 0.7 else None,
    )


@cache
def build_population(seed: int) -> Population:
    rng = random.Random(f"salesnav-sandbox-population:{seed}")
    geo = gazetteer()
    titles = title_ids()
    planted_companies = set(rng.sample(range(N_COMPANIES), PLANTED_COMPANIES))
    company_ids = rng.sample(range(10_000, 99_999_999), N_COMPANIES)
    used: set[str] = set()
    companies = tuple(_company(rng, i, company_ids[i], used, geo, i in planted_companies) for i in range(N_COMPANIES))
    planted_targets = [companies[i] for i in sorted(planted_companies)]
    planted_leads = dict(zip(sorted(rng.sample(range(N_LEADS), PLANTED_LEADS)),
                             (planted_targets[i % PLANTED_COMPANIES] for i in range(PLANTED_LEADS)), strict=True))
    employer = _Picker({str(c.position): _LEAD_WEIGHT[c.headcount] for c in companies})
    leads = []
    member_id = 100_000_000
    for i in range(N_LEADS):
        member_id += rng.randint(1, 9000)
        planted = planted_leads.get(i)
        company = planted or companies[int(employer(rng))]
        leads.append(_lead(rng, i, member_id, company, companies, geo, titles, planted is not None))
    lead_tuple = tuple(leads)
    return Population(
        seed=seed,
        companies=companies,
        leads=lead_tuple,
        companies_by_id={c.company_id: c for c in companies},
        leads_by_profile_id={lead.profile_id: lead for lead in lead_tuple},
        leads_by_urn={lead.profile_urn: lead for lead in lead_tuple},
        title_ids=titles,
        gazetteer=geo,
    )
