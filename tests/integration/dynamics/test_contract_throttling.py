"""Dynamics service protection: 429s retried after their Retry-After, requests in flight bounded by a semaphore."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from quality.checker import QualityChecker
from tests.contract.crms.dynamics import started
from tests.contract.harness import Harness
from tests.support.truth import assert_matches_truth


@pytest.fixture(scope="module")
def dyn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    sb, harness = started(tmp_path_factory.mktemp("dynamics-limits"), scale=200, connection="dyn_limits",
                          objects=("contacts",))
    try:
        yield harness
    finally:
        sb.stop()


def test_a_429_is_retried_after_its_retry_after(dyn: Harness, sqlite_db: Engine, checker: QualityChecker) -> None:
    connector = dyn.connector()
    dyn.admin.set_faults([{
        "path": "^/api/data/v9.2/contacts$", "status": 429, "times": 2, "headers": {"Retry-After": "1"},
        "body": {"error": {"code": "0x80072322", "message": "Number of requests exceeded the limit of 6000 over "
                                                           "time window of 300 seconds."}},
    }])
    try:
        summary = dyn.sync(sqlite_db, connector, "contacts", checker)
    finally:
        dyn.admin.clear_faults()
    assert summary.status == "succeeded", summary.error
    assert dyn.admin.calls()["by_endpoint"].get("fault:429") == 2
    assert_matches_truth(dyn, sqlite_db, "contacts")


def test_concurrency_stays_under_the_limit_and_429s_beyond_it_are_retried(dyn: Harness) -> None:
    # Two requests in flight at most, each taking 300 ms on the server: a third one at once is refused (0x80072326).
    dyn.admin.put("/_admin/limits", {"concurrent": 2, "latency_ms": 300})
    try:
        bounded = dyn.connector(max_concurrency=2)
        specs = [dyn.spec(bounded, name) for name in ("contacts", "accounts")]
        # the entity, lookup targets and four kinds of choice per table, in parallel: the two tables and the seed's
        # two custom tables (discover describes every custom table), after the one call listing the custom tables
        calls = 1 + 6 * (len(specs) + 2)
        within = bounded.catalog.discover(specs)  # type: ignore[attr-defined]
        assert bounded.usage.calls == calls  # not one 429: the semaphore kept it at two
        eager = dyn.connector(max_concurrency=8)
        beyond = eager.catalog.discover(specs)  # type: ignore[attr-defined]
        assert eager.usage.calls > calls  # refused, waited for Retry-After, sent again
        assert [s.field_names() for s in beyond] == [s.field_names() for s in within]
    finally:
        dyn.admin.put("/_admin/limits", {"concurrent": 52, "latency_ms": 0})
