"""The synthetic world: size, vocabulary, determinism, the planted cluster, inboxes."""

from __future__ import annotations

import time

import pytest

from salesnav_mcp import salesnav_ids as ids
from salesnav_mcp.clock import ManualClock
from salesnav_mcp.sandbox import SandboxConfig, create_app
from salesnav_mcp.sandbox.data import (
    ACCOUNT_SEEDS,
    BUSINESS_ACCOUNT_ID,
    DEFAULT_ACCOUNT_ID,
    FREE_ACCOUNT_ID,
    SECOND_SALES_NAV_ACCOUNT_ID,
)
from salesnav_mcp.sandbox.gazetteer import gazetteer
from salesnav_mcp.sandbox.population import build_population


def test_account_constants_follow_the_contract() -> None:
    by_id = {a.id: a for a in ACCOUNT_SEEDS}
    assert (by_id[DEFAULT_ACCOUNT_ID].first_name, by_id[DEFAULT_ACCOUNT_ID].premium_type) == ("Alex", "SALES_NAVIGATOR")
    assert (by_id[DEFAULT_ACCOUNT_ID].inmail_credits, by_id[DEFAULT_ACCOUNT_ID].inmail_total) == (50, 50)
    assert (by_id[SECOND_SALES_NAV_ACCOUNT_ID].inmail_credits, by_id[SECOND_SALES_NAV_ACCOUNT_ID].inmail_total) == (3, 30)
    assert (by_id[BUSINESS_ACCOUNT_ID].premium_type, by_id[BUSINESS_ACCOUNT_ID].inmail_credits) == ("BUSINESS_PREMIUM", 5)
    assert (by_id[FREE_ACCOUNT_ID].premium_type, by_id[FREE_ACCOUNT_ID].status) == ("FREE", "WARMUP")


def test_population_size_and_vocabulary() -> None:
    pop = build_population(7)
    assert len(pop.leads) >= 5000
    assert len(pop.companies) >= 1000
    geo = gazetteer()
    for lead in pop.leads:
        assert lead.seniority in ids.SENIORITY
        assert lead.function in ids.FUNCTION
        assert lead.industry_id in ids.INDUSTRY
        assert lead.headcount in ids.HEADCOUNT
        assert lead.years_in_position in ids.YEARS_BUCKET
        assert lead.years_in_position <= lead.years_at_company <= lead.years_experience
        assert geo.places[lead.geo_id].kind == "city"
        assert set(lead.degrees.values()) <= set(ids.RELATIONSHIP)
        assert lead.company_id not in lead.past_company_ids
    for company in pop.companies:
        assert company.company_type in ids.COMPANY_TYPE
        low, high = ids.HEADCOUNT_BOUNDS[company.headcount]
        assert low <= company.employee_count and (high is None or company.employee_count <= high)
        assert company.revenue_musd > 0
    assert len({lead.profile_id for lead in pop.leads}) == len(pop.leads)
    assert len({lead.profile_urn for lead in pop.leads}) == len(pop.leads)
    assert len({c.name for c in pop.companies}) == len(pop.companies)
    # Variety the filters need: every flag occurs, but not everywhere.
    for attribute in ("recently_changed_jobs", "posted_on_linkedin", "open_to_work", "is_premium"):
        share = sum(getattr(lead, attribute) for lead in pop.leads) / len(pop.leads)
        assert 0.01 < share < 0.5, attribute
    assert {lead.profile_language for lead in pop.leads} >= {"en", "de", "fr"}
    assert any(lead.service_categories for lead in pop.leads)


def test_same_seed_same_world_other_seed_other_world() -> None:
    fresh = build_population.__wrapped__  # bypass the per-seed cache
    first, again, other = fresh(7), fresh(7), fresh(8)
    assert first.leads == again.leads and first.companies == again.companies
    assert [lead.profile_id for lead in first.leads[:50]] != [lead.profile_id for lead in other.leads[:50]]


def test_generation_is_fast() -> None:
    fresh = build_population.__wrapped__
    best = min(_timed(lambda: fresh(12345)) for _ in range(3))
    assert best < 0.5, f"building the world took {best:.2f}s"


