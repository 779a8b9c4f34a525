"""Lead scoring end to end on a store: rules until enough conversions, then a trained, versioned model."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, func, select

from analytics import registry
from analytics.scoring import NotEnoughLabels, ScoringOptions, score_leads, train_lead_model
from analytics.synthetic import populate
from store.tables import lead_score, score_model
from tests.support.canonical_rows import NOW


def test_rules_score_every_lead_with_what_write_back_needs(any_store: Engine) -> None:
    populate(any_store, leads=300, seed=2, now=NOW)
    run = score_leads(any_store, options=ScoringOptions(), as_of=NOW)
    assert run.scored == 300 and run.model_version == "lead-rules-2" and sum(run.grades.values()) == 300
    with any_store.connect() as conn:
        rows = conn.execute(select(lead_score)).mappings().all()
        rule_model = conn.execute(select(score_model).where(score_model.c.version == "lead-rules-2")).mappings().one()
    assert len(rows) == 300
    row = max(rows, key=lambda r: r["score"])
    assert 0 < row["score"] <= 100 and row["grade"] in ("hot", "warm", "cold")
    assert row["reasons"] and json.loads(row["contributions"])
    assert row["valid_until"] - row["scored_at"] == (NOW.replace(day=16) - NOW)
    assert row["scored_at"] == NOW and row["probability"] is None
    assert rule_model["algorithm"] == "rules" and rule_model["params"]["weights"]["engagement"] == 0.4


def test_rescoring_upserts_in_place(sqlite_store: Engine) -> None:
    populate(sqlite_store, leads=50, seed=3, now=NOW)
    score_leads(sqlite_store, options=ScoringOptions(), as_of=NOW)
    score_leads(sqlite_store, options=ScoringOptions(), as_of=NOW)
    with sqlite_store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(lead_score)).scalar_one() == 50


def test_training_needs_enough_labelled_conversions(sqlite_store: Engine) -> None:
    populate(sqlite_store, leads=100, seed=4, now=NOW)
    with pytest.raises(NotEnoughLabels, match=r"scoring\.min_conversions"):
        train_lead_model(sqlite_store, options=ScoringOptions(min_conversions=200), as_of=NOW)


def test_trained_model_is_versioned_and_then_scores(sqlite_store: Engine) -> None:
    populate(sqlite_store, leads=1500, seed=5, now=NOW)
    options = ScoringOptions(min_conversions=50)
    result = train_lead_model(sqlite_store, options=options, as_of=NOW, algorithm="logistic", folds=3)
    assert result["metrics"]["auc"] > 0.6 and len(result["metrics"]["auc_folds"]) == 3
    with sqlite_store.connect() as conn:
        record, _fitted = registry.active_model(conn, "lead") or (None, None)
    # Unconverted leads younger than scoring.labels.unconverted_after_days are still open: not negatives.
    assert result["still_open"] > 0 and result["n_train"] + result["still_open"] == 1500
    assert record is not None and record.version == result["version"] and record.n_train == result["n_train"]
    assert record.features == result["features"] and record.training_from is not None
    run = score_leads(sqlite_store, options=options, as_of=NOW)
    assert run.model_version == result["version"]
    with sqlite_store.connect() as conn:
        probabilities = [p for (p,) in conn.execute(select(lead_score.c.probability))]
    assert all(0 < p < 1 for p in probabilities)


def test_one_lead_can_be_scored_alone(sqlite_store: Engine) -> None:
    populate(sqlite_store, leads=20, seed=6, now=NOW)
    with sqlite_store.connect() as conn:
        from store.tables import lead

        one = conn.execute(select(lead.c.id).limit(1)).scalar_one()
    run = score_leads(sqlite_store, options=ScoringOptions(), as_of=NOW, ids=[one])
    assert run.scored == 1
