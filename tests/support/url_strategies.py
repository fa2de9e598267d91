"""Hypothesis strategies and an independent LinkedIn-style URL encoder for the URL tests.

The encoder mirrors what LinkedIn's web app does (JavaScript encodeURIComponent plus Rest.li
escaping of `()'`), and shares no code with salesnav_url's builder, so a parser bug and a
builder bug cannot cancel out.
"""

from __future__ import annotations

from urllib.parse import quote

from hypothesis import strategies as st

from salesnav_mcp import salesnav_ids as ids
from salesnav_mcp.salesnav_url import FilterValue, NamedId, SearchQuery, UrlFilter

# ---------------------------------------------------------------- LinkedIn-style encoding


def encode_uri_component(text: str) -> str:
    return quote(text, safe="!*'()~-_.")


def li_scalar(text: str) -> str:
    """Rest.li 2.0 scalar: encodeURIComponent, then the structure characters it leaves alone."""
    if text == "":
        return "''"
    return encode_uri_component(text).replace("(", "%28").replace(")", "%29").replace("'", "%27")


def li_record(pairs: list[tuple[str, str]]) -> str:
    """`pairs` hold already-encoded inner values."""
    return "(" + ",".join(f"{li_scalar(k)}:{v}" for k, v in pairs) + ")"


def li_list(items: list[str]) -> str:
    return "List(" + ",".join(items) + ")"


def li_url(kind: str, inner: str, params: list[tuple[str, str]] = ()) -> str:
    url = f"https://www.linkedin.com/sales/search/{kind}?query=" + quote(inner, safe="!*'()~-_.")
    return url + "".join(f"&{encode_uri_component(k)}={encode_uri_component(v)}" for k, v in params)


def li_tree(value) -> str:
    """Encode a str / list / dict tree the LinkedIn way."""
    if isinstance(value, str):
        return li_scalar(value)
    if isinstance(value, list):
        return li_list([li_tree(v) for v in value])
    return li_record([(k, li_tree(v)) for k, v in value.items()])


# ---------------------------------------------------------------- generic values

# Plenty of the characters that matter to the encoding, plus arbitrary unicode.
tricky_text = st.text(
    alphabet=st.one_of(st.characters(codec="utf-8"), st.sampled_from(list(",():'%&+#= !*~"))), max_size=25
)
keys = st.text(
    alphabet=st.characters(categories=("L", "N")) | st.sampled_from(list("_-.:,()%'")), min_size=1, max_size=12
)

restli_trees = st.recursive(
    tricky_text,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(keys, children, max_size=3),
    max_leaves=8,
)

KNOWN_FILTER_TYPES = [
    "CURRENT_TITLE",
    "PAST_TITLE",
    "SENIORITY_LEVEL",
    "FUNCTION",
    "COMPANY_HEADCOUNT",
    "REGION",
    "INDUSTRY",
    "YEARS_IN_CURRENT_POSITION",
    "YEARS_AT_CURRENT_COMPANY",
    "YEARS_OF_EXPERIENCE",
    "RELATIONSHIP",
    "CURRENT_COMPANY",
    "PAST_COMPANY",
    "COMPANY_TYPE",
    "COMPANY_HEADQUARTERS",
    "PROFILE_LANGUAGE",
    "SCHOOL",
    "FIRST_NAME",
    "LAST_NAME",
    "GROUP",
    "LEAD_INTERACTIONS",
    "SAVED_LEADS_AND_ACCOUNTS",
    "VIEWED_YOUR_PROFILE",
    "FOLLOWS_YOUR_COMPANY",
    "WITH_SHARED_EXPERIENCES",
    "PAST_COLLEAGUE",
    "RECENTLY_CHANGED_JOBS",
    "POSTED_ON_LINKEDIN",
    "ANNUAL_REVENUE",
]
filter_types = st.sampled_from(KNOWN_FILTER_TYPES) | st.from_regex(r"[A-Z][A-Z_]{0,20}", fullmatch=True)


def extra_pairs(reserved: set[str]):
    """Unknown parts as (name, LinkedIn-encoded Rest.li text), unique names."""
    return st.lists(
        st.tuples(keys.filter(lambda k: k not in reserved), restli_trees.map(li_tree)),
        max_size=2,
        unique_by=lambda pair: pair[0],
    )


