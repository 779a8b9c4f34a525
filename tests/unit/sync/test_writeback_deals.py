"""What a deal should hold in its CRM: the win probability while its score is valid, its warnings while it is open
(joined in a fixed order, cut to the shortest CRM text field), an empty text once its warnings are gone, and nothing
at all for a deal crmhub has never written and has nothing to say about."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert

from store.tables import deal_score, deal_warning, opportunity, source_link, writeback_ledger
from sync.writeback.scores import REASONS_MAX, desired_values

NOW = datetime.now(UTC)
FIELDS = {"win_probability": "Crmhub_Win_Probability__c", "deal_warnings": "Crmhub_Deal_Warnings__c"}


def _deal(oid: str, *, closed: bool) -> dict[str, Any]:
    return {"id": oid, "source_connection": "sf", "source_object": "Opportunity", "source_id": f"006{oid}",
            "is_closed": closed, "synced_at": NOW}


def _seed(engine: Engine) -> None:
    deals = [_deal("o1", closed=False), _deal("o2", closed=False), _deal("o3", closed=True),
             _deal("o4", closed=True), _deal("o5", closed=False), _deal("o6", closed=True)]
    with engine.begin() as conn:
        conn.execute(insert(opportunity), deals)
        conn.execute(insert(source_link), [{"connection": "sf", "object": "Opportunity", "source_id": d["source_id"],
                                            "entity": "opportunity", "canonical_id": d["id"], "updated_at": NOW}
                                           for d in deals])
        score = {"reasons": "r", "contributions": "{}", "model_version": "v1", "scored_at": NOW}
        conn.execute(insert(deal_score), [
            {"opportunity_id": "o1", "probability": 0.42, **score, "valid_until": NOW + timedelta(days=1)},
            {"opportunity_id": "o2", "probability": 0.8, **score, "valid_until": NOW + timedelta(days=1)},
            {"opportunity_id": "o6", "probability": 0.1, **score, "valid_until": NOW - timedelta(days=1)}])
        warning = {"computed_at": NOW, "source_connection": "sf", "source_object": "Opportunity"}
        conn.execute(insert(deal_warning), [
            {"opportunity_id": "o1", "kind": "stalled", "reason": "41 days in Proposal (p80 of won: 19)",
             "source_id": "006o1", **warning},
            {"opportunity_id": "o1", "kind": "ghosted", "reason": "no reply for 30 days", "source_id": "006o1",
             **warning},
            {"opportunity_id": "o5", "kind": "overdue", "reason": "x" * 300, "source_id": "006o5", **warning},
            # A closed deal's stale warning (computed before it closed) is never shown.
            {"opportunity_id": "o3", "kind": "stalled", "reason": "stale", "source_id": "006o3", **warning}])
        # o3 was written before (it had a warning then); o4 never was.
        conn.execute(insert(writeback_ledger).values(connection="sf", object="Opportunity", source_id="006o3",
                                                     field_set="scores", values_hash="h",
                                                     values={"Crmhub_Deal_Warnings__c": "stalled"}, sent_at=NOW))


def _desired(engine: Engine, fields: dict[str, str]) -> dict[str, dict[str, Any]]:
    with engine.connect() as conn:
        return {d.source_id: dict(d.values) for d in desired_values(conn, connection="sf", object="Opportunity",
                                                                      entity="opportunity", fields=fields)}


def test_deals_hold_their_probability_and_their_warnings(engine: Engine) -> None:
    _seed(engine)
    got = _desired(engine, FIELDS)
    assert got["006o1"] == {"Crmhub_Win_Probability__c": 42.0,
                            "Crmhub_Deal_Warnings__c": "no reply for 30 days; 41 days in Proposal (p80 of won: 19)"}
    assert got["006o2"] == {"Crmhub_Win_Probability__c": 80.0, "Crmhub_Deal_Warnings__c": ""}
    assert got["006o3"] == {"Crmhub_Deal_Warnings__c": ""}  # closed since: its warning is cleared in the CRM
    text = got["006o5"]["Crmhub_Deal_Warnings__c"]
    assert len(text) == REASONS_MAX and text.endswith("…") and "Crmhub_Win_Probability__c" not in got["006o5"]
    assert "006o4" not in got and "006o6" not in got  # nothing to say, never written: not touched


def test_without_the_warnings_output_only_valid_scores_are_written(engine: Engine) -> None:
    _seed(engine)
    got = _desired(engine, {"win_probability": "Crmhub_Win_Probability__c"})
    assert got == {"006o1": {"Crmhub_Win_Probability__c": 42.0}, "006o2": {"Crmhub_Win_Probability__c": 80.0}}
