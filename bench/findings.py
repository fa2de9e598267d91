"""The findings paragraph of RESULTS.md: what each missed goal costs, why, and what would fix it.

Written from the measured figures of the same run, so a rerun never contradicts its own numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bench.harness import Figure, Section


def _find(section: Section, name: str) -> Figure | None:
    return next((f for f in section.figures if f.name.startswith(name)), None)


def _ratio(figure: Figure | None) -> str:
    return "n/a" if figure is None or figure.ratio is None else f"{figure.ratio:.2f}x"


def _verdict(figure: Figure | None) -> str:
    if figure is None or figure.met is None:
        return "not judged"
    return "met" if figure.met else f"missed, {figure.miss_text()}"


def coldstart(s: Section) -> str:
    main = _find(s, "spawn -> tools/list answered")
    text = f"**Cold start** {_ratio(main)} the floor ({_verdict(main)})."
    if main is not None and main.baseline is not None:
        text += f" At the medians, {main.value - main.baseline:.0f} ms more than the floor's {main.baseline:.0f} ms."
    breakdown = s.data.get("breakdown", {})
    phases = breakdown.get("phases", {})
    if not phases:
        return text
    ours = {k: v for k, v in phases.items() if "floor pays it too" not in k}
    parts = ", ".join(f"{k.split(' (')[0]} {v * 1000:.0f} ms" for k, v in ours.items())
    later = breakdown.get("after_initialize", {})
    tools = breakdown.get("scalars", {}).get("tool_count", 0)
    text += (
        f" `tools/list` is served from the catalog generated at build time (`server/catalog.json`): the server "
        f"starts without importing a toolset or building any of the {tools:.0f} SDK tool objects. Our part of "
        f"start-up (profile below): {parts}."
    )
    if later:
        text += (
            " On first use, after `tools/list`: "
            + ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in later.items())
            + "."
        )
    imports = s.data.get("extra_imports", {}).get("ranked", [])
    if main is not None and main.met is False and imports:
        text += (
            " What remains is imports: "
            + ", ".join(f"{name} {us / 1000:.0f} ms" for name, us in imports[:4])
            + " (importtime, inflated; `pydantic_settings` imports every settings source it ships, the AWS, "
            "Azure and GCP providers and its CLI parser included, as soon as `BaseSettings` is imported: "
            "avoiding them would mean reading the environment without pydantic-settings)."
        )
    return text


# What each profile owner stands for, in the findings' words.
_OWNER_WHY = {
    "SDK client: output-schema validation (jsonschema)": (
        "the SDK client validating our structured result against the published output schema with jsonschema"
    ),
    "event loop idle: waiting for worker threads (SQLite)": "the event loop waiting for the store's worker thread",
    "worker-thread hand-off (locks, event-loop wake-ups)": "handing the store call to a worker thread and back",
    "asyncio, anyio": "asyncio and anyio (the worker-thread hop, task switches)",
    "pydantic (validation, serialization)": "pydantic (our argument and output models)",
    "other (Python builtins, standard library)": "other Python (standard library)",
    "salesnav-mcp: tools, guardrails, store, upstream client": "our own Python (tool, guardrails, upstream client)",
}


def _profile_gap(profile: dict[str, dict[str, float]], ours: str, base: str, *, server_only: bool = False) -> str:
    """'X ms more per call there: a 0.30 ms (40%); b ...' from a profile table, largest owners first."""
    extra = {
        owner: per.get(ours, 0.0) - per.get(base, 0.0)
        for owner, per in profile.items()
        if not (server_only and owner.startswith("SDK client"))
    }
    total = sum(extra.values())
    top = [(owner, ms) for owner, ms in sorted(extra.items(), key=lambda item: -item[1]) if ms > 0.005][:5]
    if total <= 0 or not top:
        return ""
    return f"{total:.2f} ms more per call there: " + "; ".join(
        f"{_OWNER_WHY.get(owner, owner)} {ms:.2f} ms ({ms / total:.0%})" for owner, ms in top
    )


def overhead(s: Section) -> str:
    p50, p99 = _find(s, "p50 latency"), _find(s, "p99 latency")
    text = (
        f"**Tool-call overhead** (`get_ssi`, in-process): p50 {_ratio(p50)} bare ({_verdict(p50)}), p99 "
        f"{_ratio(p99)} ({_verdict(p99)})."
    )
    if p50 is not None and p50.baseline is not None:
        text += f" That is {p50.value - p50.baseline:.2f} ms more per call at the median."
    gap = _profile_gap(s.data.get("profile", {}), "ours", "bare")
    if gap:
        text += f" The profile below splits the gap (cProfile inflates it: {gap})."
    server_gap = _profile_gap(s.data.get("profile", {}), "ours", "bare", server_only=True)
    if server_gap:
        text += f" Leaving out the SDK client's own rows, the server side is {server_gap}."
    if p50 is not None and p50.met is False:
        text += (
            " The bare tool returns upstream's JSON under a trivial schema and keeps nothing; ours validates the "
            "reply into our models (the day's SSI snapshot goes to the store only when it changed, so a repeated "
            "read makes no store call; the default account is looked up once, without a lock afterwards) and "
            "publishes an output schema the SDK client checks every result against. What remains is mostly that "
            "client-side validation, which grows with the depth of the output schema (see Context cost)."
        )
    return text


# Why a tool publishes no output schema (every other tool publishes its result's top-level shape).
NO_OUTPUT_SCHEMA = {
    "update_do_not_contact": "a change whose text reply states the whole outcome",
    "resolve_unknown_send": "a change whose text reply states the whole outcome",
    "withdraw_invitation": "a change whose text reply states the whole outcome",
    "research_lead": "a profile the model reads; its substance is nested lists a top-level shape cannot type",
    "research_company": "a profile the model reads; its substance is nested lists a top-level shape cannot type",
}


def context(s: Section) -> str:
    model, wire = _find(s, "what the model reads"), _find(s, "tools/list answer on the wire, client without")
    apps, per_lead = _find(s, "tools/list answer on the wire, client with MCP"), _find(s, "text content bytes per lead")
    if not (model and wire and per_lead):
        return "**Context cost**: see the table."
    text = (
        f"**Context cost**: the model reads {model.value:,.0f} B of the tool surface ({_verdict(model)}); "
        f"`tools/list` is {wire.value:,.0f} B on the wire for a client without MCP Apps ({_verdict(wire)})"
        + (f", {apps.value:,.0f} B with it" if apps else "")
        + f". Text per lead in a 25-lead search: {per_lead.value:.0f} B ({_verdict(per_lead)})."
    )
    rows = s.data.get("rows", [])
    if rows:
        largest = rows[:3]
        text += (
            " What the model reads is mostly input schemas; the largest: "
            + ", ".join(f"`{r['name']}` {r['model']:,} B" for r in largest)
            + " (the lead filters: 25 fields, exclusions included; their vocabularies are served by the "
            "`salesnav://filters/{field}` resource and its completions instead of being listed in the schema)."
        )
    without = s.data.get("without_output_schema", [])
    published = len(rows) - len(without)
    text += (
        f" Output schemas: {published} tools publish their result's top-level shape (each field and its type, "
        "nullable fields as `anyOf` with null; nested objects and lists as bare `object`/`array`; no descriptions, "
        "no `required`): enough for a client to type and check the fields it reads, "
        "and far cheaper for the clients that validate every result against it; the nested shapes were exact copies "
        "between tools (the three search tools, the draft tools, the export tools)."
    )
    if without:
        text += " Published without one: " + "; ".join(
            f"`{name}` ({NO_OUTPUT_SCHEMA.get(name, 'see its declaration')})" for name in without
        ) + " (their structured content is still returned)."
    variant = s.data.get("variants", {}).get("no output schemas at all")
    if variant:
        text += f" Publishing no output schema at all would make the tool list {variant:,} B."
    text += (
        " Annotations carry only the hints that differ from the spec's defaults, and no `title` (the tool's own "
        "`title` says it; only clients older than 2025-06-18 read the annotation's). Input schemas leave out string "
        "and list size limits, which the server still enforces with a message naming the limit."
    )
    return text


def pacing(s: Section) -> str:
    share, throttled = _find(s, "achieved page rate"), _find(s, "429 answers provoked")
    stress = _find(s, "stress (")
    if not (share and throttled):
        return "**Pacing**: see the table."
    text = (
        f"**Pacing**: {share.value:.1f}% of the allowed rate ({_verdict(share)}); 429 answers: "
        f"{throttled.value:.0f} ({_verdict(throttled)}). Pages cannot start before the first page of a fresh "
        "search has answered (it tells the total), and the pacer's window is a minute plus its safety margin: "
        "together most of the small gap to 100%. In production (30 searches a minute) a 1,000-result search's "
        "10 pages fit in one window, so the margin costs it nothing."
    )
    if stress is not None:
        text += (
            f" With network latency that varies from page to page (stress runs), 429 answers: {stress.value:.0f} "
            f"({_verdict(stress)}). The pacer stamps a slot when it grants it, upstream counts the call when it "
            "arrives; the margin absorbs the spread of that delay."
        )
    return text


def http(s: Section) -> str:
    main = _find(s, "calls/s, get_search_budget vs")
    stack = _find(s, "calls/s, echo on our server vs")
    cpu_stack = _find(s, "server CPU per call, echo on our server")
    cpu_tool = _find(s, "server CPU per call, get_search_budget")
    one = _find(s, "calls/s with 1 client, get_search_budget vs")
    one_stack = _find(s, "calls/s with 1 client, echo on our server vs")
    text = f"**HTTP**: {_ratio(main)} the floor's calls/s ({_verdict(main)})."
    if stack is None:
        return text
    text += f" The floor's own echo tool on our server gets {_ratio(stack)} the floor ({_verdict(stack)})"
    if cpu_stack is not None and cpu_stack.ratio is not None:
        text += f"; our serving stack (DNS-rebinding checks included) spends {cpu_stack.ratio:.2f}x the floor's CPU per call"
    text += "."
    if one is not None and one.baseline:
        text += f" One client alone gets {one.value:.0f} calls/s of `get_search_budget` against {one.baseline:.0f} of the floor's echo"
        if one_stack is not None:
            text += f" ({one_stack.value:.0f} of echo on our server)"
        text += "."
    if cpu_tool is not None and cpu_stack is not None and main is not None and main.met is False:
        text += (
            f" The rest of the gap is the tool's own work: `get_search_budget` costs "
            f"{cpu_tool.value - cpu_stack.value:.2f} ms of server CPU per call more than echo on the same server, "
            "and one event loop serves every call, so calls/s at saturation follow CPU per call."
        )
        gap = _profile_gap(s.data.get("tool_profile", {}), "get_search_budget", "echo on our server", server_only=True)
        if gap:
            text += f" Profiled in-process on the server side (table below; {gap})."
        text += (
            " The budget read itself runs on the event loop (a read-only SQLite connection, no worker-thread hop) "
            "and the default account is looked up once; what remains is the tool's own Python and pydantic work "
            "(building, dumping and re-validating its structured result) and the event loop's share of each call."
        )
    return text


def store(s: Section) -> str:
    rate = _find(s, "leases/s, PostgreSQL vs SQLite")
    trips = _find(s, "round trips per lease")
    transactions = _find(s, "transactions per lease")
    spread = _find(s, "leases/s, 8 workers on")
    single = _find(s, "leases/s one at a time")
    if rate is None or trips is None:
        return "**PostgreSQL store**: see its section."
    text = (
        f"**PostgreSQL store**: {_ratio(rate)} SQLite's lease rate with 8 concurrent searches on one account "
        f"({_verdict(rate)}); a lease costs {trips.value:.0f} round trips ({_verdict(trips)})"
    )
    if transactions is not None:
        text += f" in {transactions.value:.0f} transactions, the audit entries inside them"
    text += "."
    if rate.met is False:
        text += (
            " Searches on one account take turns on the account's budget lock, which a reservation holds from "
            "its first round trip (reads under the lock) through its second (the insert, its audit entry and "
            "the commit's flush to disk): the event loop's turn in between and the flush bound the rate. SQLite "
            "runs the same transaction in one worker thread with no network in between."
        )
        if spread is not None:
            text += f" With each worker on its own account (no shared budget lock) PostgreSQL reaches {_ratio(spread)}"
            text += "." if single is None else f", and one lease at a time {_ratio(single)}."
        text += (
            " Every round trip also wakes a server process, which on a machine whose cores are already busy "
            "waits for one; the load average at the start of the run is in the table above."
        )
    return text


def exports(s: Section) -> str:
    wall = _find(s, "wall time")
    slept = _find(s, "of which poll waits")
    if wall is None:
        return "**Exports**: see its section."
    text = f"**Exports**: a 90-day analytics export end to end takes {wall.value:.2f} s ({_verdict(wall)})"
    if wall.baseline is not None:
        text += f", {wall.baseline:.2f} s under the previous poll schedule"
    if slept is not None:
        text += f"; {slept.value:.2f} s of it is the poll schedule's waits"
        if wall.met is False:
            text += (
                f", fixed, and {wall.value - slept.value:.2f} s is work: the requests, the sandbox building the file, "
                "parsing it for the summary and storing it, all CPU-bound, so stretched by a busy machine (the run's "
                "load average is in the table above)"
            )
    return text + "."


def memory(s: Section) -> str:
    peak = _find(s, "peak RSS after a 1,000")
    if peak is None:
        return ""
    floor = f"; the floor peaks at {peak.baseline:.0f} MB" if peak.baseline is not None else ""
    text = f"**Memory**: peak RSS {peak.value:.0f} MB after a 1,000-result search ({_verdict(peak)}){floor}."
    gc_on = _find(s, "diagnostic: peak RSS after the search, collector on")
    if gc_on is not None:
        text += (
            f" With the garbage collector left on during start-up the same run peaks at {gc_on.value:.0f} MB: "
            "pausing it keeps start-up's garbage cycles (frozen with the rest, never freed), whose memory later "
            "allocations (here the sandbox world and the search) cannot reuse. Collecting once before freezing "
            "would free them, at the price of a full collection during start-up, where the goal is missed."
        )
    return text


WRITERS: dict[str, Callable[[Section], str]] = {
    "coldstart": coldstart,
    "overhead": overhead,
    "context": context,
    "pacing": pacing,
    "http": http,
    "memory": memory,
    "store": store,
    "exports": exports,
}


def findings(sections: Sequence[Section]) -> str:
    lines = ["## Findings", ""]
    for section in sections:
        if section.error:
            lines.append(f"- **{section.title}** did not run: see its section.")
            continue
        writer = WRITERS.get(section.key)
        if writer:
            try:
                text = writer(section)
            except Exception as exc:  # a figure the text quotes is missing: say so, keep the report
                text = f"**{section.title}**: no summary ({type(exc).__name__}: {exc}); see its section."
            if text:
                lines.append(f"- {text}")
    return "\n".join(lines)
