"""Issue 26's proof on real leads: X Education (``../shared/datasets/x_education``), put into a store as a CRM import
would (one lead a second in Lead Number order, so ``created_at`` is the import order), trains the same model whatever
order the rows arrive in, and reaches the published gradient-boosting reference.

Reference (shared/datasets/README.md): 5-fold stratified CV AUC 0.908 for gradient boosting with ``Last Activity``
kept (0.875 with pre-contact fields only). The leaky columns filled in by sales after contact (Tags, Lead Quality,
Lead Profile, Asymmetrique*) are not mapped (analytics/datasets/x_education.yaml).
The test skips when the datasets folder is absent.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from analytics.datasets.load import DatasetMissing, datasets_dir, load_x_education
from analytics.features import FeatureSpec
from analytics.scoring import ScoringOptions, train_lead_model, training_set
from config import load_settings
from tests.support.stores import fresh_engine

CUSTOM = ("lead_origin", "do_not_email", "do_not_call", "last_activity", "last_notable_activity", "specialization",
          "heard_from", "occupation", "motivation", "ad_search", "ad_magazine", "ad_newspaper_article", "ad_forums",
          "ad_newspaper", "ad_digital", "recommended", "updates_courses", "updates_supply_chain", "updates_dm",
          "pays_by_cheque", "free_copy")
GB_REFERENCE_AUC = 0.908
CV_NOISE = 0.003  # this set's 5-fold AUC moves by ~0.001 with the row order a model is fitted in (0.9087 in the old
# store order, 0.9077 in id order): a tolerance for that noise, not for a weaker model
IMPORTED = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
AS_OF = datetime(2026, 12, 1, tzinfo=UTC)


def _loaded(tmp_path: Path, order: str) -> Iterator[Engine]:
    root = datasets_dir(load_settings().datasets)
    for engine in fresh_engine("sqlite", tmp_path / order):
        try:
            load_x_education(engine, root, imported_at=IMPORTED, order=order)
        except DatasetMissing as exc:
            pytest.skip(f"X Education dataset absent: {exc}")
        yield engine


@pytest.mark.slow
def test_x_education_in_import_order_trains_the_shuffled_model_and_meets_the_reference(tmp_path: Path) -> None:
    options = ScoringOptions(min_conversions=200, spec=FeatureSpec(custom_fields=CUSTOM))
    frames = {}
    for order in ("chronological", "shuffled"):
        (tmp_path / order).mkdir()
        for engine in _loaded(tmp_path, order):
            with engine.connect() as conn:
                frames[order] = training_set(conn, as_of=AS_OF, spec=options.spec, labels=options.labels)
            if order == "chronological":
                result = train_lead_model(engine, options=options, as_of=AS_OF, algorithm="hgb", folds=5)
    # Same leads, same training set row for row (read in id order), so the same model: every split in it is
    # shuffled with a fixed seed.
    chrono, shuffled = frames["chronological"], frames["shuffled"]
    pd.testing.assert_frame_equal(chrono.frame, shuffled.frame)
    assert (chrono.y == shuffled.y).all()
    m = result["metrics"]
    assert result["n_train"] == 9240 and result["still_open"] == 0  # every outcome in the case study is final
    assert "age_days" in result["left_out"] and "age_days" not in result["features"]
    assert result["activated"] and not result["rejected"]
    assert m["auc"] >= GB_REFERENCE_AUC - CV_NOISE and m["brier"] < m["brier_base_rate"]
    print(f"X Education, import order: 5-fold AUC {m['auc']:.4f}, Brier {m['brier']:.4f} "
          f"(base rate {m['brier_base_rate']:.4f}), {m['seconds']} s")
