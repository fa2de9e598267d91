// The SSI dashboard for get_ssi / get_ssi_history: the overall score, the four pillars as bars against the
// industry and network averages, rank movement, the weakest pillar with a coaching hint, and the trend of the
// overall score and each pillar over the stored readings. Its data comes from the app-only tool
// ssi_dashboard_data, which reads the store only (no upstream call). Every value is set as text.
import type { App } from "@modelcontextprotocol/ext-apps";
import { clearCharts, lineChart, type Series } from "../shared/chart";
import { bars, el, num, sandboxBadge, signed, startView, textOf, type ToolResult } from "../shared/view";

interface Pillar {
  pillar: string;
  name: string;
  score: number | null;
}

interface GroupRank {
  group: string;
  rank_top_percent: number | null;
  group_name: string | null;
  average_overall: number | null;
  rank_change: number | null;
  pillar_averages: { pillar: string | null; average: number | null }[];
}

interface Latest {
  overall: number | null;
  pillars: Pillar[];
  weakest_pillar: string | null;
  ranks: GroupRank[];
}

interface Point {
  day: string;
  overall: number | null;
  pillars: Record<string, number | null>;
}

interface RankTrend {
  group: string;
  first: number | null;
  last: number | null;
  movement: number | null;
}

interface History {
  days: number;
  since: string;
  until: string;
  readings: number;
  points: Point[];
  overall: { change: number | null; low: number | null; high: number | null } | null;
  pillars: { pillar: string; name: string }[];
  ranks: RankTrend[];
  note: string | null;
}

interface Dashboard {
  account_id: string;
  latest_day: string | null;
  latest: Latest | null;
  history: History;
  hint: { pillar: string; name: string; actions: string[] } | null;
  sandbox: boolean;
}

const PILLAR_COLORS = ["--accent", "--series-2", "--series-3", "--series-4"];
const titleEl = document.getElementById("title")!;
const metaEl = document.getElementById("meta")!;
const boardEl = document.getElementById("dashboard")!;
const statusEl = document.getElementById("status")!;
let app: App | null = null;
let shown: Dashboard | null = null;

function groupName(rank: { group: string; group_name?: string | null }): string {
  if (rank.group === "INDUSTRY") return rank.group_name ? `Industry (${rank.group_name})` : "Industry";
  if (rank.group === "NETWORK") return "Network";
  return rank.group.charAt(0) + rank.group.slice(1).toLowerCase();
}

/** How the rank moved: over the period when there are two readings, else since yesterday (smaller top % is better). */
function movement(rank: GroupRank, history: History): HTMLElement {
  const trend = history.ranks.find((r) => r.group === rank.group);
  let up: number | null = null;
  let span = "";
  if (trend?.movement !== null && trend?.movement !== undefined) {
    up = trend.movement;
    span = ` over ${history.days} days`;
  } else if (rank.rank_change !== null) {
    up = -rank.rank_change;
    span = " since yesterday";
  }
  if (up === null) return el("span", "move");
  if (up === 0) return el("span", "move muted", `unchanged${span}`);
  const points = `${num(Math.abs(up), up % 1 ? 1 : 0)} point${Math.abs(up) === 1 ? "" : "s"}`;
  return el("span", `move ${up > 0 ? "ok" : "bad"}`, `${up > 0 ? "▲ up" : "▼ down"} ${points}${span}`);
}

function scorePart(data: Dashboard, latest: Latest): HTMLElement {
  const box = el("section", "score");
  box.setAttribute("aria-label", "Overall score");
  const big = el("div", "big");
  big.append(el("span", "overall", num(latest.overall, 1)), el("span", "of", "/100"));
  const groups = el("ul", "groups");
  for (const rank of latest.ranks) {
    const li = el("li");
    li.dataset.group = rank.group;
    const average = rank.average_overall !== null ? `average ${num(rank.average_overall, 1)}` : "average n/a";
    const top = rank.rank_top_percent !== null ? ` · you: top ${num(rank.rank_top_percent, rank.rank_top_percent % 1 ? 1 : 0)}%` : "";
    li.append(el("strong", null, `${groupName(rank)}: `), el("span", null, `${average}${top} `), movement(rank, data.history));
    groups.append(li);
  }
  box.append(big, groups);
  return box;
}

function pillarsPart(latest: Latest): HTMLElement {
  const box = el("section", "pillars");
  box.append(el("h2", null, "Pillars (each 0–25) against the averages"));
  const legend = el("p", "legend muted");
  for (const [kind, label] of [["you", "You"], ["industry", "Industry average"], ["network", "Network average"]]) {
    legend.append(el("span", `key ${kind}`), el("span", null, label));
  }
  box.append(legend);
  const average = (group: string, pillar: string): number | null =>
    latest.ranks.find((r) => r.group === group)?.pillar_averages.find((p) => p.pillar === pillar)?.average ?? null;
  for (const pillar of latest.pillars) {
    const weakest = pillar.pillar === latest.weakest_pillar;
    const item = el("div", `pillar${weakest ? " weakest" : ""}`);
    item.dataset.pillar = pillar.pillar;
    const head = el("h3");
    head.append(el("span", "name", pillar.name), el("span", "score", num(pillar.score, 1)));
    if (weakest) head.append(el("span", "badge weakest", "Weakest"));
    item.append(
      head,
      bars(
        [
          { label: "You", value: pillar.score, text: num(pillar.score, 1), kind: "you" },
          { label: "Industry average", value: average("INDUSTRY", pillar.pillar), text: num(average("INDUSTRY", pillar.pillar), 1), kind: "industry" },
          { label: "Network average", value: average("NETWORK", pillar.pillar), text: num(average("NETWORK", pillar.pillar), 1), kind: "network" },
        ],
        25,
      ),
    );
    box.append(item);
  }
  return box;
}

