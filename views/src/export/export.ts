// The export summary for the analytics export tool (export_analytics): the rows and
// date span of a stored export and its counts (by activity type, by seat, by outcome, by seat status) as bar
// charts. Everything comes from the tool result; every value is set as text.
import { bars, el, num, sandboxBadge, startView, textOf } from "../shared/view";

interface Summary {
  rows: number;
  by_activity_type: Record<string, number> | null;
  by_seat: Record<string, number> | null;
  by_outcome: Record<string, number> | null;
  by_status: Record<string, number> | null;
  first_activity_at: string | null;
  last_activity_at: string | null;
  ssi_average: number | null;
}

interface Job {
  job_id: number;
  export_type: string;
  source: string;
  range_start: string | null;
  range_end: string | null;
  status: string;
  finished: boolean;
  summary: Summary | null;
  note: string | null;
  sandbox: boolean;
}

const TYPE_NAMES: Record<string, string> = {
  seat: "Seat export",
  activity: "Activity export",
  activity_outcome: "Activity outcome export",
};
const MOST_SEATS = 10; // seats drawn one by one; the rest are summed under "other seats"
const titleEl = document.getElementById("title")!;
const metaEl = document.getElementById("meta")!;
const summaryEl = document.getElementById("summary")!;
const statusEl = document.getElementById("status")!;

/** "SAVED_LEAD" -> "Saved lead". */
function humane(key: string): string {
  const words = key.replace(/_/g, " ").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The last day of a range whose end is exclusive (an instant). */
function lastDay(end: string): string {
  const moment = Date.parse(end);
  return Number.isNaN(moment) ? end.slice(0, 10) : new Date(moment - 1).toISOString().slice(0, 10);
}

function counts(title: string, values: Record<string, number>, label: (key: string) => string, most = Infinity): HTMLElement {
  const box = el("section", "counts");
  box.append(el("h2", null, title));
  const ranked = Object.entries(values)
    .filter(([key]) => key !== "(other)")
    .sort(([ka, a], [kb, b]) => b - a || (ka < kb ? -1 : ka > kb ? 1 : 0));
  const shown = ranked.slice(0, most);
  const rest = ranked.slice(most).reduce((sum, [, v]) => sum + v, 0) + (values["(other)"] ?? 0);
  const items = shown.map(([key, value]) => ({ label: label(key), value }));
  if (rest) items.push({ label: "Other", value: rest });
  const max = Math.max(1, ...items.map((i) => i.value));
  const list = bars(items.map((i) => ({ ...i, kind: i.label === "Other" ? "other" : undefined })), max);
  list.setAttribute("aria-label", title);
  box.append(list);
  return box;
}

function render(job: Job): void {
  summaryEl.replaceChildren();
  titleEl.textContent = TYPE_NAMES[job.export_type] ?? "Analytics export";
  if (job.sandbox && !document.querySelector("header .badge.sandbox")) titleEl.after(sandboxBadge());
  const span = job.range_start && job.range_end ? `${job.range_start.slice(0, 10)} to ${lastDay(job.range_end)} · ` : "";
  metaEl.textContent = `${span}job ${job.job_id} · ${job.source}`;
  const s = job.summary;
  if (!job.finished || !s) {
    summaryEl.append(el("p", "pending", `Job ${job.job_id} is ${job.status}: the summary shows here once it is stored.`));
    if (job.note) summaryEl.append(el("p", "muted", job.note));
    return;
  }
  const total = el("div", "total");
  total.append(el("span", "value", num(s.rows)), el("span", "muted", `row${s.rows === 1 ? "" : "s"}`));
  if (s.first_activity_at && s.last_activity_at) {
    total.append(el("span", "muted", `activity from ${s.first_activity_at.slice(0, 16).replace("T", " ")} to ${s.last_activity_at.slice(0, 16).replace("T", " ")} UTC`));
  }
  summaryEl.append(total);
  if (s.by_activity_type) summaryEl.append(counts("Activity by type", s.by_activity_type, humane));
  if (s.by_outcome) summaryEl.append(counts("By outcome", s.by_outcome, humane));
  if (s.by_seat) summaryEl.append(counts("Activity by seat", s.by_seat, (seat) => `Seat ${seat}`, MOST_SEATS));
  if (s.by_status) summaryEl.append(counts("Seats by status", s.by_status, humane));
  if (s.ssi_average !== null) summaryEl.append(el("p", "ssi", `Average SSI of the seats: ${num(s.ssi_average, 1)}`));
  if (job.note) summaryEl.append(el("p", "muted", job.note));
}

await startView("salesnav-export-summary", {
  onResult(result) {
    if (result.isError) {
      statusEl.textContent = textOf(result) || "The export failed.";
      return;
    }
    const job = result.structuredContent as Job | undefined;
    if (!job || typeof job.job_id !== "number") {
      statusEl.textContent = "This result holds no export.";
      return;
    }
    render(job);
    statusEl.textContent = "";
  },
});
