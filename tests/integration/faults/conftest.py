"""Collects each fault case's result; with CRMHUB_FAULTS_TABLE=<path> the session writes the README's fault table.

Each test records (crm, fault, what it injected) as a user property; the cell is that plus ✔ (passed), ✘ (failed) or
n/a (skipped, with its reason), and the row's outcome is the one scenarios.FAULTS says the tests assert.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.support.faults.scenarios import FAULTS
from tests.support.faults.targets import TARGETS


class FaultTable:
    """A plugin: one per session, holding (crm, fault) -> (mark, what was injected or why n/a)."""

    def __init__(self) -> None:
        self.results: dict[tuple[str, str], tuple[str, str]] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        cell: Any = dict(report.user_properties).get("fault_cell")
        if not cell or (report.when != "call" and not (report.when == "setup" and report.outcome != "passed")):
            return
        key = (cell["crm"], cell["fault"])
        if hasattr(report, "wasxfail"):
            self.results[key] = ("✘", f"{cell['injected']}: known bug, {report.wasxfail}")
        elif report.skipped:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            self.results[key] = ("n/a", reason.removeprefix("Skipped: "))
        else:
            self.results[key] = ("✔" if report.passed else "✘", cell["injected"])

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        path = os.environ.get("CRMHUB_FAULTS_TABLE")
        if path and self.results:
            Path(path).write_text(render_table(self.results))


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin("crmhub-fault-table"):
        config.pluginmanager.register(FaultTable(), "crmhub-fault-table")


def render_table(results: dict[tuple[str, str], tuple[str, str]]) -> str:
    crms = list(TARGETS)
    lines = ["| fault | " + " | ".join(crms) + " | outcome asserted |", "|---" * (len(crms) + 2) + "|"]
    for fault in FAULTS:
        cells = []
        for crm in crms:
            mark, text = results.get((crm, fault.name), ("not run", ""))
            cells.append(f"{mark} {text}".strip())
        lines.append(f"| {fault.title} | " + " | ".join(cells) + f" | {fault.outcome} |")
    marks = [m for m, _ in results.values()]
    lines += ["", f"{len(results)} cases: {marks.count('✔')} passed, {marks.count('✘')} failed, "
                  f"{marks.count('n/a')} not applicable."]
    return "\n".join(lines) + "\n"
