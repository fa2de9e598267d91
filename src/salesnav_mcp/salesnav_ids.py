"""Sales Navigator filter vocabularies: human names <-> the ids LinkedIn puts in search URLs.

Pure data, importable by anyone (the URL builder, the tools, the sandbox's world).
Regions and industries list the common ones; any other place is found with the
upstream geo lookup (`POST /search/geo`).
"""

from __future__ import annotations

# COMPANY_HEADCOUNT: letter -> label (the label is also the accepted human name).
HEADCOUNT: dict[str, str] = {
    "A": "Self-employed",
    "B": "1-10",
    "C": "11-50",
    "D": "51-200",
    "E": "201-500",
    "F": "501-1000",
    "G": "1001-5000",
    "H": "5001-10000",
    "I": "10001+",
}
# Employee-count bounds per headcount letter (inclusive; None = open-ended).
HEADCOUNT_BOUNDS: dict[str, tuple[int, int | None]] = {
    "A": (1, 1),
    "B": (1, 10),
    "C": (11, 50),
    "D": (51, 200),
    "E": (201, 500),
    "F": (501, 1000),
    "G": (1001, 5000),
    "H": (5001, 10000),
    "I": (10001, None),
}

SENIORITY: dict[str, str] = {
    "100": "Training",
    "110": "Entry Level",
    "120": "Senior",
    "130": "Strategic",
    "200": "Entry Level Manager",
    "210": "Experienced Manager",
    "220": "Director",
    "300": "Vice President",
    "310": "CXO",
    "320": "Owner / Partner",
}
# Extra human names accepted for seniority ids.
SENIORITY_ALIASES: dict[str, str] = {
    "entry": "110",
    "vp": "300",
    "vice president": "300",
    "c-level": "310",
    "cxo": "310",
    "c-suite": "310",
    "owner": "320",
    "partner": "320",
    "manager": "210",
}

FUNCTION: dict[str, str] = {
    "1": "Accounting",
    "2": "Administrative",
    "3": "Arts and Design",
    "4": "Business Development",
    "5": "Community and Social Services",
    "6": "Consulting",
    "7": "Education",
    "8": "Engineering",
    "9": "Entrepreneurship",
    "10": "Finance",
    "11": "Healthcare Services",
    "12": "Human Resources",
    "13": "Information Technology",
    "14": "Legal",
    "15": "Marketing",
    "16": "Media and Communication",
    "17": "Military and Protective Services",
    "18": "Operations",
    "19": "Product Management",
    "20": "Program and Project Management",
    "21": "Purchasing",
    "22": "Quality Assurance",
    "23": "Real Estate",
    "24": "Research",
    "25": "Sales",
    "26": "Customer Success and Support",
}
FUNCTION_ALIASES: dict[str, str] = {"it": "13", "hr": "12", "customer success": "26", "product": "19"}

# REGION / COMPANY_HEADQUARTERS geo ids (a common subset).
REGION: dict[str, str] = {
    "102221843": "North America",
    "100506914": "Europe",
    "103644278": "United States",
    "101174742": "Canada",
    "101165590": "United Kingdom",
    "101282230": "Germany",
    "105015875": "France",
    "102890719": "Netherlands",
    "106693272": "Switzerland",
    "105646813": "Spain",
    "103350119": "Italy",
    "105117694": "Sweden",
    "104738515": "Ireland",
    "101452733": "Australia",
    "102713980": "India",
    "102454443": "Singapore",
    "106057199": "Brazil",
}
REGION_ALIASES: dict[str, str] = {"usa": "103644278", "us": "103644278", "uk": "101165590", "deutschland": "101282230"}
# Which common regions contain which (for the continent-level ids): continent -> its countries.
_CONTINENTS: dict[str, tuple[str, ...]] = {
    "102221843": ("103644278", "101174742"),  # North America: United States, Canada
    "100506914": (  # Europe: United Kingdom ... Ireland, as listed in REGION
        "101165590", "101282230", "105015875", "102890719", "106693272", "105646813", "103350119", "105117694",
        "104738515",
    ),
}
REGION_PARENTS: dict[str, str] = {country: continent for continent, countries in _CONTINENTS.items()
                                  for country in countries}

INDUSTRY: dict[str, str] = {
    "4": "Software Development",
    "6": "Technology, Information and Internet",
    "8": "Telecommunications",
    "11": "Business Consulting and Services",
    "12": "Biotechnology Research",
    "14": "Hospitals and Health Care",
    "15": "Pharmaceutical Manufacturing",
    "27": "Retail",
    "41": "Banking",
    "42": "Insurance",
    "43": "Financial Services",
    "44": "Real Estate",
    "47": "Accounting",
    "48": "Construction",
    "68": "Higher Education",
    "80": "Advertising Services",
    "96": "IT Services and IT Consulting",
    "104": "Staffing and Recruiting",
    "116": "Transportation, Logistics, Supply Chain and Storage",
    "118": "Computer and Network Security",
}
INDUSTRY_ALIASES: dict[str, str] = {
    "fintech": "43",
    "software": "4",
    "saas": "4",
    "it services": "96",
    "cybersecurity": "118",
    "healthcare": "14",
    "biotech": "12",
    "logistics": "116",
}

# YEARS_IN_CURRENT_POSITION, YEARS_AT_CURRENT_COMPANY, YEARS_OF_EXPERIENCE.
YEARS_BUCKET: dict[str, str] = {
    "1": "Less than 1 year",
    "2": "1 to 2 years",
    "3": "3 to 5 years",
    "4": "6 to 10 years",
    "5": "More than 10 years",
}

RELATIONSHIP: dict[str, str] = {"F": "1st degree connections", "S": "2nd degree connections", "O": "3rd degree and beyond"}
COMPANY_TYPE: dict[str, str] = {
    "C": "Public Company",
    "P": "Privately Held",
    "N": "Non Profit",
    "E": "Educational Institution",
    "G": "Government Agency",
    "S": "Self Employed",
}
# Spotlight toggles: filter type -> the single id LinkedIn uses.
SPOTLIGHT: dict[str, str] = {"RECENTLY_CHANGED_JOBS": "RPC", "POSTED_ON_LINKEDIN": "RPOL"}

# ANNUAL_REVENUE range bounds LinkedIn offers (millions of the sub-filter currency, USD by default).
REVENUE_BOUNDS: tuple[float, ...] = (0, 0.5, 1, 2.5, 5, 10, 20, 50, 100, 500, 1000, 1001)
