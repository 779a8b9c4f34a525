"""Fixtures shared by every test package (fresh stores on SQLite and PostgreSQL), and how ``make test`` splits the
suite into phases and pytest-xdist groups (tests/support/phases.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from quality.checker import QualityChecker
from quality.suite import load_suites
from tests.support.phases import PHASES, group_of, in_phase
from tests.support.stores import fresh_engine
from tests.support.xdist_ids import with_group_ids


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--phase", choices=PHASES, default=None,
                     help="run one phase of `make test`: parallel (every test not marked serial, for -n 2 --dist "
                          "loadgroup) or serial (the serial tests, alone); default: every test")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keeps the tests of ``--phase`` and gives each the xdist group that keeps what it shares on one worker.

    First among the hooks: under ``--dist loadgroup`` pytest-xdist's worker reads the group marks in the same hook,
    and would otherwise run before this one (it registers later) and find none."""
    phase = config.getoption("--phase")
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        serial = item.get_closest_marker("serial") is not None
        (kept if in_phase(phase, serial=serial) else dropped).append(item)
        callspec = getattr(item, "callspec", None)
        group = group_of(item.nodeid, getattr(item, "fixturenames", ()), callspec.params if callspec else {},
                         serial=serial)
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.hookimpl(tryfirst=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """On an xdist worker under ``--dist loadgroup``: the group in every grouped test's id, before the worker sends
    the ids to the scheduler (pytest-xdist's own hook, after this one) — tests/support/xdist_ids.py says why."""
    if getattr(session.config.option, "loadgroup", False):
        with_group_ids(session.items)


@pytest.fixture(params=[pytest.param("sqlite", id="sqlite"),
                        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated store, once on SQLite and once on PostgreSQL."""
    yield from fresh_engine(request.param, tmp_path)


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Engine]:
    yield from fresh_engine("sqlite", tmp_path)


@pytest.fixture(scope="session")
def checker() -> QualityChecker:
    """The shipped suites; Great Expectations is imported once, on the first check, for the whole session."""
    return QualityChecker(load_suites())
