"""The MCP Inspector CLI's `--strict` schema check finds nothing to warn about in any tool's schemas (a
nullable written as `type: [T, "null"]` was most of its 348 warnings: single-`type` clients reject it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.test_node_tools import inspector, node_env, stdio_target  # noqa: F401 - node_env is a fixture

pytestmark = [pytest.mark.node, pytest.mark.slow]


def test_inspector_strict_tools_list_reports_no_portability_finding(node_env: dict[str, str], workdir: Path) -> None:  # noqa: F811
    result = inspector(node_env, workdir, *stdio_target(workdir), "--method", "tools/list", "--strict", "--format", "json")
    assert result.returncode == 0, result.stderr
    envelope = json.loads(result.stdout)
    assert len(envelope["result"]["tools"]) >= 30
    assert "schemaFindings" not in envelope, json.dumps(envelope["schemaFindings"])[:3000]
    assert 'Warning: tool "' not in result.stderr, result.stderr[-3000:]
