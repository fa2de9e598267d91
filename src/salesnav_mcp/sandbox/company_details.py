"""`POST /search/companies/details`: one company's page, by numeric id or universal name.

DEFINE (undocumented): `id` is the numeric id as text; `headquarters` is
`{city, geographicArea, country (ISO code), postalCode, line1}`; `companyType` uses
LinkedIn's enum names; `phone` is null; the call counts against no quota; an unknown
company is 404 `{success:false, error:"Company not found: ..."}`.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from salesnav_mcp.salesnav_ids import HEADCOUNT_BOUNDS

from .connectsafely import _checked_account, _json_body, _ok, endpoint
from .draws import unit
from .errors import cs_error
from .gazetteer import COUNTRY_CODES
from .population import Company
from .routes import routes
from .world import SandboxWorld
from .zod import Validator

_COMPANY_TYPES = {"C": "PUBLIC_COMPANY", "P": "PRIVATELY_HELD", "N": "NON_PROFIT", "E": "EDUCATIONAL",
                  "G": "GOVERNMENT_AGENCY", "S": "SELF_EMPLOYED"}
_SPECIALITY_WORDS = ("Consulting", "Analytics", "Operations", "Partnerships", "Platform", "Services", "Research",
                     "Customer Experience")


def _find(world: SandboxWorld, ref: Any) -> Company:
    pop = world.population
    text = str(ref).strip()
    company = pop.companies_by_id.get(int(text)) if text.isdigit() else next(
        (c for c in pop.companies if c.universal_name == text.lower()), None)
    if company is None:
        raise cs_error(404, f"Company not found: {text}")
    return company


def details_json(world: SandboxWorld, company: Company) -> dict[str, Any]:
    geo = world.population.gazetteer
    hq, country = geo.places[company.hq_geo_id], geo.country_of(company.hq_geo_id)
    low, high = HEADCOUNT_BOUNDS[company.headcount]
    words = sorted(_SPECIALITY_WORDS, key=lambda w: unit(world.seed, "speciality", company.company_id, w))
    return {
        "id": str(company.company_id),
        "name": company.name,
        "universalName": company.universal_name,
        "tagline": company.tagline,
        "description": company.description,
        "websiteUrl": company.website,
        "phone": None,
        "companyType": _COMPANY_TYPES[company.company_type],
        "headquarters": {"city": hq.short_name, "geographicArea": hq.state, "country": COUNTRY_CODES[country.geo_id],
                         "postalCode": None, "line1": None},
        "employeeRange": {"start": low, "end": high},
        "staffCount": company.employee_count,
        "specialities": [company.industry_name, *words[:3]],
        "logoUrl": company.logo_url,
        "coverImageUrl": f"https://media.licdn.com/dms/image/sandbox/company-cover/{company.company_id}.jpg",
        "linkedinUrl": f"https://www.linkedin.com/company/{company.universal_name}",
        "isActive": True,
        "isVerified": unit(world.seed, "company-verified", company.company_id) < 0.4,
    }


@endpoint
async def company_details(request: Request, world: SandboxWorld) -> Response:
    body = await _json_body(request)
    check = Validator(body)
    raw = body.get("companyId")
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    else:
        check.string("companyId", required=True, min_length=1)
    _checked_account(world, check)
    return _ok({"company": details_json(world, _find(world, raw))})


ROUTES = routes({"POST /search/companies/details": company_details})