function hintPart(hint: NonNullable<Dashboard["hint"]>): HTMLElement {
  const box = el("aside", "hint");
  box.dataset.pillar = hint.pillar;
  box.append(el("h2", null, `Work on: ${hint.name}`), el("p", "muted", "Your weakest pillar. Each week:"));
  const list = el("ul");
  for (const action of hint.actions) list.append(el("li", null, action));
  box.append(list);
  return box;
}

function padded(values: (number | null)[], cap: number): [number, number] {
  const present = values.filter((v): v is number => v !== null);
  if (!present.length) return [0, cap];
  const low = Math.min(...present);
  const high = Math.max(...present);
  const pad = Math.max(1, (high - low) * 0.25);
  return [Math.max(0, Math.floor(low - pad)), Math.min(cap, Math.ceil(high + pad))];
}

/** The trend section, drawn inside `parent` (attached first, so the charts take the column's width). */
function trendPart(parent: HTMLElement, history: History): void {
  const box = el("section", "trend");
  parent.append(box);
  box.append(el("h2", null, `Trend over ${history.days} days`));
  const overall = history.overall;
  const first = history.points[0]?.day;
  const last = history.points[history.points.length - 1]?.day;
  const summary =
    `${history.readings} daily reading${history.readings === 1 ? "" : "s"}` +
    (first && last ? (first === last ? ` (${first})` : ` from ${first} to ${last}`) : "") +
    (overall && history.readings > 1 ? `; overall ${signed(overall.change)} (low ${num(overall.low, 1)}, high ${num(overall.high, 1)})` : "");
  box.append(el("p", "muted", `${summary}.`));
  if (history.readings < 2) {
    box.append(el("p", "note", "The trend appears as the SSI is read on later days: one reading is kept per day."));
    return;
  }
  const days = history.points.map((p) => p.day);
  const overallValues = history.points.map((p) => p.overall);
  lineChart(box, {
    days,
    label: `Overall SSI per day, ${history.since} to ${history.until}`,
    range: padded(overallValues, 100),
    series: [{ label: "Overall", values: overallValues, color: "--accent" }],
  });
  const series: Series[] = history.pillars.map((p, i) => ({
    label: p.name,
    values: history.points.map((point) => point.pillars[p.pillar] ?? null),
    color: PILLAR_COLORS[i % PILLAR_COLORS.length],
  }));
  lineChart(box, {
    days,
    label: `Each pillar per day, ${history.since} to ${history.until}`,
    range: padded(series.flatMap((s) => s.values), 25),
    series,
  });
}

function render(data: Dashboard): void {
  shown = data;
  clearCharts();
  boardEl.replaceChildren();
  if (data.sandbox && !document.querySelector("header .badge.sandbox")) titleEl.after(sandboxBadge());
  metaEl.textContent = `Account ${data.account_id}${data.latest_day ? ` · latest reading ${data.latest_day}` : ""}`;
  if (data.latest) {
    boardEl.append(scorePart(data, data.latest), pillarsPart(data.latest));
    if (data.hint) boardEl.append(hintPart(data.hint));
  }
  if (data.history.note) boardEl.append(el("p", "note", data.history.note));
  trendPart(boardEl, data.history);
  statusEl.textContent = "";
}

async function load(accountId: string, days: number): Promise<void> {
  statusEl.textContent = "Loading the stored readings…";
  try {
    const result = (await app!.callServerTool({ name: "ssi_dashboard_data", arguments: { account_id: accountId, days } })) as ToolResult;
    if (result.isError) {
      statusEl.textContent = textOf(result) || "The SSI could not be read.";
      return;
    }
    render(result.structuredContent as Dashboard);
  } catch (error) {
    statusEl.textContent = `The SSI could not be read: ${String(error)}`;
  }
}

let askedDays: number | null = null;
app = await startView("salesnav-ssi-dashboard", {
  onInput(args) {
    askedDays = typeof args.days === "number" ? args.days : null;
  },
  onResult(result) {
    if (result.isError) {
      statusEl.textContent = textOf(result) || "The SSI could not be read.";
      return;
    }
    const data = result.structuredContent as { account_id?: string; days?: number } | undefined;
    if (!data?.account_id) {
      statusEl.textContent = "This result names no account.";
      return;
    }
    void load(data.account_id, data.days ?? askedDays ?? 30);
  },
  onTheme() {
    if (shown) render(shown);
  },
});
