// A minimal MCP Apps host for the browser tests: what Claude Desktop or ChatGPT do with a tool bound to a view.
// It connects to the MCP server over streamable HTTP (declaring the Apps extension, or not), calls a tool as the
// model would, reads the tool's `_meta.ui.resourceUri` view, renders it in a sandboxed iframe (opaque origin, a
// CSP built from the resource's declared domains: none), and speaks the MCP Apps postMessage protocol with it
// through the SDK's AppBridge: host context (theme, width), tool input and result, and the view's tool calls, which
// it proxies to the server. It records what a view asks of the host itself: messages for the conversation
// (ui/message), files to save (ui/download-file) and links to open. The test drives it through
// `window.salesnavHost` (Playwright's page.evaluate).
import { Client, StreamableHTTPClientTransport, type CallToolResult, type Tool } from "@modelcontextprotocol/client";
import {
  AppBridge,
  PostMessageTransport,
  RESOURCE_MIME_TYPE,
  getToolUiResourceUri,
  type McpUiHostContext,
  type McpUiTheme,
} from "@modelcontextprotocol/ext-apps/app-bridge";

const HOST = { name: "salesnav-test-host", version: "1.0.0" };
const APPS_EXTENSION = "io.modelcontextprotocol/ui";

interface ResourceCsp {
  connectDomains?: string[];
  resourceDomains?: string[];
  frameDomains?: string[];
  baseUriDomains?: string[];
}

let client: Client | null = null;
let tools = new Map<string, Tool>();
let bridge: AppBridge | null = null;
let context: McpUiHostContext = {};
const viewCalls: { name: string; arguments: unknown }[] = [];
const messages: unknown[] = []; // ui/message: what a view handed to the conversation
const downloads: unknown[] = []; // ui/download-file: what a view asked to save
const links: string[] = []; // ui/open-link
let width = 720;
const statusEl = document.getElementById("host-status")!;
const frameEl = document.getElementById("frame")!;

function connected(): Client {
  if (!client) throw new Error("not connected");
  return client;
}

async function connect(url: string, apps: boolean): Promise<Tool[]> {
  const capabilities = apps ? { extensions: { [APPS_EXTENSION]: { mimeTypes: [RESOURCE_MIME_TYPE] } } } : {};
  client = new Client(HOST, { capabilities });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  const listed = await client.listTools();
  tools = new Map(listed.tools.map((tool) => [tool.name, tool]));
  statusEl.textContent = `Test host: connected${apps ? " with MCP Apps" : " without MCP Apps"}.`;
  return listed.tools;
}

/** A tool call as the model makes it (no view). */
async function call(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await connected().callTool({ name, arguments: args })) as CallToolResult;
}

/** The CSP a host puts on a view: nothing beyond inline script and style unless the resource declares domains. */
function cspFor(csp: ResourceCsp | undefined): string {
  const resources = (csp?.resourceDomains ?? []).join(" ");
  const connect = (csp?.connectDomains ?? []).join(" ") || "'none'";
  const frames = (csp?.frameDomains ?? []).join(" ") || "'none'";
  return [
    "default-src 'none'",
    `script-src 'unsafe-inline' ${resources}`.trim(),
    `style-src 'unsafe-inline' ${resources}`.trim(),
    `img-src data: ${resources}`.trim(),
    `font-src data: ${resources}`.trim(),
    `connect-src ${connect}`,
    `frame-src ${frames}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

function withCsp(html: string, csp: ResourceCsp | undefined): string {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${cspFor(csp)}">`;
  return /<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (head) => head + meta) : meta + html;
}

function applyTheme(theme: McpUiTheme): void {
  document.documentElement.dataset.theme = theme;
}

/** Call a tool bound to a view, then render that view with the call's input and result, as a host does. */
async function show(name: string, args: Record<string, unknown>, theme: McpUiTheme): Promise<CallToolResult> {
  const tool = tools.get(name);
  const uri = tool && getToolUiResourceUri(tool);
  if (!uri) throw new Error(`${name} has no view`);
  const result = await call(name, args);
  const resource = await connected().readResource({ uri });
  const [content] = resource.contents;
  if (resource.contents.length !== 1 || content.mimeType !== RESOURCE_MIME_TYPE || !("text" in content)) {
    throw new Error(`unexpected view resource: ${JSON.stringify(resource).slice(0, 200)}`);
  }
  const csp = (content._meta as { ui?: { csp?: ResourceCsp } } | undefined)?.ui?.csp;

  await bridge?.teardownResource({}).catch(() => undefined);
  frameEl.replaceChildren();
  const iframe = document.createElement("iframe");
  iframe.title = "MCP App view";
  iframe.setAttribute("sandbox", "allow-scripts"); // an opaque origin: no cookies, storage or host DOM
  frameEl.append(iframe);

  applyTheme(theme);
  context = { theme, displayMode: "inline", availableDisplayModes: ["inline"], platform: "web", locale: "en-US",
    containerDimensions: { maxWidth: width }, toolInfo: { tool: tool! } };
  const capabilities = { serverTools: {}, logging: {}, message: { text: {} }, downloadFile: {}, openLinks: {} };
  bridge = new AppBridge(null, HOST, capabilities, { hostContext: context });
  // The view's tool calls go to the server through this host, which sees (and could refuse) each one.
  bridge.oncalltool = async (params) => {
    viewCalls.push({ name: params.name, arguments: params.arguments });
    return (await connected().callTool(params)) as CallToolResult;
  };
  bridge.onmessage = async (params) => {
    messages.push(params);
    return {};
  };
  bridge.ondownloadfile = async (params) => {
    downloads.push(params);
    return {};
  };
  bridge.onopenlink = async (params) => {
    links.push(params.url);
    return {};
  };
  bridge.addEventListener("sizechange", ({ height }) => {
    if (height !== undefined) iframe.style.height = `${Math.ceil(height) + 2}px`;
  });
  const initialized = new Promise<void>((resolve) => bridge!.addEventListener("initialized", () => resolve()));
  await bridge.connect(new PostMessageTransport(iframe.contentWindow!, iframe.contentWindow!));
  iframe.srcdoc = withCsp(content.text, csp);
  await initialized;
  await bridge.sendToolInput({ arguments: args });
  await bridge.sendToolResult(result);
  statusEl.textContent = `Test host: showing ${uri} for ${name}.`;
  return result;
}

/** The width of the chat column the view sits in (the iframe's width), told to the view as well. */
function setWidth(pixels: number): void {
  width = pixels;
  frameEl.style.width = `${pixels}px`;
  context = { ...context, containerDimensions: { maxWidth: pixels } };
  bridge?.setHostContext(context);
}

function setTheme(theme: McpUiTheme): void {
  applyTheme(theme);
  context = { ...context, theme };
  bridge?.setHostContext(context);
}

declare global {
  interface Window {
    salesnavHost: unknown;
  }
}

window.salesnavHost = {
  connect,
  call,
  show,
  setTheme,
  setWidth,
  viewCalls: () => viewCalls.map((c) => ({ ...c })),
  messages: () => structuredClone(messages),
  downloads: () => structuredClone(downloads),
  links: () => [...links],
};
