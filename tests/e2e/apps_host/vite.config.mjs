// Builds the test host page of the review-card browser test (tests/e2e/test_review_card_browser.py) with the
// views' own toolchain: bare imports resolve in views/node_modules (Vite and the MCP Apps SDK, pinned there),
// so this directory has no node_modules and no lock file of its own. Loaded with --configLoader native.
// Usage: scripts/node22.sh views/node_modules/vite/bin/vite.js build --configLoader native \
//          --config tests/e2e/apps_host/vite.config.mjs --outDir DIR
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
// Any file inside views/: resolving from it finds views/node_modules.
const viewsImporter = join(here, "..", "..", "..", "views", "build.mjs");

export default {
  root: here,
  logLevel: "error",
  plugins: [
    {
      name: "resolve-from-views",
      enforce: "pre",
      async resolveId(source, importer, options) {
        const bare = !source.startsWith(".") && !source.startsWith("/") && !source.startsWith("\0");
        if (!bare || !importer?.startsWith(here)) return null;
        return this.resolve(source, viewsImporter, { ...options, skipSelf: true });
      },
    },
  ],
  build: { emptyOutDir: true, minify: false, target: "es2022" },
};
