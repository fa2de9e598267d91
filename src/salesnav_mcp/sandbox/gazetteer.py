"""A small gazetteer: continents, countries and cities with geo ids and containment.

Continent and country ids are LinkedIn's (every id in `salesnav_ids.REGION`, with
the hierarchy of `REGION_PARENTS`). City ids are synthetic (93xxxxxx), stable,
and found through the geo lookup like any other place.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

from salesnav_mcp.salesnav_ids import REGION, REGION_ALIASES, REGION_PARENTS

_CONTINENTS = ("102221843", "100506914")

# country id -> (language of most profiles there, cities as (name, state/region or ""))
_COUNTRY_CITIES: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "103644278": ("en", (("New York", "New York"), ("San Francisco", "California"), ("Austin", "Texas"),
                         ("Chicago", "Illinois"), ("Boston", "Massachusetts"), ("Seattle", "Washington"),
                         ("Atlanta", "Georgia"))),
    "101174742": ("en", (("Toronto", "Ontario"), ("Vancouver", "British Columbia"), ("Montréal", "Quebec"))),
    "101165590": ("en", (("London", "England"), ("Manchester", "England"), ("Edinburgh", "Scotland"))),
    "101282230": ("de", (("Berlin", "Berlin"), ("Munich", "Bavaria"), ("Frankfurt am Main", "Hesse"),
                         ("Hamburg", "Hamburg"), ("Cologne", "North Rhine-Westphalia"))),
    "105015875": ("fr", (("Paris", "Île-de-France"), ("Lyon", "Auvergne-Rhône-Alpes"))),
    "102890719": ("nl", (("Amsterdam", "North Holland"), ("Rotterdam", "South Holland"))),
    "106693272": ("de", (("Zürich", "Zurich"), ("Geneva", "Geneva"))),
    "105646813": ("es", (("Madrid", "Community of Madrid"), ("Barcelona", "Catalonia"))),
    "103350119": ("it", (("Milan", "Lombardy"), ("Rome", "Lazio"))),
    "105117694": ("sv", (("Stockholm", "Stockholm County"), ("Gothenburg", "Västra Götaland"))),
    "104738515": ("en", (("Dublin", "County Dublin"), ("Cork", "County Cork"))),
    "101452733": ("en", (("Sydney", "New South Wales"), ("Melbourne", "Victoria"))),
    "102713980": ("en", (("Bengaluru", "Karnataka"), ("Mumbai", "Maharashtra"))),
    "102454443": ("en", (("Singapore", ""),)),
    "106057199": ("pt", (("São Paulo", "São Paulo"), ("Rio de Janeiro", "Rio de Janeiro"))),
}
# ISO 3166 alpha-2 code of each country above.
COUNTRY_CODES: dict[str, str] = {
    "103644278": "US", "101174742": "CA", "101165590": "GB", "101282230": "DE", "105015875": "FR", "102890719": "NL",
    "106693272": "CH", "105646813": "ES", "103350119": "IT", "105117694": "SE", "104738515": "IE", "101452733": "AU",
    "102713980": "IN", "102454443": "SG", "106057199": "BR",
}
_EXTRA_ALIASES = {"nyc": "New York", "bay area": "San Francisco", "munchen": "Munich", "muenchen": "Munich",
                  "koln": "Cologne", "frankfurt": "Frankfurt am Main", "zurich": "Zürich", "bangalore": "Bengaluru",
                  "sao paulo": "São Paulo", "montreal": "Montréal"}


def fold(text: str) -> str:
    """Lower-case and strip accents, for forgiving comparisons."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@dataclass(frozen=True, slots=True)
class Place:
    geo_id: str
    name: str  # display name, e.g. "Munich, Bavaria, Germany"
    short_name: str  # "Munich"
    kind: str  # continent | country | city
    parent: str | None
    language: str  # usual profile language there

    @property
    def state(self) -> str | None:
        """A city's state or region ("Bavaria" of "Munich, Bavaria, Germany"), when it has one."""
        parts = self.name.split(", ")
        return parts[1] if self.kind == "city" and len(parts) == 3 else None


class Gazetteer:
    def __init__(self) -> None:
        self.places: dict[str, Place] = {}
        for geo_id in _CONTINENTS:
            self.places[geo_id] = Place(geo_id, REGION[geo_id], REGION[geo_id], "continent", None, "en")
        next_city = 93000001
        for country_id, (language, cities) in _COUNTRY_CITIES.items():
            country = REGION[country_id]
            self.places[country_id] = Place(country_id, country, country, "country", REGION_PARENTS.get(country_id),
                                            language)
            for city, state in cities:
                city_id = str(next_city)
                next_city += 1
                display = ", ".join(dict.fromkeys(p for p in (city, state, country) if p))
                self.places[city_id] = Place(city_id, display, city, "city", country_id, language)
        missing = set(REGION) - set(self.places)
        if missing:  # every REGION id must be a place, or filters on it would silently match nothing
            raise RuntimeError(f"gazetteer lacks region ids {sorted(missing)}")
        self.cities: tuple[Place, ...] = tuple(p for p in self.places.values() if p.kind == "city")
        self.countries: tuple[Place, ...] = tuple(p for p in self.places.values() if p.kind == "country")
        self._cities_by_country = {c.geo_id: tuple(p for p in self.cities if p.parent == c.geo_id)
                                   for c in self.countries}
        self._chains: dict[str, frozenset[str]] = {gid: frozenset(self._walk(gid)) for gid in self.places}
        self._aliases: dict[str, str] = {fold(k): v for k, v in REGION_ALIASES.items()}
        by_short = {fold(p.short_name): p.geo_id for p in self.places.values()}
        for alias, short in _EXTRA_ALIASES.items():
            self._aliases[alias] = by_short[fold(short)]

    def _walk(self, geo_id: str) -> list[str]:
        chain = []
        current: str | None = geo_id
        while current is not None:
            chain.append(current)
            current = self.places[current].parent if current in self.places else None
        return chain

    def within(self, geo_id: str) -> frozenset[str]:
        """The ids of `geo_id` and every place containing it."""
        return self._chains.get(geo_id, frozenset({geo_id}))

    def cities_in(self, country_id: str) -> tuple[Place, ...]:
        return self._cities_by_country.get(country_id, ())

    def country_of(self, geo_id: str) -> Place:
        place = self.places[geo_id]
        return self.places[place.parent] if place.kind == "city" and place.parent else place

    def lookup(self, keywords: str) -> Place | None:
        """Best match for free text: exact name or alias, then prefix, then substring."""
        query = fold(keywords).strip()
        if not query:
            return None
        if query in self._aliases:
            return self.places[self._aliases[query]]
        kind_rank = {"country": 0, "continent": 1, "city": 2}
        best: tuple[int, int, str] | None = None
        for place in self.places.values():
            short, full = fold(place.short_name), fold(place.name)
            if query in (short, full):
                score = 0
            elif short.startswith(query) or full.startswith(query):
                score = 1
            elif query in full:
                score = 2
            else:
                continue
            key = (score, kind_rank[place.kind], place.geo_id)
            if best is None or key < best:
                best = key
        return self.places[best[2]] if best else None


@cache
def gazetteer() -> Gazetteer:
    return Gazetteer()
