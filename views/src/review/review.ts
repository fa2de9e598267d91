// The review card: shows each request for approval exactly as the server keeps it and sends the
// human's click back through app-only tools. Every value from the server is set as text, never markup.
import { App, applyDocumentTheme, applyHostStyleVariables, type McpUiHostContext } from "@modelcontextprotocol/ext-apps";

interface Item {
  approval_id: string;
  kind: string;
  state: string;
  title: string;
  lines: string[];
  text: string | null;
  content_hash: string;
  outcome: string | null;
  message: string | null;
}

const statusEl = document.getElementById("status")!;
const itemsEl = document.getElementById("items")!;
const shown = new Map<string, HTMLElement>();
const app = new App({ name: "salesnav-review", version: "1.0.0" });

function el(tag: string, className: string | null, text?: string): HTMLElement {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function idsIn(data: unknown): string[] {
  if (!data || typeof data !== "object") return [];
  const record = data as Record<string, unknown>;
  const ids: unknown[] = [];
  if (typeof record.approval_id === "string") ids.push(record.approval_id);
  if (Array.isArray(record.approval_ids)) ids.push(...record.approval_ids);
  if (Array.isArray(record.items)) {
    for (const item of record.items) ids.push((item as Record<string, unknown>)?.approval_id);
  }
  return [...new Set(ids.filter((id): id is string => typeof id === "string" && /^ap_[0-9a-f]{16}$/.test(id)))];
}

function stateText(item: Item): string {
  if (item.state === "pending") return "Waiting for your decision";
  if (item.state === "done") return `Done: ${item.outcome ?? "done"}${item.message ? ` (${item.message})` : ""}`;
  return item.state.charAt(0).toUpperCase() + item.state.slice(1);
}

function render(item: Item, index: number): HTMLElement {
  const card = el("article", "item");
  card.dataset.approvalId = item.approval_id;
  card.dataset.state = item.state;
  const title = el("h2", null, item.title);
  const review = el("div", "lines");
  title.id = `title-${index}`;
  review.id = `review-${index}`;
  card.setAttribute("aria-labelledby", title.id);
  for (const line of item.lines) review.append(el("div", "line", line));
  if (item.text !== null) {
    review.append(el("div", "bar", "┌── message begins ──"));
    review.append(el("pre", "text", item.text));
    review.append(el("div", "bar", "└── message ends ──"));
  }
  card.append(title, review);
  const actions = el("div", "actions");
  const state = el("span", `state ${item.outcome ?? item.state}`, stateText(item));
  if (item.state === "pending") {
    const approve = el("button", "primary", item.kind === "send" ? "Send" : "Approve") as HTMLButtonElement;
    const reject = el("button", null, "Reject") as HTMLButtonElement;
    approve.dataset.decision = "approve";
    reject.dataset.decision = "reject";
    for (const button of [approve, reject]) {
      button.type = "button";
      // A screen reader names what the button decides: the review it belongs to (to whom, what).
      button.setAttribute("aria-describedby", `${title.id} ${review.id}`);
      button.addEventListener("click", () => decide(item, button.dataset.decision as "approve" | "reject", [approve, reject]));
      actions.append(button);
    }
  }
  actions.append(state);
  card.append(actions);
  return card;
}

function show(items: Item[]): void {
  for (const item of items) {
    const old = shown.get(item.approval_id);
    const index = old ? Number(old.dataset.index) : shown.size; // ids for aria, stable per request
    const card = render(item, index);
    card.dataset.index = String(index);
    if (old) old.replaceWith(card);
    else itemsEl.append(card);
    shown.set(item.approval_id, card);
  }
  const waiting = [...shown.values()].filter((card) => card.dataset.state === "pending").length;
  statusEl.textContent = waiting ? `${waiting} waiting for your decision. Nothing goes out until you click.` : "Nothing waits for your decision.";
}

function itemsOf(result: { structuredContent?: unknown; isError?: boolean; content?: unknown }): Item[] {
  const data = result.structuredContent as { items?: Item[] } | undefined;
  return Array.isArray(data?.items) ? data!.items : [];
}

async function decide(item: Item, decision: "approve" | "reject", buttons: HTMLButtonElement[]): Promise<void> {
  for (const button of buttons) button.disabled = true;
  try {
    const result = await app.callServerTool({
      name: "approval_decide",
      arguments: { approval_id: item.approval_id, content_hash: item.content_hash, decision },
    });
    if (result.isError) {
      statusEl.textContent = textOf(result) || "The decision was not accepted.";
      await refresh([item.approval_id]);
    } else {
      show(itemsOf(result));
    }
  } catch (error) {
    statusEl.textContent = `The decision could not be sent: ${String(error)}`;
    for (const button of buttons) button.disabled = false;
  }
}

function textOf(result: { content?: unknown }): string {
  const content = Array.isArray(result.content) ? result.content : [];
  const first = content.find((c: { type?: string }) => c?.type === "text") as { text?: string } | undefined;
  return first?.text ?? "";
}

async function refresh(ids: string[]): Promise<void> {
  if (!ids.length) return;
  const result = await app.callServerTool({ name: "approval_items", arguments: { approval_ids: ids } });
  show(itemsOf(result));
}

function applyContext(context: McpUiHostContext | undefined): void {
  if (context?.theme) applyDocumentTheme(context.theme);
  if (context?.styles?.variables) applyHostStyleVariables(context.styles.variables);
}

app.ontoolresult = (result) => {
  const ids = idsIn(result.structuredContent);
  if (!ids.length) {
    statusEl.textContent = "Nothing here waits for your decision.";
    return;
  }
  refresh(ids).catch((error) => (statusEl.textContent = `Could not load the review: ${String(error)}`));
};
app.onhostcontextchanged = applyContext;
await app.connect();
applyContext(app.getHostContext());
