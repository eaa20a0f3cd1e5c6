"""The accessibility check: axe-core (from the npm registry, see package.json) run in the page.

`npm ci` puts it in node_modules/; without it these checks skip and say so, except in CI
(FICSHELF_REQUIRE_FIXTURES=1), where a missing axe-core fails.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

AXE_SOURCE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# The bar: no serious or critical violations.
BLOCKING_IMPACTS = {"serious", "critical"}


def _axe_source() -> str:
    if not AXE_SOURCE.exists():
        reason = f"axe-core is not installed at {AXE_SOURCE} (run `npm ci`)"
        if os.environ.get("FICSHELF_REQUIRE_FIXTURES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return AXE_SOURCE.read_text(encoding="utf-8")


def blocking_violations(page: Page) -> list[dict[str, Any]]:
    # evaluate() runs through the DevTools protocol, which the page's CSP does not govern,
    # so the check needs no exception in the site's policy.
    page.evaluate(_axe_source())
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]


def assert_accessible(page: Page) -> None:
    violations = blocking_violations(page)
    details = "\n".join(
        f"{v['impact']}: {v['id']} ({v['help']}) at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:3])
        for v in violations
    )
    assert not violations, f"{page.url}\n{details}"
