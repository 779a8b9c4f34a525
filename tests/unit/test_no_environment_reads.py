"""One source per setting: below the entry points nothing reads CRMHUB_* from the environment on its own.

``config.Settings`` (pydantic-settings, prefix CRMHUB_) is loaded at the edge (the CLI, the worker jobs, a benchmark)
and passed down. The sandbox is a separate program and exempt, and so is the hub (the CLI is the edge). The
few modules below that touch ``os.environ`` for something that is not a CRMHUB_* setting are listed with why.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("errors", "config", "connectors", "mapping", "quality", "store", "sync", "analytics", "identity", "access",
            "web", "bench")
EXEMPT = {
    Path("store/migrations/env.py"): "alembic's own entry point (CRMHUB_STORE_URL when run as `alembic upgrade`)",
    Path("config/loader.py"): "resolves the ${VAR} secret references of crmhub.yaml (callers may pass env=)",
    Path("bench/common.py"): "hands the environment on to the benchmark's child processes",
    Path("bench/writeback.py"): "sets the demo CRMs' credentials its generated crmhub.yaml refers to",
}


def environment_reads(source: str) -> list[tuple[int, str]]:
    """(line, text) of every ``os.environ`` / ``os.getenv`` / ``environ`` / ``getenv`` use in ``source``."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in {"environ", "getenv", "environb"}:
            found.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            found += [(node.lineno, f"from os import {a.name}") for a in node.names
                      if a.name in {"environ", "getenv", "environb"}]
    return found


def _sources() -> list[Path]:
    return sorted(p.relative_to(ROOT) for package in PACKAGES for p in (ROOT / package).rglob("*.py")
                  if p.relative_to(ROOT) not in EXEMPT)


def test_the_check_finds_each_way_of_reading_the_environment() -> None:
    source = ("import os\nfrom os import getenv\nos.environ.get('CRMHUB_X')\nos.getenv('CRMHUB_Y')\n"
              "{**os.environ}\n")
    assert sorted(line for line, _ in environment_reads(source)) == [2, 3, 4, 5]


@pytest.mark.parametrize("path", sorted(EXEMPT), ids=str)
def test_an_exempt_module_reads_no_crmhub_setting(path: Path) -> None:
    source = (ROOT / path).read_text()
    lines = source.splitlines()
    reads = [line for line, _ in environment_reads(source)]
    assert reads, f"{path} no longer reads the environment: drop it from EXEMPT"
    allowed = "CRMHUB_STORE_URL" if path == Path("store/migrations/env.py") else None
    for line in reads:
        assert "CRMHUB_" not in lines[line - 1].replace(allowed or "\0", ""), f"{path}:{line}"


@pytest.mark.parametrize("path", _sources(), ids=str)
def test_no_package_module_reads_the_environment(path: Path) -> None:
    assert environment_reads((ROOT / path).read_text()) == [], (
        f"{path} reads the environment: take the value from config.Settings, loaded at the entry point, instead")
