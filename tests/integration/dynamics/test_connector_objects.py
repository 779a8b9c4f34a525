"""Issue 17's Dynamics tables through the connector: tables without modifiedon read by complete listings (their
deletes seen as missing ids), what the new standard tables map to, and custom tables found, checked and described."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select

import store
from connectors.errors import ConfigError
from quality.checker import QualityChecker
from store.tables import canonical_tables
from tests.contract.crms.dynamics import started
from tests.contract.harness import Harness
from tests.support.truth import assert_matches_truth

OBJECTS = ("accounts", "systemusers", "teams", "opportunities", "competitors", "opportunitycompetitorscollection",
           "processstages", "goals", "incidents")


@pytest.fixture(scope="module")
def dyn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    sb, harness = started(tmp_path_factory.mktemp("dynamics-objects"), scale=300, connection="dyn_objects",
                          objects=OBJECTS)
    try:
        yield harness
    finally:
        sb.stop()


def test_an_intersect_table_is_listed_whole_and_a_disassociation_is_a_tombstone(
    dyn: Harness, sqlite_db: Engine, checker: QualityChecker
) -> None:
    obj = "opportunitycompetitorscollection"
    connector = dyn.connector()
    first = dyn.sync(sqlite_db, connector, obj, checker)
    assert first.status == "succeeded", first.error
    with sqlite_db.connect() as conn:
        saved = store.load_cursor(conn, connection=dyn.connection, object=obj)
    assert saved is not None and saved[1] == {"v": 1, "mode": "listing"}
    live, _ = dyn.accounted_ids(sqlite_db, obj)
    gone = sorted(live)[:2]
    for link in gone:
        dyn.admin.delete(f"/_admin/records/{obj}/{link}")
    time.sleep(dyn.settle_lag + 0.5)
    again = dyn.sync(sqlite_db, connector, obj, checker)  # incremental: no full refresh asked for
    assert again.status == "succeeded", again.error
    assert again.counts.deleted == 2 and again.counts.upserted == 0, again.as_dict()
    assert_matches_truth(dyn, sqlite_db, obj)


def test_process_stages_are_the_pipelines_stage_definitions(
    dyn: Harness, sqlite_db: Engine, checker: QualityChecker
) -> None:
    run = dyn.sync(sqlite_db, dyn.connector(), "processstages", checker)
    assert run.status == "succeeded", run.error
    table = canonical_tables["pipeline_stage"]
    with sqlite_db.connect() as conn:
        rows = conn.execute(select(table.c.pipeline, table.c.stage, table.c.display_order)).all()
    by_pipeline: dict[str, list[tuple[int, str]]] = {}
    for pipeline, stage, order in rows:
        by_pipeline.setdefault(pipeline, []).append((order, stage))
    assert sorted(by_pipeline["Opportunity Sales Process"]) == [(0, "Qualify"), (1, "Develop"), (2, "Propose"),
                                                                 (3, "Close")]
    assert len(by_pipeline) == 2


def test_goals_land_as_quotas_of_a_rep_or_a_team(dyn: Harness, sqlite_db: Engine, checker: QualityChecker) -> None:
    connector = dyn.connector()
    for obj in ("systemusers", "teams", "goals"):
        assert dyn.sync(sqlite_db, connector, obj, checker).status == "succeeded"
    quota = canonical_tables["quota"]
    with sqlite_db.connect() as conn:
        rows = conn.execute(select(quota.c.owner_id, quota.c.team_id, quota.c.quota_type, quota.c.amount,
                                   quota.c.period_start, quota.c.period_end)).all()
    assert rows and all((r.owner_id is None) != (r.team_id is None) for r in rows)
    assert {r.quota_type for r in rows} == {"revenue"} and all(r.amount > 0 for r in rows)
    assert all(r.period_end > r.period_start for r in rows)


def test_discover_lists_the_custom_tables_a_connection_does_not_name_yet(dyn: Harness) -> None:
    schemas = {s.name: s for s in dyn.connector().discover()}
    assert {"new_qbr", "new_customerhealth"} <= set(schemas)
    qbr = schemas["new_qbr"]
    assert qbr.custom and not schemas["accounts"].custom
    fields = {f.name: f for f in qbr.fields}
    assert fields["new_outcome"].custom and not fields["createdon"].custom
    assert fields["_new_accountid_value"].options == ("account",) and "_new_accountid_value@account" in fields
    assert "new_status@label" in fields


def test_a_custom_table_the_environment_lacks_is_a_config_error_naming_it(dyn: Harness) -> None:
    config = dyn.block(dyn.info).replace("objects: [accounts,", "objects: [new_qbrx, accounts,")
    missing = Harness(**{**dyn.__dict__, "block": lambda info: config})
    with pytest.raises(ConfigError) as err:
        missing.connector().check()
    text = str(err.value)
    assert "new_qbrx" in text and "new_qbr" in text and "new_customerhealth" in text and dyn.connection in text
    by_set = dyn.block(dyn.info).replace("objects: [accounts,", "objects: [new_qbrs, accounts,")
    with pytest.raises(ConfigError, match="new_qbrs is the entity set of new_qbr: name the table by its logical"):
        Harness(**{**dyn.__dict__, "block": lambda info: by_set}).connector().check()
