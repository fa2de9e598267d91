// Build every view (src/<view>/index.html) into one self-contained HTML file in the Python package
// (src/salesnav_mcp/views/<view>.html.gz): every script and style inlined, nothing loaded from a network.
// Each file starts with the digest of the sources it was built from, so a test can tell a stale build.
// Shipped gzipped: each bundle carries the same MCP Apps SDK runtime (~230 KB), and a build output is
// not text anyone reviews; the server decompresses a view when it is registered.
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { build } from "vite";
import { viteSingleFile } from "vite-plugin-singlefile";

const here = fileURLToPath(new URL(".", import.meta.url));
const target = join(here, "..", "src", "salesnav_mcp", "views");
const SOURCES = ["package.json", "package-lock.json", "build.mjs", "src"];

function files(path) {
  return statSync(path).isDirectory()
    ? readdirSync(path).sort().flatMap((name) => files(join(path, name)))
    : [path];
}

// sha256 over each source file: its path (relative, "/"-separated), a NUL, its bytes, a NUL; in path order.
export function sourceDigest() {
  const hash = createHash("sha256");
  const all = SOURCES.flatMap((name) => files(join(here, name)))
    .map((path) => [relative(here, path).split(sep).join("/"), path])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, path] of all) {
    hash.update(name);
    hash.update("\0");
    hash.update(readFileSync(path));
    hash.update("\0");
  }
  return hash.digest("hex");
}

const digest = sourceDigest();
const views = readdirSync(join(here, "src")).filter((name) => name !== "shared").sort();
for (const view of views) {
  const out = mkdtempSync(join(tmpdir(), `salesnav-view-${view}-`));
  try {
    await build({
      root: join(here, "src", view),
      logLevel: "error",
      plugins: [viteSingleFile()],
      build: { outDir: out, emptyOutDir: true, minify: true },
    });
    const html = readFileSync(join(out, "index.html"), "utf8");
    const page = `<!-- salesnav-mcp view, sources sha256:${digest} -->\n${html}`;
    writeFileSync(join(target, `${view}.html.gz`), gzipSync(page, { level: 9 }));
    console.log(`built ${view}.html.gz`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
