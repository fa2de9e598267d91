// The account overview for get_account_overview: one card per LinkedIn account with its seat, SSI and trend,
// InMail credits, searches used and their reset, new conversations today against the cap, drafts waiting for
// approval (handed to the review card through the conversation) and sends in unknown state. Everything comes
// from the tool result; every value is set as text.
import type { App } from "@modelcontextprotocol/ext-apps";
import { el, meter, num, sandboxBadge, signed, startView, textOf } from "../shared/view";

interface DraftRef {
  draft_id: string;
  channel: string;
}

interface Account {
  account_id: string;
  name: string;
  status: string | null;
  premium_type: string | null;
  seat: boolean | null;
  ssi: {
    overall: number | null;
    change: number | null;
    readings: number;
    weakest_pillar: string | null;
    industry_rank: number | null;
    industry_movement: number | null;
    network_rank: number | null;
    network_movement: number | null;
  } | null;
  ssi_note: string | null;
  inmail: { available: number; total: number | null } | null;
  search_budget: { unit: "search" | "page"; used: number; limit: number; resets_at: string };
  new_conversations: { sent_today: number; daily_cap: number };
  invitations: {
    used: number;
    limit: number;
    resets_at: string;
    held_until: string | null;
    sent_in_period: number;
    accepted_in_period: number;
    acceptance_rate: number | null;
  };
  replies: { sent: number; replied: number; rate: number | null };
  drafts_awaiting_confirmation: number;
  awaiting: DraftRef[];
  unknown_sends: number;
  unknown: DraftRef[];
  error: string | null;
}

interface Overview {
  days: number;
  accounts: Account[];
  sandbox: boolean;
}

const PILLARS: Record<string, string> = {
  PROFESSIONAL_BRAND: "Establish your professional brand",
  FIND_RIGHT_PEOPLE: "Find the right people",
  INSIGHT_ENGAGEMENT: "Engage with insights",
  STRONG_RELATIONSHIP: "Build relationships",
};
const titleEl = document.getElementById("title")!;
const metaEl = document.getElementById("meta")!;
const accountsEl = document.getElementById("accounts")!;
const statusEl = document.getElementById("status")!;
let app: App | null = null;

function rankText(label: string, rank: number | null, moved: number | null): string {
  if (rank === null) return "";
  const move = moved ? ` (${moved > 0 ? "▲" : "▼"}${num(Math.abs(moved))})` : "";
  return `${label} top ${num(rank, rank % 1 ? 1 : 0)}%${move}`;
}

function ssiPart(account: Account, days: number): HTMLElement {
  const line = el("div", "ssi-line");
  const ssi = account.ssi;
  if (!ssi) {
    line.append(el("span", "muted", account.ssi_note ?? (account.seat === false ? "No SSI: no Sales Navigator seat." : "SSI n/a")));
    return line;
  }
  line.append(el("span", "muted", "SSI"), el("span", "value", num(ssi.overall, 1)));
  if (ssi.change !== null && ssi.readings > 1) {
    line.append(el("span", ssi.change > 0 ? "ok" : ssi.change < 0 ? "bad" : "muted", `${signed(ssi.change)} over ${days} days`));
  }
  const ranks = [rankText("industry", ssi.industry_rank, ssi.industry_movement), rankText("network", ssi.network_rank, ssi.network_movement)];
  const weakest = ssi.weakest_pillar ? `weakest: ${PILLARS[ssi.weakest_pillar] ?? ssi.weakest_pillar}` : "";
  const rest = [weakest, ...ranks].filter(Boolean).join(" · ");
  if (rest) line.append(el("span", "muted", rest));
  return line;
}

async function review(account: Account, button: HTMLButtonElement): Promise<void> {
  if (!app?.getHostCapabilities()?.message) {
    statusEl.textContent = "This host does not take messages from a view: ask the assistant to review the drafts.";
    return;
  }
  const ids = account.awaiting.map((d) => d.draft_id);
  const text =
    `Put my ${ids.length} draft${ids.length === 1 ? "" : "s"} waiting for approval on LinkedIn account ${account.name} ` +
    `(${account.account_id}) before me in the review card: review_drafts with draft_ids ${ids.join(", ")}. ` +
    "Nothing goes out unless I approve it there.";
  button.disabled = true;
  try {
    const sent = await app.sendMessage({ role: "user", content: [{ type: "text", text }] });
    statusEl.textContent = sent.isError ? "The host did not take the message." : "Asked for the review card in the conversation.";
  } catch (error) {
    statusEl.textContent = `The message could not be handed over: ${String(error)}`;
  } finally {
    button.disabled = false;
  }
}

