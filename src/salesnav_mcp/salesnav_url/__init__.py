"""Sales Navigator search URLs <-> typed queries.

A lead search is `https://www.linkedin.com/sales/search/people?query=(...)`, an account
search `.../sales/search/company?query=(...)`. The `query` value is a Rest.li 2.0 record:

    (spellCorrectionEnabled:true,keywords:cto,filters:List((type:REGION,values:List(
      (id:103644278,text:United%20States,selectionType:INCLUDED)))))

Modules, each importing only the ones above it:
- `errors`: SalesNavUrlError;
- `restli`: the generic value syntax (records, lists, percent-encoded scalars);
- `model`: `SearchQuery`, every part of a URL, lossless (`parse_search_url(build_search_url(q)) == q`);
- `build` / `parse`: SearchQuery -> URL, URL -> SearchQuery (and strict validation);
- `vocabulary`: human names <-> ids (seniority, region, industry, ...);
- `specs`: how each typed field maps to the values of a URL filter;
- `filters`: `LeadFilters` / `AccountFilters`, the human-friendly filters a model fills in.

Pure: only the standard library, pydantic and `salesnav_ids`.
"""

from .build import build_search_url
from .errors import SalesNavUrlError
from .filters import AccountFilters, LeadFilters
from .model import FilterValue, SearchQuery, UrlFilter
from .parse import parse_search_url, validate_search_url
from .restli import format_restli, parse_restli
from .specs import NamedId, RevenueRange
from .vocabulary import FILTER_TYPE_VOCABULARY, display_name, resolve_name

__all__ = [
    "FILTER_TYPE_VOCABULARY",
    "AccountFilters",
    "FilterValue",
    "LeadFilters",
    "NamedId",
    "RevenueRange",
    "SalesNavUrlError",
    "SearchQuery",
    "UrlFilter",
    "build_search_url",
    "display_name",
    "format_restli",
    "parse_restli",
    "parse_search_url",
    "resolve_name",
    "validate_search_url",
]
