"""What a sync reports when it does not simply succeed: one connection's refused credentials stop only that
connection (recorded in ``runs`` and the metrics), an interrupt is a cancelled run, and each outcome has its exit
code (hub/exitcodes.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer
from sqlalchemy import Engine
from typer.testing import CliRunner

import store
from connectors.base import ChangeBatch, Cursor, ObjectSchema, ObjectSpec
from connectors.errors import AuthError
from hub import exitcodes
from hub.cli import app
from hub.cmd_sync import exit_code
from hub.context import failures
from hub.metrics import exposition, samples
from hub.output import Output
from quality.checker import QualityChecker
from sandbox.common.launcher import SandboxProcess
from sync.counts import Counts
from sync.runner import Stream, SyncPlan, run_plan, validate_mappings
from sync.stream import RunSummary
from tests.support.fakes import MAPPING, SPEC, FakeConnector, pages_of, person
from tests.support.ops_config import TOKEN

REFUSED = AuthError("the private-app token was refused; update the connection's auth.token", connection="bad")


@dataclass(slots=True)
class _Refusing(FakeConnector):
    """A connection whose credentials the CRM refuses, counting how often it was asked."""

    asked: int = 0

    def discover(self) -> Sequence[ObjectSchema]:
        self.asked += 1
        raise REFUSED

    def read_changes(self, spec: ObjectSpec, since: Cursor, *, fields: Sequence[str],
                     full_refresh: bool = False) -> Iterator[ChangeBatch]:
        self.asked += 1
        raise REFUSED
        yield  # a generator, like every connector's read


def _errors_by_kind(engine: Engine) -> dict[tuple[str, str], float]:
    return {(s["labels"]["connection"], s["labels"]["kind"]): s["value"] for s in samples(exposition(engine))
            if s["name"] == "crmhub_run_errors_total"}


def _runs(engine: Engine, connection: str) -> list[dict[str, object]]:
    with engine.connect() as conn:
        return store.list_runs(conn, connection=connection)


@pytest.mark.parametrize("validate", [True, False], ids=["validated", "unvalidated"])
def test_one_connection_refused_stops_only_that_connection(db: Engine, checker: QualityChecker,
                                                           validate: bool) -> None:
    good = FakeConnector(pages_of([person("1"), person("2")], 1), name="good")
    bad = _Refusing(pages_of([person("3")], 1), name="bad")
    # Two streams of the refused connection: the second is recorded failed without asking the CRM again.
    plan = SyncPlan([Stream(bad, SPEC, MAPPING), Stream(bad, SPEC, MAPPING), Stream(good, SPEC, MAPPING)],
                    {"bad": bad, "good": good})
    if validate:
        validate_mappings(plan)  # discovering "bad" fails: that is no reason not to sync "good"
    summaries = run_plan(plan, engine=db, checker=checker)

    assert [(s.connection, s.status) for s in summaries] == [("bad", "failed"), ("bad", "failed"),
                                                             ("good", "succeeded")]
    assert bad.asked == 1
    assert all(s.error_kind == "auth" and "auth.token" in (s.error or "") for s in summaries[:2])
    assert summaries[2].counts.upserted == 2
    rows = _runs(db, "bad")
    assert len(rows) == 2 and all(r["status"] == "failed" and r["errors"] == [{"kind": "auth"}] and
                                  "auth.token" in str(r["error"]) for r in rows)
    assert _errors_by_kind(db) == {("bad", "auth"): 2.0}
    assert exit_code(summaries) == exitcodes.AUTH


def test_an_interrupt_records_the_run_as_cancelled(db: Engine, checker: QualityChecker) -> None:
    connector = FakeConnector(pages_of([person(str(i)) for i in range(5)], 1), fail_after=2,
                              fail_with=KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        run_plan(SyncPlan([Stream(connector, SPEC, MAPPING)], {connector.name: connector}), engine=db,
                 checker=checker)
    [row] = _runs(db, connector.name)
    assert row["status"] == "cancelled" and row["errors"] == [{"kind": "cancelled"}], row
    assert "SIGINT" in str(row["error"]) and row["finished_at"] is not None
    assert _errors_by_kind(db) == {(connector.name, "cancelled"): 1.0}  # never counted as an internal error
    statuses = {s["labels"]["status"] for s in samples(exposition(db)) if s["name"] == "crmhub_runs_total"}
    assert statuses == {"cancelled"}


def test_an_interrupted_command_exits_130_with_a_json_answer(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(typer.Exit) as stopped, failures(Output(as_json=True)):
        raise KeyboardInterrupt
    assert stopped.value.exit_code == exitcodes.CANCELLED == 130
    assert json.loads(capsys.readouterr().out)["error"]["kind"] == "cancelled"


def _summary(status: str, kind: str | None = None, failed: int = 0) -> RunSummary:
    return RunSummary(1, "c", "o", status, Counts(failed=failed), 0, 0.0, False, error_kind=kind)


@pytest.mark.parametrize(("statuses", "code"), [
    ([_summary("succeeded")], exitcodes.OK),
    ([_summary("succeeded"), _summary("locked")], exitcodes.LOCKED),
    ([_summary("failed", "auth"), _summary("succeeded"), _summary("locked")], exitcodes.AUTH),
    ([_summary("failed", "auth"), _summary("failed", "transient")], exitcodes.RECORDS_FAILED),
    ([_summary("succeeded", failed=1), _summary("locked")], exitcodes.RECORDS_FAILED),
    ([_summary("failed", "lock")], exitcodes.RECORDS_FAILED),
    ([_summary("stopped", "budget"), _summary("failed", "api")], exitcodes.BUDGET),
], ids=["ok", "locked", "auth", "failed", "records", "lock-lost", "budget"])
def test_exit_codes(statuses: list[RunSummary], code: int) -> None:
    assert exit_code(statuses) == code


def test_crmhub_sync_runs_the_good_connection_when_another_is_refused(hubspot: SandboxProcess,
                                                                      tmp_path: Path) -> None:
    wrong = TOKEN[:-4] + "0000"
    config = tmp_path / "crmhub.yaml"
    block = ("  {name}:\n    kind: hubspot\n    base_url: {url}\n    ca_bundle: {ca}\n"
             "    auth: {{flow: private_app, token: {token}}}\n    objects: [owners, companies]\n")
    config.write_text(f"version: 1\nstore: {{url: 'sqlite:///{tmp_path / 'crmhub.db'}'}}\nconnections:\n"
                      + block.format(name="hs_refused", url=hubspot.info.https_url, ca=hubspot.info.ca_path,
                                     token=wrong)
                      + block.format(name="hs_good", url=hubspot.info.https_url, ca=hubspot.info.ca_path,
                                     token=TOKEN))
    synced = CliRunner().invoke(app, ["sync", "--config", str(config), "--json"])
    assert synced.exit_code == exitcodes.AUTH, synced.output[-3000:]
    runs = {(r["connection"], r["object"]): r for r in json.loads(synced.stdout)["runs"]}
    assert {k: r["status"] for k, r in runs.items()} == {
        ("hs_refused", "owners"): "failed", ("hs_refused", "companies"): "failed",
        ("hs_good", "owners"): "succeeded", ("hs_good", "companies"): "succeeded"}
    assert "auth.token" in runs[("hs_refused", "owners")]["error"]
    assert runs[("hs_good", "companies")]["counts"]["upserted"] > 0

    listed = CliRunner().invoke(app, ["runs", "--config", str(config), "--json"])
    refused = [r for r in json.loads(listed.stdout)["runs"] if r["connection"] == "hs_refused"]
    assert len(refused) == 2 and {r["status"] for r in refused} == {"failed"}
    metrics = CliRunner().invoke(app, ["metrics", "--config", str(config)])
    assert 'crmhub_run_errors_total{connection="hs_refused",kind="auth",object="owners"} 1.0' in metrics.stdout