@st.composite
def filter_values(draw):
    value_id = draw(st.none() | tricky_text | st.integers(0, 10**9).map(lambda n: f"urn:li:organization:{n}"))
    text = draw(tricky_text if value_id is None else st.none() | tricky_text)
    return FilterValue(
        id=value_id,
        text=text,
        selection_type=draw(st.sampled_from(["INCLUDED", "EXCLUDED"])),
        extra=tuple(draw(extra_pairs({"id", "text", "selectionType"}))),
    )


finite = st.floats(allow_nan=False, allow_infinity=False)


@st.composite
def url_filters(draw):
    return UrlFilter(
        type=draw(filter_types),
        values=tuple(draw(st.lists(filter_values(), max_size=3))),
        range_min=draw(st.none() | finite),
        range_max=draw(st.none() | finite),
        sub_filter=draw(st.none() | tricky_text),
        extra=tuple(draw(extra_pairs({"type", "values", "rangeValue", "selectedSubFilter"}))),
    )


@st.composite
def search_queries(draw):
    return SearchQuery(
        kind=draw(st.sampled_from(["people", "company"])),
        keywords=draw(st.none() | tricky_text),
        filters=tuple(draw(st.lists(url_filters(), max_size=3))),
        spell_correction=draw(st.none() | st.booleans()),
        extra=tuple(draw(extra_pairs({"spellCorrectionEnabled", "keywords", "filters"}))),
        params=tuple(
            draw(st.lists(st.tuples(tricky_text.filter(lambda k: k not in ("", "query")), tricky_text), max_size=3))
        ),
    )


# ---------------------------------------------------------------- typed filters

# How a model might spell each id: canonical name, id, alias, odd casing.
VOCAB_SPELLINGS: dict[str, dict[str, list[str]]] = {}


def _spellings(names: dict[str, str], aliases: dict[str, str], extra: dict[str, str] = ()) -> dict[str, list[str]]:
    out = {key: [name, key, name.upper(), f"  {name.lower()} "] for key, name in names.items()}
    for alias, key in {**aliases, **dict(extra)}.items():
        out[key].append(alias)
    return out


VOCAB_SPELLINGS = {
    "seniority": _spellings(ids.SENIORITY, ids.SENIORITY_ALIASES),
    "function": _spellings(ids.FUNCTION, ids.FUNCTION_ALIASES),
    "headcount": _spellings(ids.HEADCOUNT, {"1k-5k": "G", "10K+": "I", "501-1K": "F"}),
    "region": _spellings(ids.REGION, ids.REGION_ALIASES),
    "industry": _spellings(ids.INDUSTRY, ids.INDUSTRY_ALIASES),
    "years": _spellings(ids.YEARS_BUCKET, {"<1": "1", "1-2": "2", "3-5": "3", "6-10": "4", "10+": "5"}),
    "connection_degree": _spellings({"F": "1st", "S": "2nd", "O": "3rd+"}, {v: k for k, v in ids.RELATIONSHIP.items()}),
    "company_type": _spellings(ids.COMPANY_TYPE, {"public": "C", "private": "P"}),
}

free_text = tricky_text.filter(lambda s: s.strip())


@st.composite
def disjoint_named(draw, vocab: str, open_ids: bool = False):
    """(include, exclude) lists of spellings naming disjoint ids."""
    spellings = VOCAB_SPELLINGS[vocab]
    chosen = draw(st.lists(st.sampled_from(sorted(spellings)), unique=True, max_size=5))
    items = [draw(st.sampled_from(spellings[key])) for key in chosen]
    if open_ids:  # ids outside the table: a bare id, a URN-less NamedId, or NamedId with a display name
        off = draw(st.lists(st.integers(10**9, 10**10).map(str), unique=True, max_size=3))
        items += [draw(st.sampled_from([n, NamedId(id=n), NamedId(id=n, name=draw(free_text))])) for n in off]
    cut = draw(st.integers(0, len(items)))
    return items[:cut], items[cut:]


@st.composite
def disjoint_titles(draw):
    texts = draw(st.lists(free_text, unique_by=lambda s: " ".join(s.casefold().split()), max_size=4))
    named = [
        NamedId(id=str(n), name=draw(st.none() | free_text))
        for n in draw(st.lists(st.integers(1, 9999), unique=True, max_size=2))
    ]
    items = texts + named
    cut = draw(st.integers(0, len(items)))
    return items[:cut], items[cut:]


