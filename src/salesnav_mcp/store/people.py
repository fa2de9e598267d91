"""The people the server has seen: one record per person, found by URN or by public id."""

from __future__ import annotations

from collections.abc import Sequence

from salesnav_mcp.store.base import StoreBase
from salesnav_mcp.store.records import Person
from salesnav_mcp.store.script import Batch, Script, Where, all_rows, one, reads, writes

_CHUNK = 500  # ids per query: well under every database's limit on parameters


class People(StoreBase):
    @writes
    def remember_people(self, people: Sequence[Person]) -> Script[None]:
        """Insert or refresh each person; what a later sighting does not know keeps its earlier value."""
        yield Batch(
            """INSERT INTO people (urn, public_id, name, headline, updated_at) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (urn) DO UPDATE SET public_id = COALESCE(excluded.public_id, people.public_id),
                 name = COALESCE(excluded.name, people.name), headline = COALESCE(excluded.headline, people.headline),
                 updated_at = excluded.updated_at""",
            [(p.urn, p.public_id, p.name, p.headline, p.updated_at) for p in people],
        )

    @reads
    def find_people(self, *, urns: Sequence[str] = (), public_ids: Sequence[str] = ()) -> Script[list[Person]]:
        """The known people among these URNs and public ids (in any order)."""
        found: list[Person] = []
        for column, values in (("urn", list(urns)), ("public_id", list(public_ids))):
            for start in range(0, len(values), _CHUNK):
                where = Where().one_of(column, values[start : start + _CHUNK])
                rows = yield all_rows(f"SELECT * FROM people WHERE {where.sql}", *where.args)
                found += [self._record(Person, r) for r in rows]
        return found

    @reads
    def person_by_urn(self, urn: str) -> Script[Person | None]:
        row = yield one("SELECT * FROM people WHERE urn = ?", urn)
        return None if row is None else self._record(Person, row)

    @reads
    def person_by_public_id(self, public_id: str) -> Script[Person | None]:
        row = yield one("SELECT * FROM people WHERE public_id = ? ORDER BY updated_at DESC LIMIT 1", public_id)
        return None if row is None else self._record(Person, row)
