"""The findings paragraph of RESULTS.md: what each missed goal costs, why, and what would fix it.

Written from the measured figures of the same run, so a rerun never contradicts its own numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bench.context import GOAL_TOOL_BYTES
from bench.harness import Figure, Section


def _find(section: Section, name: str) -> Figure | None:
    return next((f for f in section.figures if f.name.startswith(name)), None)


def _ratio(figure: Figure | None) -> str:
    return "n/a" if figure is None or figure.ratio is None else f"{figure.ratio:.2f}x"


def _with_proposals(figure: Figure | None) -> str:
    if figure is None:
        return ""
    return f"; with the proposals {_ratio(figure)} ({_verdict(figure)})"


def _verdict(figure: Figure | None) -> str:
    if figure is None or figure.met is None:
        return "not judged"
    return "met" if figure.met else f"missed, {figure.miss_text()}"


def coldstart(s: Section) -> str:
    main, proposed = _find(s, "spawn -> tools/list answered"), _find(s, "spawn -> tools/list answered, with")
    text = f"**Cold start** {_ratio(main)} the floor ({_verdict(main)}){_with_proposals(proposed)}."
    breakdown = s.data.get("breakdown", {})
    phases = breakdown.get("phases", {})
    if not phases:
        return text
    ours = {k: v for k, v in phases.items() if "floor pays it too" not in k}
    parts = ", ".join(f"{k.split(' (')[0]} {v * 1000:.0f} ms" for k, v in ours.items())
    world = breakdown.get("open_services", {}).get("sandbox world (sandbox_app_for)")
    tools = breakdown.get("scalars", {}).get("tool_count", 0)
    building = sum(breakdown.get("build_tools_by_module", {}).values())
    text += f" Our part of start-up (profile below): {parts}."
    if world is not None:
        text += (
            f" The sandbox world ({world * 1000:.0f} ms) is built before `initialize` is answered although no "
            "request needs it yet (`lazy-sandbox` moves it to the first tool call; a live server never builds it)."
        )
    text += (
        " The cyclic garbage collector keeps re-walking the hundreds of thousands of long-lived objects start-up "
        "creates (`startup-gc` switches it off until the server is built, then freezes them)."
    )
    if tools:
        text += (
            f" The rest is structural: the SDK builds an argument model, an output model and their JSON schemas "
            f"for each of the {tools:.0f} tools (`Tool.from_function`, ~{building / tools * 1000:.0f} ms per tool "
            "when profiled), and importing our tools, models and guardrails defines a few hundred pydantic models."
            " Reaching 1.15x would take serving `tools/list` from schemas generated at build time with the SDK "
            "tool objects created lazily, or fewer tools by default (`--toolsets`): larger design changes, listed "
            "as options, not proposals."
        )
    return text


def overhead(s: Section) -> str:
    p50, p99 = _find(s, "p50 latency"), _find(s, "p99 latency")
    pp50, pp99 = _find(s, "p50 latency, with"), _find(s, "p99 latency, with")
    return (
        f"**Tool-call overhead** (`get_ssi`, in-process): p50 {_ratio(p50)} bare ({_verdict(p50)}), p99 "
        f"{_ratio(p99)} ({_verdict(p99)}). The profile below splits the gap. The largest part is one SQLite write "
        "per call: every `get_ssi` upserts the day's snapshot in a write transaction with `synchronous=FULL` "
        "(an fsync, in a worker thread), although the value changes at most daily (`ssi-write-on-change` makes an "
        "unchanged snapshot a no-op commit). Next, the SDK client validates our structured result against the "
        "published output schema with jsonschema, which the bare tool's trivial schema does not cost "
        "(`inline-output-refs` trims the $ref resolution). Our own Python (tool, guardrails, upstream client) is "
        f"a small share. With both proposals: p50 {_ratio(pp50)} ({_verdict(pp50)}), p99 {_ratio(pp99)} "
        f"({_verdict(pp99)}). What remains is the thread hop of the (now no-op) store transaction and the "
        "client's validation: 1.10x would need an in-memory check that skips the store call for an unchanged "
        "snapshot, and an output schema the client validates cheaply, or none (see Context cost)."
    )


def context(s: Section) -> str:
    per_tool, per_lead = _find(s, "bytes per tool"), _find(s, "text content bytes per lead")
    whole = _find(s, "tools/list answer")
    variants = s.data.get("variants", {})
    text = (
        f"**Context cost**: {per_tool.value:,.0f} B per tool on average ({_verdict(per_tool)}); the whole "
        f"`tools/list` answer is {whole.value:,.0f} B (~{whole.value / 4 / 1000:.0f}k tokens). Text per lead in a "
        f"25-lead search: {per_lead.value:.0f} B ({_verdict(per_lead)})."
        if per_tool and per_lead and whole
        else "**Context cost**: see the table."
    )
    rows = s.data.get("rows", [])
    if variants and rows:
        total = sum(r["total"] for r in rows)
        share = sum(r["output"] for r in rows) / total
        text += (
            f" Output schemas are {share:.0%} of the bytes. Computed on this run's `tools/list`: "
            + "; ".join(f"{name}: {value:,.0f} B per tool" for name, value in variants.items())
            + "."
        )
        without_output = list(variants.values())[-1]
        if without_output <= GOAL_TOOL_BYTES:
            text += " Not publishing output schemas would meet the goal by itself."
        else:
            largest = sorted(rows, key=lambda r: -r["input"])[:3]
            text += (
                " Even without output schemas the average stays above 1 KB; the largest input schemas: "
                + ", ".join(f"`{r['name']}` {r['input']:,} B" for r in largest)
                + " (the two search tools carry the lead and account filter models), so leaner input schemas "
                "would be needed as well."
            )
        text += (
            " Whether to publish output schemas is a product decision (clients differ in whether the model sees "
            "them, and they let clients check results), so it is reported here, not proposed as a diff. The "
            "`annotations.title` repeating `title` (from `ToolSpec.annotations`) is kept for clients older than "
            "2025-06-18, which read only the annotation."
        )
    return text


def pacing(s: Section) -> str:
    share, throttled = _find(s, "achieved page rate"), _find(s, "429 answers provoked")
    stress = next((f for f in s.figures if f.name.startswith("stress") and f.name.endswith("as shipped")), None)
    margin = next((f for f in s.figures if f.name.startswith("stress") and "pace-margin proposal" in f.name), None)
    if not (share and throttled):
        return "**Pacing**: see the table."
    text = (
        f"**Pacing**: {share.value:.1f}% of the allowed rate ({_verdict(share)}); 429 answers: "
        f"{throttled.value:.0f} ({_verdict(throttled)}). Pages cannot start before the first page of a fresh search has answered (it "
        "tells the total), which is most of the small gap to 100%."
    )
    if stress is not None and margin is not None:
        text += (
            " With network latency that varies from page to page (stress runs), 429 answers as shipped: "
            f"{stress.value:.0f}; with the `pace-margin` proposal: {margin.value:.0f}. The pacer stamps a "
            "slot when it grants it, upstream counts the call when it arrives: a page granted exactly one minute "
            "after an earlier page that took longer to arrive lands inside that page's minute. A margin larger "
            "than the latency spread closes the race; the exact fix is to re-stamp each slot with the time its "
            "response arrived."
        )
    return text


def http(s: Section) -> str:
    main, proposed = _find(s, "calls/s, get_search_budget vs"), _find(s, "calls/s, get_search_budget, with")
    stack, stack_proposed = _find(s, "calls/s, echo on our server vs"), _find(s, "calls/s, echo on our server, with")
    cpu_stack = _find(s, "server CPU per call, echo on our server (")
    cpu_stack_proposed = _find(s, "server CPU per call, echo on our server, with")
    cpu_tool = _find(s, "server CPU per call, get_search_budget, with")
    one = _find(s, "calls/s with 1 client, get_search_budget vs")
    one_proposed = _find(s, "calls/s with 1 client, get_search_budget, with")
    text = f"**HTTP**: {_ratio(main)} the floor's calls/s ({_verdict(main)}){_with_proposals(proposed)}."
    if stack is None:
        return text
    text += (
        f" The floor's own echo tool on our server gets {_ratio(stack)} the floor"
        + (f" ({_ratio(stack_proposed)} with the proposals)" if stack_proposed else "")
        + ": the serving stack itself. Two things in it: `bind_socket` creates the listening socket without "
        "`IPPROTO_TCP`, so asyncio leaves Nagle's algorithm on for every accepted connection and each response "
        "waits for the client's delayed ACK (about 40 ms on Linux)"
    )
    if one is not None and one.baseline:
        text += f": one client alone gets {one.value:.0f} calls/s from us against {one.baseline:.0f} from the floor" + (
            f", {one_proposed.value:.0f} with the proposals" if one_proposed is not None else ""
        )
    text += "; and two INFO log lines per request"
    if cpu_stack is not None and cpu_stack.ratio is not None:
        text += f" (our stack spends {cpu_stack.ratio:.2f}x the floor's CPU per call"
        if cpu_stack_proposed is not None and cpu_stack_proposed.ratio is not None:
            text += f", {cpu_stack_proposed.ratio:.2f}x with `quiet-request-logs`"
        text += ")"
    text += ". `tcp-nodelay` is a one-line fix."
    if cpu_tool is not None and cpu_stack_proposed is not None and proposed is not None and proposed.met is False:
        text += (
            f" What remains with the proposals is the tool's own work: `get_search_budget` costs "
            f"{cpu_tool.value - cpu_stack_proposed.value:.2f} ms of server CPU per call more than echo, mostly its "
            "SQLite read through a worker thread, where reads and writes share one connection and its lock (so "
            "a read waits behind any fsync). An option, not a proposal: a second, read-only connection used "
            "directly on the event loop for small reads (WAL readers never wait for writers)."
        )
    return text


def memory(s: Section) -> str:
    peak = _find(s, "peak RSS after a 1,000")
    if peak is None:
        return ""
    floor = f"; the floor peaks at {peak.baseline:.0f} MB" if peak.baseline is not None else ""
    return f"**Memory**: peak RSS {peak.value:.0f} MB after a 1,000-result search ({_verdict(peak)}){floor}."


WRITERS: dict[str, Callable[[Section], str]] = {
    "coldstart": coldstart,
    "overhead": overhead,
    "context": context,
    "pacing": pacing,
    "http": http,
    "memory": memory,
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
