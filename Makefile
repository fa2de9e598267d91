# Two entry points for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

NODE_TOOLS := tests/e2e/node
NODE_STAMP := $(NODE_TOOLS)/node_modules/.installed

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

# Node 22 tools for the end-to-end tests (Inspector CLI, conformance suite); skipped when up to date.
$(NODE_STAMP): $(NODE_TOOLS)/package.json $(NODE_TOOLS)/package-lock.json scripts/install-node-tools.sh
	scripts/install-node-tools.sh $@

# The views' build tools (Vite, the MCP Apps SDK, Node 22), also used by the browser tests' host page.
VIEWS_STAMP := views/node_modules/.installed
$(VIEWS_STAMP): views/package.json views/package-lock.json
	cd views && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's Chromium for the browser tests (what a person sees is checked in a real browser).
BROWSER_STAMP := $(VENV)/.browser
$(BROWSER_STAMP): scripts/install-browser.sh
	scripts/install-browser.sh
	touch $@

.PHONY: install node-tools views catalog demo test test-fast lint bench readme
install: $(STAMP)

node-tools: $(NODE_STAMP) $(VIEWS_STAMP)

# Rebuild the views shipped in the package (src/salesnav_mcp/views); a test fails while they are stale.
views: $(VIEWS_STAMP)
	scripts/node22.sh views/build.mjs

# Regenerate the tool catalog a server starts from (src/salesnav_mcp/server/catalog.json); a test fails while it is stale.
catalog: $(STAMP)
	$(BIN)/python -m salesnav_mcp.server.catalog

demo: $(STAMP)
	$(BIN)/salesnav-mcp demo

lint: $(STAMP)
	$(BIN)/ruff check src tests bench packaging

.PHONY: dist bundle
# Release files in dist/: the sdist, and the wheel python -m build makes from it in a temporary directory,
# so a stale build/ in the checkout can never ship.
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --no-isolation --outdir dist .

# The Claude Desktop extension (dist/salesnav-mcp-VERSION.mcpb), made from that wheel.
bundle: dist
	$(BIN)/python packaging/mcpb/build.py dist/salesnav_mcp-*.whl dist

# pytest exits 5 when it collected nothing: that is a broken suite, not a pass.
PYTEST = $(BIN)/python -m pytest -q $(1); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$rc

# Every test, as CI runs it.
test: lint node-tools $(BROWSER_STAMP)
	$(call PYTEST)

# The inner loop: no subprocesses, no Node tools, no browser (markers slow, node and browser); `make test` runs those too.
test-fast: lint
	$(call PYTEST,-m "not slow and not node and not browser")

bench: $(STAMP)
	$(BIN)/python -m bench

# The README's tool table, generated from the toolsets.
readme: $(STAMP)
	$(BIN)/python -m salesnav_mcp.server.readme README.md
