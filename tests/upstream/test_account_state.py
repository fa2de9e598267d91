"""Account state through the real client: quotas, truthful status, both credit names, SSI groups, true totals."""

from __future__ import annotations

import json
from datetime import timedelta

import anyio
import pytest

from salesnav_mcp.sandbox.data import (
    BUSINESS_ACCOUNT_ID,
    DEFAULT_ACCOUNT_ID,
    FREE_ACCOUNT_ID,
    SECOND_SALES_NAV_ACCOUNT_ID,
)
from salesnav_mcp.upstream.errors import NotFoundError
from tests.upstream.helpers import fresh_recipients

pytestmark = pytest.mark.anyio

EUROPE_LEADS = "https://www.linkedin.com/sales/search/people?query=(filters%3AList((type%3AREGION%2Cvalues%3AList((id%3A100506914%2CselectionType%3AINCLUDED)))))"


async def test_quota_reflects_what_the_account_did(upstream, clock) -> None:
    async with upstream() as up:
        before = await up.cs.get_quota(DEFAULT_ACCOUNT_ID)
        (person,) = await fresh_recipients(up.cs, 1, degrees=["F"])  # one search
        await up.cs.send_message(recipient_profile_id=person.profile_id, message="Hi")
        stranger = next(x for x in up.world.leads if up.world.network.status(DEFAULT_ACCOUNT_ID, x) == "NOT_CONNECTED")
        await up.cs.get_profile(profile_id=stranger.profile_id)
        await up.cs.send_connection_request(profile_urn=stranger.profile_urn)
        after = await up.cs.get_quota(DEFAULT_ACCOUNT_ID)
        with pytest.raises(NotFoundError):
            await up.cs.get_quota("ffffffffffffffffffffffff")
    used = {q.feature: q.used for q in after.quotas}
    assert used == {"PROFILE_VIEW": 1, "CONNECT": 1, "SEARCH_PEOPLE": 1, "MESSAGE": 1}
    assert {q.feature: q.used for q in before.quotas} == dict.fromkeys(used, 0)
    limits = {q.feature: (q.limit, q.window) for q in after.quotas}
    assert limits == {
        "PROFILE_VIEW": (120, "daily"),
        "CONNECT": (90, "weekly"),
        "SEARCH_PEOPLE": (1000, "daily"),
        "MESSAGE": (150, "daily"),
    }
    search = after.feature("SEARCH_PEOPLE")
    assert search and search.reset_at == (clock.now() + timedelta(days=1)).replace(hour=0, minute=0)
    assert (
        after.account_id == DEFAULT_ACCOUNT_ID and "success" not in up.transport.exchanges[-2].response_content.decode()
    )


async def test_status_is_in_use_while_a_request_for_the_account_is_in_flight(upstream) -> None:
    async with upstream(route_latency={"POST /linkedin/search/people": 0.4}) as up:
        statuses: dict[str, str | None] = {}

        async def look() -> None:
            await anyio.sleep(0.15)
            statuses["busy"] = (await up.cs.get_account_status(DEFAULT_ACCOUNT_ID)).status
            statuses["other"] = (await up.cs.get_account_status(BUSINESS_ACCOUNT_ID)).status

        async with anyio.create_task_group() as tg:
            tg.start_soon(look)
            await up.cs.search_people(keywords="", count=1)
        statuses["after"] = (await up.cs.get_account_status(DEFAULT_ACCOUNT_ID)).status
    assert statuses == {"busy": "IN_USE", "other": "AVAILABLE", "after": "AVAILABLE"}


async def test_a_warming_up_account_is_in_use_while_the_warm_up_drives_it(upstream, clock) -> None:
    nine = clock.now()  # 09:00 UTC
    async with upstream() as up:
        seen = []
        for minutes in (0, 30, 44, 45):
            clock.advance(nine + timedelta(minutes=minutes) - clock.now())
            seen.append((await up.cs.get_account_status(FREE_ACCOUNT_ID)).status)
            seen.append((await up.cs.get_account_status(BUSINESS_ACCOUNT_ID)).status)
    assert seen == ["AVAILABLE", "AVAILABLE", "IN_USE", "AVAILABLE", "IN_USE", "AVAILABLE", "AVAILABLE", "AVAILABLE"]


async def test_sales_navigator_credits_carry_both_names(upstream) -> None:
    async with upstream() as up:
        credits = await up.cs.get_inmail_credits(account_id=SECOND_SALES_NAV_ACCOUNT_ID)
        wire = json.loads(up.transport.exchanges[-1].response_content)
        business = await up.cs.get_inmail_credits(account_id=BUSINESS_ACCOUNT_ID)
        business_wire = json.loads(up.transport.exchanges[-1].response_content)
    assert wire["availableCredits"] == wire["inMailCredits"] == credits.in_mail_credits == 3
    assert "availableCredits" not in business_wire and business.in_mail_credits == 5


async def test_ssi_groups_in_the_seeds_shape_and_the_profile_urn(upstream) -> None:
    async with upstream() as up:
        ssi = await up.cs.get_ssi()
    assert ssi.profile_urn == up.world.accounts[DEFAULT_ACCOUNT_ID].profile_urn
    for group in ssi.group_score:
        assert group.score is not None and group.group == group.group_type
        assert group.average_score == group.score.overall and group.group_size and group.group_size > 0
        assert group.change is not None and -99 < group.change < 99
        assert [p.pillar for p in group.pillars] == [s.pillar for s in group.score.sub_scores]
    assert ssi.industry == ssi.group_score[0] and ssi.industry.industry_name


async def test_url_search_reports_every_match_but_serves_1000(upstream) -> None:
    async with upstream() as up:
        first = await up.cs.search_people(url=EUROPE_LEADS, count=100)
        last = await up.cs.search_people(url=EUROPE_LEADS, start=900, count=100)
        beyond = await up.cs.search_people(url=EUROPE_LEADS, start=1000, count=100)
    assert first.pagination.total is not None and first.pagination.total > 1000
    assert len(last.people) == 100 and not last.has_more
    assert beyond.people == [] and beyond.pagination.total == first.pagination.total