def _timed(action: object) -> float:
    # CPU time of this process: other work on a busy machine does not count against the sandbox.
    start = time.process_time()
    action()  # type: ignore[operator]
    return time.process_time() - start


def test_gazetteer_holds_every_region_id_and_hierarchy() -> None:
    geo = gazetteer()
    for geo_id in ids.REGION:
        assert geo_id in geo.places
    for child, parent in ids.REGION_PARENTS.items():
        assert parent in geo.within(child)
    munich = geo.lookup("Munich")
    assert munich is not None and munich.kind == "city"
    assert geo.within(munich.geo_id) == {munich.geo_id, "101282230", "100506914"}
    for country in geo.countries:
        assert geo.cities_in(country.geo_id), f"{country.name} has no city"


@pytest.mark.parametrize("seed", [7, 1, 2, 99, 2026])
def test_narrow_query_has_a_handful_and_broad_query_exceeds_the_cap(seed: int) -> None:
    pop = build_population(seed)
    geo = pop.gazetteer
    narrow = [lead for lead in pop.leads if lead.seniority == "300" and lead.function == "25"
              and lead.headcount == "E" and "101282230" in geo.within(lead.geo_id) and lead.industry_id == "43"]
    assert 3 <= len(narrow) <= 30
    in_north_america = [lead for lead in pop.leads if "102221843" in geo.within(lead.geo_id)]
    assert len(in_north_america) > 1000


def test_inboxes_mix_threads_and_carry_untrusted_instructions() -> None:
    world = create_app(SandboxConfig(clock=ManualClock())).state.world
    for account_id in (DEFAULT_ACCOUNT_ID, SECOND_SALES_NAV_ACCOUNT_ID):
        threads = world.conversations_of(account_id)
        assert len(threads) >= 30
        assert {t.source for t in threads} == {"linkedin", "sales_navigator"}
        assert any(t.unread_count for t in threads) and not all(t.unread_count for t in threads)
        for thread in threads:
            expected_degree = {"linkedin": {"F"}, "sales_navigator": {"S", "O"}}[thread.source]
            assert thread.lead.degree(account_id) in expected_degree
    assert {t.source for t in world.conversations_of(BUSINESS_ACCOUNT_ID)} == {"linkedin"}
    texts = [m.text for t in world.conversations_of(DEFAULT_ACCOUNT_ID) for m in t.messages if not m.by_owner]
    injections = [t for t in texts if "ignore previous instructions" in t.lower()]
    assert len(injections) == 2


def test_reset_restores_the_initial_state_in_place() -> None:
    app = create_app(SandboxConfig(clock=ManualClock()))
    world = app.state.world
    before = {urn: len(c.messages) for urn, c in world.conversations.items()}
    world.accounts[DEFAULT_ACCOUNT_ID].inmail_credits = 0
    world.conversations.clear()
    world.reset()
    assert app.state.world is world
    assert world.accounts[DEFAULT_ACCOUNT_ID].inmail_credits == 50
    assert {urn: len(c.messages) for urn, c in world.conversations.items()} == before


def test_same_seed_and_clock_give_the_same_inboxes_and_seats() -> None:
    def snapshot(seed: int) -> tuple[object, ...]:
        world = create_app(SandboxConfig(seed=seed, clock=ManualClock())).state.world
        threads = [(c.urn, c.source, c.lead.profile_id, c.unread_count, [(m.urn, m.text, m.sent_at) for m in c.messages])
                   for c in world.conversations_of(DEFAULT_ACCOUNT_ID)]
        return tuple(threads), world.seats, world.accounts[DEFAULT_ACCOUNT_ID].profile_urn

    assert snapshot(7) == snapshot(7)
    assert snapshot(7) != snapshot(8)


@pytest.mark.parametrize("seed", [7, 1, 2026])
def test_every_seeded_thread_is_in_time_order(seed: int) -> None:
    world = create_app(SandboxConfig(seed=seed, clock=ManualClock())).state.world
    for thread in world.conversations.values():
        times = [m.sent_at for m in thread.messages]
        assert times == sorted(times) and len(set(times)) == len(times), thread.urn
        assert thread.last_activity == max(times)
