"""Dynamics write-back: If-Match conflicts (412), $batch change sets that fail alone, alternate keys, batch sizes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from connectors.base import OutboundChange
from tests.contract.crms.dynamics import started
from tests.contract.harness import Harness


@pytest.fixture(scope="module")
def dyn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    sb, harness = started(tmp_path_factory.mktemp("dynamics-writes"), scale=300, connection="dyn_writes",
                          objects=("contacts", "accounts"))
    try:
        yield harness
    finally:
        sb.stop()


def _row(crm: Harness, obj: str, rid: str) -> dict[str, object]:
    return crm.admin.get(f"/_admin/truth/{obj}/{rid}")  # type: ignore[no-any-return]


def test_a_record_changed_since_it_was_read_is_a_conflict_not_overwritten(dyn: Harness) -> None:
    connector = dyn.connector()
    spec = dyn.spec(connector, "contacts")
    touched, untouched = dyn.ordered(dyn.truth_ids("contacts"))[:2]
    seen = {rid: str(_row(dyn, "contacts", rid)["@odata.etag"]) for rid in (touched, untouched)}
    dyn.admin.patch(f"/_admin/records/contacts/{touched}", {"fields": {"jobtitle": "Set By A Person"}})
    results = connector.write(spec, [OutboundChange(touched, {"jobtitle": "Set By crmhub"}, seen[touched]),
                                     OutboundChange(untouched, {"jobtitle": "Set By crmhub"}, seen[untouched])])
    assert [r.status for r in results] == ["conflict", "updated"], results
    assert not results[0].retryable and touched in results[0].message and results[0].fields == ("jobtitle",)
    assert _row(dyn, "contacts", touched)["jobtitle"] == "Set By A Person"
    assert _row(dyn, "contacts", untouched)["jobtitle"] == "Set By crmhub"


def test_one_failing_change_set_leaves_the_others_applied(dyn: Harness) -> None:
    connector = dyn.connector(batch_size=2)  # five changes: three $batch calls, results still in order
    spec = dyn.spec(connector, "contacts")
    ids = dyn.ordered(dyn.truth_ids("contacts"))[2:7]
    values = [{"jobtitle": f"Batch {i}"} for i in range(5)]
    values[2] = {"jobtitle": "x" * 101}  # Job Title holds 100 characters: this change set fails on its own
    before = connector.usage.calls
    results = connector.write(spec, [OutboundChange(rid, v) for rid, v in zip(ids, values, strict=True)])
    assert [r.source_id for r in results] == ids
    assert [r.status for r in results] == ["updated", "updated", "failed", "updated", "updated"], results
    bad = results[2]
    assert not bad.retryable and bad.fields == ("jobtitle",) and ids[2] in bad.message and "0x80044331" in bad.message
    assert connector.usage.calls - before == 3
    for i in (0, 1, 3, 4):
        assert _row(dyn, "contacts", ids[i])["jobtitle"] == f"Batch {i}"
    assert _row(dyn, "contacts", ids[2])["jobtitle"] != "x" * 101


def test_writes_by_alternate_key_and_never_create(dyn: Harness) -> None:
    connector = dyn.connector()
    spec = dyn.spec(connector, "accounts")
    rid = dyn.ordered(dyn.truth_ids("accounts"))[0]
    number = str(_row(dyn, "accounts", rid)["accountnumber"])
    count = len(dyn.truth_ids("accounts"))
    results = connector.write(spec, [OutboundChange(f"accountnumber={number}", {"name": "Keyed Ltd"}),
                                     OutboundChange("accountnumber=NO-SUCH-KEY", {"name": "Ghost Ltd"}),
                                     OutboundChange("not a key", {"name": "Nobody"})])
    assert [r.status for r in results] == ["updated", "failed", "failed"], results
    assert not results[1].retryable and not results[2].retryable
    assert _row(dyn, "accounts", rid)["name"] == "Keyed Ltd"
    assert len(dyn.truth_ids("accounts")) == count  # If-Match: * — an unknown key is not an upsert
