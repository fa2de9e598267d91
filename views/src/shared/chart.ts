// Line charts over days with uPlot (a small canvas charting library): the theme's colours, UTC days on the
// x axis (the same picture in every time zone), the width of the column it sits in. Each chart also says how
// many points it draws (data-points) and comes with the same numbers as a table, for screen readers and tests.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { el, num } from "./view";

export interface Series {
  label: string;
  values: (number | null)[];
  color: string; // a CSS variable name, e.g. "--accent"
}

export interface LineChart {
  days: string[]; // YYYY-MM-DD, oldest first
  series: Series[];
  range: [number, number];
  label: string; // what the chart shows, for screen readers
  digits?: number;
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || "#888";
}

function epochSeconds(day: string): number {
  const [y, m, d] = day.split("-").map(Number);
  return Date.UTC(y, m - 1, d) / 1000;
}

const drawn: { plot: uPlot; observer: ResizeObserver }[] = [];

/** Drop every chart drawn so far (before the view redraws, e.g. on a theme change). */
export function clearCharts(): void {
  for (const { plot, observer } of drawn.splice(0)) {
    observer.disconnect();
    plot.destroy();
  }
}

/** Draw `chart` into a new element (appended to `parent`); returns the element. */
export function lineChart(parent: HTMLElement, chart: LineChart): HTMLElement {
  const box = el("figure", "chart");
  box.dataset.points = String(chart.days.length);
  box.dataset.series = String(chart.series.length);
  parent.append(box);
  const axis = { stroke: cssVar("--muted"), grid: { stroke: cssVar("--line"), width: 1 }, ticks: { stroke: cssVar("--line"), width: 1 } };
  const plot = new uPlot(
    {
      width: Math.max(200, box.clientWidth || parent.clientWidth),
      height: 170,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
      scales: { x: { time: true }, y: { range: chart.range } },
      axes: [axis, { ...axis, size: 36 }],
      cursor: { drag: { x: false, y: false } },
      // The series' names (one series needs none); the numbers are in the table under the chart.
      legend: { show: chart.series.length > 1, live: false },
      series: [
        { label: "Day", value: (_u, ts) => (ts === null ? "–" : uPlot.fmtDate("{YYYY}-{MM}-{DD}")(uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"))) },
        ...chart.series.map((s) => ({
          label: s.label,
          stroke: cssVar(s.color),
          width: 2,
          spanGaps: true,
          points: { show: true, size: 5 },
          value: (_u: uPlot, v: number | null) => (v === null ? "–" : num(v, chart.digits ?? 1)),
        })),
      ],
    },
    [chart.days.map(epochSeconds), ...chart.series.map((s) => s.values)] as uPlot.AlignedData,
    box,
  );
  // The canvas is one picture to a screen reader, named for what it shows; its numbers are in the table below.
  plot.root.setAttribute("role", "img");
  plot.root.setAttribute("aria-label", chart.label);
  const observer = new ResizeObserver(() => {
    const width = Math.max(200, box.clientWidth);
    if (Math.abs(width - plot.width) > 1) plot.setSize({ width, height: 170 });
  });
  observer.observe(box);
  drawn.push({ plot, observer });
  box.append(dataTable(chart));
  return box;
}

/** The chart's numbers as a table (in a closed <details>: one click away, and always there for a screen reader). */
function dataTable(chart: LineChart): HTMLElement {
  const details = el("details");
  details.append(el("summary", null, "Show the numbers"));
  const table = el("table", "data");
  const head = el("tr");
  head.append(el("th", null, "Day"), ...chart.series.map((s) => el("th", "n", s.label)));
  const body = el("tbody");
  chart.days.forEach((day, i) => {
    const tr = el("tr");
    tr.append(el("td", null, day), ...chart.series.map((s) => el("td", "n", num(s.values[i], chart.digits ?? 1))));
    body.append(tr);
  });
  const thead = el("thead");
  thead.append(head);
  table.append(thead, body);
  const scroll = el("div", "scroll");
  scroll.append(table);
  details.append(scroll);
  return details;
}