function draftsPart(account: Account): HTMLElement {
  const box = el("div", "drafts");
  const waiting = account.drafts_awaiting_confirmation;
  const line = el("p", "waiting", waiting ? `${waiting} draft${waiting === 1 ? "" : "s"} waiting for your approval.` : "No draft waits for your approval.");
  box.append(line);
  if (waiting && account.awaiting.length) {
    const button = el("button", "primary review", "Review in the card");
    button.type = "button";
    button.setAttribute("aria-describedby", `account-${account.account_id}`); // whose drafts: the card's heading
    button.addEventListener("click", () => void review(account, button));
    box.append(button);
  }
  if (account.unknown_sends) {
    box.append(
      el(
        "p",
        "unknown bad",
        `${account.unknown_sends} send${account.unknown_sends === 1 ? "" : "s"} in unknown state: check LinkedIn before resending.`,
      ),
    );
    const list = el("ul", "unknown-list");
    for (const draft of account.unknown) list.append(el("li", null, `${draft.draft_id} (${draft.channel.replace(/_/g, " ")})`));
    box.append(list);
  } else {
    box.append(el("p", "unknown muted", "No send in unknown state."));
  }
  return box;
}

function card(account: Account, days: number): HTMLElement {
  const item = el("article", "card account");
  item.dataset.accountId = account.account_id;
  const top = el("div", "top");
  const name = el("h2", null, account.name);
  name.id = `account-${account.account_id}`;
  item.setAttribute("aria-labelledby", name.id);
  top.append(name, el("span", `badge${account.seat ? " seat" : ""}`, account.seat ? "Sales Navigator seat" : "No Sales Navigator seat"));
  item.append(top);
  item.append(el("p", "ids muted", [account.account_id, account.status, account.premium_type].filter(Boolean).join(" · ")));
  if (account.error) item.append(el("p", "bad", `Upstream: ${account.error}`));
  item.append(ssiPart(account, days));
  const facts = el("div", "facts");
  if (account.inmail) {
    const { available, total } = account.inmail;
    facts.append(
      total !== null
        ? meter("InMail credits used", total - available, total, `${num(total - available)} of ${num(total)} · ${num(available)} left`)
        : el("p", "inmail", `InMail credits: ${num(available)}`),
    );
  }
  const b = account.search_budget;
  facts.append(
    meter(b.unit === "search" ? "Searches this month" : "Search pages this month", b.used, b.limit, `${num(b.used)} of ${num(b.limit)} · resets ${b.resets_at.slice(0, 10)}`),
  );
  const n = account.new_conversations;
  facts.append(meter("New conversations today", n.sent_today, n.daily_cap, `${num(n.sent_today)} of ${num(n.daily_cap)}`));
  const inv = account.invitations;
  const invNote = inv.held_until ? `on hold until ${inv.held_until.slice(0, 16).replace("T", " ")} UTC` : `resets ${inv.resets_at.slice(0, 10)}`;
  facts.append(meter("Connection requests this week", inv.used, inv.limit, `${num(inv.used)} of ${num(inv.limit)} · ${invNote}`));
  const r = account.replies;
  facts.append(
    el(
      "p",
      "replies",
      r.rate === null
        ? `Reply rate (${days} days): nothing sent yet.`
        : `Reply rate (${days} days): ${num(r.replied)} of ${num(r.sent)} answered (${num(r.rate * 100)}%).`,
    ),
  );
  if (inv.acceptance_rate !== null) {
    facts.append(
      el(
        "p",
        "accepted",
        `Connection requests accepted (${days} days): ${num(inv.accepted_in_period)} of ${num(inv.sent_in_period)} (${num(inv.acceptance_rate * 100)}%).`,
      ),
    );
  }
  item.append(facts, draftsPart(account));
  return item;
}

app = await startView("salesnav-account-overview", {
  onResult(result) {
    if (result.isError) {
      statusEl.textContent = textOf(result) || "The overview could not be read.";
      return;
    }
    const data = result.structuredContent as Overview | undefined;
    if (!data || !Array.isArray(data.accounts)) {
      statusEl.textContent = "This result holds no overview.";
      return;
    }
    if (data.sandbox && !document.querySelector("header .badge.sandbox")) titleEl.after(sandboxBadge());
    metaEl.textContent = `${data.accounts.length} account${data.accounts.length === 1 ? "" : "s"} · trends over ${data.days} days`;
    accountsEl.replaceChildren(...data.accounts.map((account) => card(account, data.days)));
    statusEl.textContent = data.accounts.length ? "" : "No LinkedIn account is connected.";
  },
});
