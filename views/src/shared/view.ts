// What every data view shares: connecting to the host (theme, host style variables), building elements whose
// server values are set as text (textContent, never markup), numbers formatted the same way everywhere, bars.
import {
  App,
  applyDocumentTheme,
  applyHostStyleVariables,
  type McpUiHostContext,
} from "@modelcontextprotocol/ext-apps";

export interface ToolResult {
  content?: unknown;
  structuredContent?: unknown;
  isError?: boolean;
}

type Text = string | number | null | undefined;

/** An element with a class and text; a server value only ever reaches the page through here (as text). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string | null, text?: Text): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/** The first text block of a result (an error's message). */
export function textOf(result: ToolResult): string {
  const content = Array.isArray(result.content) ? result.content : [];
  const first = content.find((c: { type?: string }) => c?.type === "text") as { text?: string } | undefined;
  return first?.text ?? "";
}

/** A number with fixed decimals and en-US grouping ("1,234", "54.3"), rounded as the tools' texts round it
(the exact binary value, like Python's format and toFixed: 11.45 is 11.4); "n/a" when missing. */
export function num(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "n/a";
  const fixed = Math.abs(value).toFixed(digits);
  const [whole, fraction] = fixed.split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const negative = value < 0 && Number(fixed) !== 0;
  return `${negative ? "-" : ""}${grouped}${fraction ? `.${fraction}` : ""}`;
}

/** "+2.3" / "−1.0" / "±0.0". */
export function signed(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined) return "n/a";
  if (value > 0) return `+${num(value, digits)}`;
  if (value < 0) return `−${num(-value, digits)}`;
  return `±${num(0, digits)}`;
}

/** The "Sandbox" badge every view shows while the data is simulated. */
export function sandboxBadge(): HTMLElement {
  const badge = el("span", "badge sandbox", "Sandbox");
  badge.title = "Simulated data from the embedded sandbox: nothing reaches LinkedIn.";
  return badge;
}

export interface Bar {
  label: string;
  value: number | null;
  text?: string; // what the bar says (defaults to the value)
  kind?: string; // a class: you, industry, network, other
}

/** Horizontal bars against a common maximum: a label, a track with its fill, and the value as text. */
export function bars(items: Bar[], max: number, className = "bars"): HTMLElement {
  const list = el("ul", className);
  for (const item of items) {
    const row = el("li", `bar${item.kind ? ` ${item.kind}` : ""}`);
    const share = item.value === null || max <= 0 ? 0 : Math.max(0, Math.min(1, item.value / max));
    const track = el("span", "track");
    const fill = el("span", "fill");
    fill.style.width = `${(share * 100).toFixed(2)}%`;
    track.append(fill);
    row.dataset.value = item.value === null ? "" : String(item.value);
    row.append(el("span", "label", item.label), track, el("span", "value", item.text ?? num(item.value)));
    list.append(row);
  }
  return list;
}

/** A labelled meter (used / limit), e.g. searches this month. */
export function meter(label: string, value: number, max: number, text: string): HTMLElement {
  const box = el("div", "meter");
  const track = el("span", "track");
  const fill = el("span", "fill");
  const share = max > 0 ? Math.max(0, Math.min(1, value / max)) : 0;
  fill.style.width = `${(share * 100).toFixed(2)}%`;
  if (share >= 0.8) box.classList.add("high");
  track.append(fill);
  track.setAttribute("role", "meter");
  track.setAttribute("aria-valuemin", "0");
  track.setAttribute("aria-valuemax", String(max));
  track.setAttribute("aria-valuenow", String(value));
  track.setAttribute("aria-label", label);
  box.append(el("span", "label", label), track, el("span", "value", text));
  return box;
}

/** A LinkedIn address the view may offer to open (https on linkedin.com only); null for anything else. */
export function linkedinUrl(value: unknown): string | null {
  if (typeof value !== "string") return null;
  try {
    const url = new URL(value);
    const host = url.hostname.toLowerCase();
    return url.protocol === "https:" && (host === "linkedin.com" || host.endsWith(".linkedin.com")) ? url.href : null;
  } catch {
    return null;
  }
}

export interface ViewHandlers {
  onResult(result: ToolResult): void;
  onInput?(args: Record<string, unknown>): void;
  onTheme?(): void; // the theme or the host's style variables changed (charts redraw)
}

/** Connect to the host: follow its theme and style variables, hand the tool's input and result to the view. */
export async function startView(name: string, handlers: ViewHandlers): Promise<App> {
  const app = new App({ name, version: "1.0.0" });
  const applyContext = (context: McpUiHostContext | undefined): void => {
    if (context?.theme) applyDocumentTheme(context.theme);
    if (context?.styles?.variables) applyHostStyleVariables(context.styles.variables);
    if (context?.theme || context?.styles) handlers.onTheme?.();
  };
  app.ontoolinput = (params) => handlers.onInput?.((params.arguments ?? {}) as Record<string, unknown>);
  app.ontoolresult = (result) => handlers.onResult(result as ToolResult);
  app.onhostcontextchanged = applyContext;
  await app.connect();
  applyContext(app.getHostContext());
  return app;
}
