"""CSV cells never start a spreadsheet formula."""

from __future__ import annotations

from salesnav_mcp.operations.spreadsheet import cell


def test_csv_cells_never_start_a_formula() -> None:
    assert [cell(v) for v in ("=HYPERLINK(x)", "+1", "-2", "@SUM", "plain", None, True, 3)] == [
        "'=HYPERLINK(x)", "'+1", "'-2", "'@SUM", "plain", "", "true", "3",
    ]
