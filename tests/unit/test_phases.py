"""How ``make test`` splits the suite (tests/support/phases.py): phases, and the xdist groups that keep a sandbox on
one worker."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support.phases import SERIAL_GROUP, group_of, in_phase

TESTS = Path(__file__).resolve().parents[1]


def test_a_unit_test_runs_on_any_worker() -> None:
    assert group_of("tests/unit/store/test_runs.py::test_x[postgresql]", ["engine", "tmp_path"], {"engine": "pg"},
                    serial=False) is None


def test_a_sandbox_test_stays_with_its_module() -> None:
    nodeid = "tests/integration/dynamics/test_sandbox_query.py::test_paging"
    assert group_of(nodeid, ["d365"], {}, serial=False) == "tests/integration/dynamics/test_sandbox_query.py"


def test_the_contract_sandboxes_are_one_group_per_crm_across_modules() -> None:
    groups = {group_of(f"tests/contract/{module}::test_x[{crm}]", ["crm", "tmp_path"], {"crm": crm}, serial=False)
              for module in ("test_contract.py", "test_products.py") for crm in ("salesforce", "hubspot")}
    assert groups == {"tests/contract:salesforce", "tests/contract:hubspot"}


def test_the_ops_package_sandbox_keeps_its_users_together_and_only_them() -> None:
    users = {group_of(f"tests/integration/ops/{module}::test_x", ["hubspot", "tmp_path"], {}, serial=False)
             for module in ("test_metrics.py", "test_scheduler.py", "test_cli_surface.py")}
    assert users == {"tests/integration/ops"}
    other = group_of("tests/integration/ops/test_metrics.py::test_empty", ["sqlite_db"], {}, serial=False)
    assert other == "tests/integration/ops/test_metrics.py"


def test_the_browser_tests_share_one_server_and_chromium_per_worker() -> None:
    groups = {group_of(f"tests/browser/{module}::test_x", ["admin", "browser", "demo"], {}, serial=False)
              for module in ("test_sign_in.py", "test_dashboard.py", "test_accessibility.py")}
    assert groups == {"tests/browser"}


def test_serial_tests_share_one_group_wherever_they_live() -> None:
    assert group_of("tests/integration/ops/test_celery_workers.py::test_x", ["hubspot"], {}, serial=True) == "serial"
    assert group_of("tests/unit/sync/test_x.py::test_y", [], {}, serial=True) == SERIAL_GROUP


@pytest.mark.parametrize(("phase", "serial", "runs"), [
    (None, False, True), (None, True, True), ("parallel", False, True), ("parallel", True, False),
    ("serial", False, False), ("serial", True, True),
])
def test_each_test_runs_in_exactly_one_phase(phase: str | None, serial: bool, runs: bool) -> None:
    assert in_phase(phase, serial=serial) is runs


def test_an_unknown_phase_is_refused() -> None:
    with pytest.raises(ValueError, match="parallel"):
        in_phase("fast", serial=False)


def _attributes(path: Path) -> set[str]:
    """Every dotted attribute use in a module, as written (``client.flushdb``, ``pytest.mark.serial``)."""
    return {ast.unparse(node) for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.Attribute)}


def test_a_test_that_wipes_a_redis_database_is_serial() -> None:
    """FLUSHDB empties a database every test on that number shares: such a test must not run beside another."""
    wiping = [p for p in TESTS.rglob("test_*.py") if any(a.endswith(".flushdb") for a in _attributes(p))]
    assert wiping, "no test flushes Redis any more: drop this check"
    assert [p.relative_to(TESTS).as_posix() for p in wiping if "pytest.mark.serial" not in _attributes(p)] == []