company_names = free_text.filter(lambda s: not s.strip().isdigit() and not s.strip().startswith("urn:"))


@st.composite
def disjoint_companies(draw):
    numbers = draw(st.lists(st.integers(1, 10**8), unique=True, max_size=4))
    items = [
        draw(st.sampled_from([str(n), f"urn:li:organization:{n}", NamedId(id=str(n), name=draw(free_text))]))
        for n in numbers
    ]
    items += draw(st.lists(company_names, unique_by=lambda s: " ".join(s.casefold().split()), max_size=2))
    cut = draw(st.integers(0, len(items)))
    return items[:cut], items[cut:]


@st.composite
def revenue_ranges(draw):
    bounds = sorted(draw(st.lists(st.sampled_from(ids.REVENUE_BOUNDS) | st.floats(0, 5000), min_size=2, max_size=2)))
    which = draw(st.sampled_from(["both", "min", "max"]))
    return {"min": bounds[0] if which != "max" else None, "max": bounds[1] if which != "min" else None}


@st.composite
def other_filters(draw, typed: set[str]):
    items = draw(st.lists(url_filters(), max_size=2))
    return [f for f in items if f.type not in typed]


@st.composite
def lead_filter_data(draw):
    data: dict = {"keywords": draw(st.none() | tricky_text)}
    for field, exclude, source in [
        ("current_titles", "exclude_current_titles", disjoint_titles()),
        ("past_titles", "exclude_past_titles", disjoint_titles()),
        ("seniority", "exclude_seniority", disjoint_named("seniority")),
        ("function", "exclude_function", disjoint_named("function")),
        ("regions", "exclude_regions", disjoint_named("region", open_ids=True)),
        ("industries", "exclude_industries", disjoint_named("industry", open_ids=True)),
        ("current_companies", "exclude_current_companies", disjoint_companies()),
        ("past_companies", "exclude_past_companies", disjoint_companies()),
    ]:
        data[field], data[exclude] = draw(source)
    for field, vocab in [
        ("company_headcount", "headcount"),
        ("years_in_role", "years"),
        ("years_at_company", "years"),
        ("years_of_experience", "years"),
        ("connection_degree", "connection_degree"),
    ]:
        data[field] = sum(draw(disjoint_named(vocab)), [])
    data["company_revenue"] = draw(st.none() | revenue_ranges())
    data["changed_jobs_recently"] = draw(st.booleans())
    data["posted_on_linkedin"] = draw(st.booleans())
    data["other_filters"] = draw(other_filters(LEAD_TYPED_TYPES))
    return data


@st.composite
def account_filter_data(draw):
    data: dict = {"keywords": draw(st.none() | tricky_text)}
    data["industries"], data["exclude_industries"] = draw(disjoint_named("industry", open_ids=True))
    data["regions"], data["exclude_regions"] = draw(disjoint_named("region", open_ids=True))
    data["headcount"] = sum(draw(disjoint_named("headcount")), [])
    data["company_type"] = sum(draw(disjoint_named("company_type")), [])
    data["revenue"] = draw(st.none() | revenue_ranges())
    data["other_filters"] = draw(other_filters(ACCOUNT_TYPED_TYPES))
    return data


LEAD_TYPED_TYPES = {
    "CURRENT_TITLE",
    "PAST_TITLE",
    "SENIORITY_LEVEL",
    "FUNCTION",
    "COMPANY_HEADCOUNT",
    "REGION",
    "INDUSTRY",
    "YEARS_IN_CURRENT_POSITION",
    "YEARS_AT_CURRENT_COMPANY",
    "YEARS_OF_EXPERIENCE",
    "RELATIONSHIP",
    "CURRENT_COMPANY",
    "PAST_COMPANY",
    "ANNUAL_REVENUE",
    "RECENTLY_CHANGED_JOBS",
    "POSTED_ON_LINKEDIN",
}
ACCOUNT_TYPED_TYPES = {"COMPANY_HEADCOUNT", "INDUSTRY", "COMPANY_HEADQUARTERS", "COMPANY_TYPE", "ANNUAL_REVENUE"}
