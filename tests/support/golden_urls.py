"""Realistic Sales Navigator URLs (LinkedIn's own encoding) and exactly what they mean.

The URL tests check the client's parser and builder against them (tests/salesnav_url), the sandbox
tests its own reader (tests/sandbox/test_search_url.py).
"""

from __future__ import annotations

from salesnav_mcp.salesnav_url import FilterValue, SearchQuery, UrlFilter

PARENT = (("parent", "(id:0)"),)


def v(value_id=None, text=None, selection="INCLUDED", extra=()):
    return FilterValue(id=value_id, text=text, selection_type=selection, extra=extra)


def f(filter_type, *values):
    return UrlFilter(type=filter_type, values=values)


GOLDEN: dict[str, tuple[str, SearchQuery]] = {
    "keywords with session parameters": (
        "https://www.linkedin.com/sales/search/people?query=(recentSearchParam%3A(id%3A3427651892%2CdoLogHistory%3Atrue)"
        "%2CspellCorrectionEnabled%3Atrue%2Ckeywords%3Ahead%2520of%2520sales)"
        "&sessionId=Yx3Ok1L7QwS%2BmF0p2q%3D%3D&viewAllFilters=true",
        SearchQuery(
            kind="people",
            keywords="head of sales",
            spell_correction=True,
            extra=(("recentSearchParam", "(id:3427651892,doLogHistory:true)"),),
            params=(("sessionId", "Yx3Ok1L7QwS+mF0p2q=="), ("viewAllFilters", "true")),
        ),
    ),
    "seniority, function and regions with an exclusion": (
        "https://www.linkedin.com/sales/search/people?query=(recentSearchParam%3A(id%3A2918273645%2CdoLogHistory%3Atrue)"
        "%2Cfilters%3AList((type%3ASENIORITY_LEVEL%2Cvalues%3AList((id%3A300%2Ctext%3AVice%2520President%2C"
        "selectionType%3AINCLUDED)%2C(id%3A310%2Ctext%3ACXO%2CselectionType%3AINCLUDED)%2C(id%3A110%2Ctext%3A"
        "Entry%2520Level%2CselectionType%3AEXCLUDED)))%2C(type%3AFUNCTION%2Cvalues%3AList((id%3A25%2Ctext%3ASales"
        "%2CselectionType%3AINCLUDED)))%2C(type%3AREGION%2Cvalues%3AList((id%3A103644278%2Ctext%3AUnited%2520States"
        "%2CselectionType%3AINCLUDED)%2C(id%3A101282230%2Ctext%3AGermany%2CselectionType%3AINCLUDED)%2C(id%3A101165590"
        "%2Ctext%3AUnited%2520Kingdom%2CselectionType%3AEXCLUDED)))))&sessionId=k3J9mWq2Ty6XbQ0pLr8vZg%3D%3D",
        SearchQuery(
            kind="people",
            keywords=None,
            spell_correction=None,
            filters=(
                f("SENIORITY_LEVEL", v("300", "Vice President"), v("310", "CXO"), v("110", "Entry Level", "EXCLUDED")),
                f("FUNCTION", v("25", "Sales")),
                f(
                    "REGION",
                    v("103644278", "United States"),
                    v("101282230", "Germany"),
                    v("101165590", "United Kingdom", "EXCLUDED"),
                ),
            ),
            extra=(("recentSearchParam", "(id:2918273645,doLogHistory:true)"),),
            params=(("sessionId", "k3J9mWq2Ty6XbQ0pLr8vZg=="),),
        ),
    ),
    "companies with parent and free-text company": (
        "https://www.linkedin.com/sales/search/people?query=(filters%3AList((type%3ACURRENT_COMPANY%2Cvalues%3AList("
        "(id%3Aurn%253Ali%253Aorganization%253A1035%2Ctext%3AMicrosoft%2CselectionType%3AINCLUDED%2Cparent%3A(id%3A0))"
        "%2C(text%3AAcme%2520%2528Europe%2529%252C%2520Ltd.%2CselectionType%3AINCLUDED)))%2C(type%3APAST_COMPANY%2C"
        "values%3AList((id%3Aurn%253Ali%253Aorganization%253A1028%2Ctext%3AOracle%2CselectionType%3AEXCLUDED%2C"
        "parent%3A(id%3A0)))))%2CspellCorrectionEnabled%3Atrue)&viewAllFilters=true",
        SearchQuery(
            kind="people",
            spell_correction=True,
            filters=(
                f(
                    "CURRENT_COMPANY",
                    v("urn:li:organization:1035", "Microsoft", extra=PARENT),
                    v(None, "Acme (Europe), Ltd."),
                ),
                f("PAST_COMPANY", v("urn:li:organization:1028", "Oracle", "EXCLUDED", extra=PARENT)),
            ),
            params=(("viewAllFilters", "true"),),
        ),
    ),
    "spotlights and connection degree": (
        "https://www.linkedin.com/sales/search/people?query=(recentSearchParam%3A(id%3A3501122334%2CdoLogHistory%3Atrue)"
        "%2Cfilters%3AList((type%3ARECENTLY_CHANGED_JOBS%2Cvalues%3AList((id%3ARPC%2Ctext%3AChanged%2520jobs%2C"
        "selectionType%3AINCLUDED)))%2C(type%3APOSTED_ON_LINKEDIN%2Cvalues%3AList((id%3ARPOL%2Ctext%3APosted%2520on"
        "%2520LinkedIn%2CselectionType%3AINCLUDED)))%2C(type%3ARELATIONSHIP%2Cvalues%3AList((id%3AS%2Ctext%3A2nd%2520"
        "degree%2520connections%2CselectionType%3AINCLUDED)%2C(id%3AO%2Ctext%3A3rd%2520degree%2520and%2520beyond%2C"
        "selectionType%3AINCLUDED))))%2Ckeywords%3Akubernetes)&sessionId=Qm9vb3N0ZXI%3D",
        SearchQuery(
            kind="people",
            keywords="kubernetes",
            spell_correction=None,
            filters=(
                f("RECENTLY_CHANGED_JOBS", v("RPC", "Changed jobs")),
                f("POSTED_ON_LINKEDIN", v("RPOL", "Posted on LinkedIn")),
                f("RELATIONSHIP", v("S", "2nd degree connections"), v("O", "3rd degree and beyond")),
            ),
            extra=(("recentSearchParam", "(id:3501122334,doLogHistory:true)"),),
            params=(("sessionId", "Qm9vb3N0ZXI="),),
        ),
    ),
    "account search with revenue range": (
        "https://www.linkedin.com/sales/search/company?query=(spellCorrectionEnabled%3Atrue%2Ckeywords%3Afintech%2520"
        "%2526%2520payments%2Cfilters%3AList((type%3AANNUAL_REVENUE%2CrangeValue%3A(min%3A1%2Cmax%3A10)%2C"
        "selectedSubFilter%3AUSD)%2C(type%3ACOMPANY_HEADCOUNT%2Cvalues%3AList((id%3AD%2Ctext%3A51-200%2C"
        "selectionType%3AINCLUDED)%2C(id%3AE%2Ctext%3A201-500%2CselectionType%3AINCLUDED)))%2C(type%3AINDUSTRY%2C"
        "values%3AList((id%3A4%2Ctext%3ASoftware%2520Development%2CselectionType%3AINCLUDED)%2C(id%3A43%2Ctext%3A"
        "Financial%2520Services%2CselectionType%3AEXCLUDED)))%2C(type%3ACOMPANY_HEADQUARTERS%2Cvalues%3AList((id%3A"
        "101282230%2Ctext%3AGermany%2CselectionType%3AINCLUDED)))))&sessionId=c2Vzc2lvbg%3D%3D",
        SearchQuery(
            kind="company",
            keywords="fintech & payments",
            filters=(
                UrlFilter(type="ANNUAL_REVENUE", range_min=1, range_max=10, sub_filter="USD"),
                f("COMPANY_HEADCOUNT", v("D", "51-200"), v("E", "201-500")),
                f("INDUSTRY", v("4", "Software Development"), v("43", "Financial Services", "EXCLUDED")),
                f("COMPANY_HEADQUARTERS", v("101282230", "Germany")),
            ),
            params=(("sessionId", "c2Vzc2lvbg=="),),
        ),
    ),
    "free-text titles with punctuation and non-ASCII": (
        "https://www.linkedin.com/sales/search/people?query=(filters%3AList((type%3ACURRENT_TITLE%2Cvalues%3AList("
        "(text%3AVP%252C%2520Sales%2520%2528EMEA%2529%2CselectionType%3AINCLUDED)%2C(text%3AGesch%25C3%25A4ftsf"
        "%25C3%25BChrer%2CselectionType%3AINCLUDED)%2C(text%3AIntern%2CselectionType%3AEXCLUDED)))%2C(type%3A"
        "PAST_TITLE%2Cvalues%3AList((id%3A8%2Ctext%3AChief%2520Technology%2520Officer%2CselectionType%3AINCLUDED)))))",
        SearchQuery(
            kind="people",
            spell_correction=None,
            filters=(
                f(
                    "CURRENT_TITLE",
                    v(None, "VP, Sales (EMEA)"),
                    v(None, "Geschäftsführer"),
                    v(None, "Intern", "EXCLUDED"),
                ),
                f("PAST_TITLE", v("8", "Chief Technology Officer")),
            ),
        ),
    ),
    "unknown filter types and query parts are kept": (
        "https://www.linkedin.com/sales/search/people?query=(lastViewedAt%3A1732380000000%2Cfilters%3AList((type%3A"
        "LEAD_INTERACTIONS%2Cvalues%3AList((id%3ALIVP%2Ctext%3AViewed%2520profile%2CselectionType%3AEXCLUDED)))%2C"
        "(type%3ASAVED_LEADS_AND_ACCOUNTS%2Cvalues%3AList((id%3ASL%2Ctext%3AAll%2520my%2520saved%2520leads%2C"
        "selectionType%3AINCLUDED)))%2C(type%3AYEARS_IN_CURRENT_POSITION%2Cvalues%3AList((id%3A2%2Ctext%3A1%2520to"
        "%25202%2520years%2CselectionType%3AINCLUDED)%2C(id%3A3%2Ctext%3A3%2520to%25205%2520years%2CselectionType%3A"
        "INCLUDED)))%2C(type%3AYEARS_AT_CURRENT_COMPANY%2Cvalues%3AList((id%3A4%2Ctext%3A6%2520to%252010%2520years%2C"
        "selectionType%3AINCLUDED)))%2C(type%3APROFILE_LANGUAGE%2Cvalues%3AList((id%3Aen%2Ctext%3AEnglish%2C"
        "selectionType%3AINCLUDED)))))&_ntb=aBcD1234&viewAllFilters=true",
        SearchQuery(
            kind="people",
            spell_correction=None,
            filters=(
                f("LEAD_INTERACTIONS", v("LIVP", "Viewed profile", "EXCLUDED")),
                f("SAVED_LEADS_AND_ACCOUNTS", v("SL", "All my saved leads")),
                f("YEARS_IN_CURRENT_POSITION", v("2", "1 to 2 years"), v("3", "3 to 5 years")),
                f("YEARS_AT_CURRENT_COMPANY", v("4", "6 to 10 years")),
                f("PROFILE_LANGUAGE", v("en", "English")),
            ),
            extra=(("lastViewedAt", "1732380000000"),),
            params=(("_ntb", "aBcD1234"), ("viewAllFilters", "true")),
        ),
    ),
    "address bar copy decoded once by the browser": (
        "https://www.linkedin.com/sales/search/people?query=(spellCorrectionEnabled:true,keywords:data%20engineer,"
        "filters:List((type:REGION,values:List((id:102221843,text:North%20America,selectionType:INCLUDED)))))",
        SearchQuery(
            kind="people",
            keywords="data engineer",
            filters=(f("REGION", v("102221843", "North America")),),
        ),
    ),
    "bare host, trailing slash and fragment": (
        "https://linkedin.com/sales/search/company/?query=(filters%3AList((type%3ACOMPANY_TYPE%2Cvalues%3AList((id%3AP"
        "%2Ctext%3APrivately%2520Held%2CselectionType%3AINCLUDED)))))&viewAllFilters=true#results",
        SearchQuery(
            kind="company",
            spell_correction=None,
            filters=(f("COMPANY_TYPE", v("P", "Privately Held")),),
            params=(("viewAllFilters", "true"),),
        ),
    ),
    "empty keywords, off-table geo id, spell correction off": (
        "https://www.linkedin.com/sales/search/people?query=(spellCorrectionEnabled%3Afalse%2Ckeywords%3A''%2Cfilters"
        "%3AList((type%3AREGION%2Cvalues%3AList((id%3A90009496%2Ctext%3AGreater%2520Boston%2CselectionType%3AINCLUDED)"
        "%2C(id%3A102221843%2Ctext%3ANorth%2520America%2CselectionType%3AINCLUDED)))%2C(type%3AINDUSTRY%2Cvalues%3A"
        "List((id%3A96%2Ctext%3AIT%2520Services%2520and%2520IT%2520Consulting%2CselectionType%3AINCLUDED)))))",
        SearchQuery(
            kind="people",
            keywords="",
            spell_correction=False,
            filters=(
                f("REGION", v("90009496", "Greater Boston"), v("102221843", "North America")),
                f("INDUSTRY", v("96", "IT Services and IT Consulting")),
            ),
        ),
    ),
}
