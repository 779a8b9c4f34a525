"""The trained model: calibrated, explained, and cross-validated with every transform inside the folds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics import model


def _separable(n: int = 600, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    channel = rng.choice(["web", "event", "partner"], size=n)
    logit = 2.0 * x + np.where(channel == "event", 1.0, -0.5)
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return pd.DataFrame({"visits": x, "channel": channel, "noise": rng.normal(size=n)}), y


def test_no_leakage_through_a_target_encoded_identifier() -> None:
    """A unique id per row with random labels: an encoder fitted on the test rows too would score them ~1.0;
    fitted inside the folds, the id carries nothing and the AUC stays near chance."""
    rng = np.random.default_rng(1)
    n = 800
    frame = pd.DataFrame({"record_ref": [f"r{i}" for i in range(n)], "filler": rng.normal(size=n)})
    y = rng.integers(0, 2, size=n)
    result = model.cross_validate(frame, y, folds=5, algorithm="hgb")
    assert abs(result["auc"] - 0.5) < 0.1


def test_cross_validation_finds_real_signal() -> None:
    frame, y = _separable()
    result = model.cross_validate(frame, y, folds=3, algorithm="logistic")
    assert result["auc"] > 0.75 and len(result["auc_folds"]) == 3 and result["algorithms"] == ["logistic"] * 3


def test_fit_calibrates_and_explains_with_signed_contributions() -> None:
    frame, y = _separable()
    fitted = model.fit(frame, y, algorithm="hgb")
    p = fitted.predict(frame)
    assert ((p > 0) & (p < 1)).all()
    assert abs(p.mean() - y.mean()) < 0.05  # calibrated on average
    assert fitted.explained[0] in ("visits", "channel")
    contributions = fitted.explain(frame, p)
    high, low = int(np.argmax(frame["visits"])), int(np.argmin(frame["visits"]))
    assert contributions["visits"].iloc[high] > 0 > contributions["visits"].iloc[low]


def test_auto_chooses_by_inner_cv_on_training_rows_only() -> None:
    frame, y = _separable(300)
    chosen, scores = model.choose_algorithm(model.prepare(frame, ["channel"]), y)
    assert chosen in model.CANDIDATES and set(scores) == set(model.CANDIDATES)


def test_one_row_with_a_missing_category_scores() -> None:
    """Scoring a single lead whose categorical value is missing (the column is then all-missing)."""
    frame, y = _separable(300)
    fitted = model.fit(frame, y, algorithm="hgb")
    one = pd.DataFrame({"visits": [0.2], "channel": [None], "noise": [0.0]})
    p = fitted.predict(one)
    assert 0 < p[0] < 1 and fitted.explain(one, p).shape == (1, len(fitted.explained))


def test_stacked_predict_explained_equals_separate_calls() -> None:
    frame, y = _separable(400)
    fitted = model.fit(frame, y, algorithm="hgb")
    p, contributions = fitted.predict_explained(frame, chunk=150)
    assert np.allclose(p, fitted.predict(frame))
    assert np.allclose(contributions.to_numpy(), fitted.explain(frame, p).to_numpy())


def _mixed(n: int = 700, seed: int = 2) -> tuple[pd.DataFrame, np.ndarray]:
    """Native categories, a > 200-value categorical (target encoded), numbers with gaps, missing categories."""
    rng = np.random.default_rng(seed)
    frame, y = _separable(n, seed)
    frame["page"] = [f"p{i}" for i in rng.integers(0, 260, n)]
    frame.loc[rng.random(n) < 0.1, "channel"] = None
    frame.loc[rng.random(n) < 0.1, "visits"] = np.nan
    return frame, y


@pytest.mark.parametrize("grouped", [False, True], ids=["features", "groups"])
def test_compiled_path_gives_the_pipelines_probabilities_and_reasons(grouped: bool) -> None:
    frame, y = _mixed()
    if grouped:  # two near-copies of visits (gaps where visits has them): one explained unit of three columns
        rng = np.random.default_rng(5)
        frame["visits_2x"] = 2 * frame["visits"] + rng.normal(scale=0.05, size=len(frame))
        frame["visits_exp"] = np.exp(frame["visits"]) + rng.normal(scale=0.01, size=len(frame))
    fitted = model.fit(frame, y, algorithm="hgb")
    assert fitted.compiled is not None and "page" in fitted.compiled.categories
    # Scoring rows include categories never seen in training and an all-missing batch column.
    new = frame.iloc[:120].copy()
    new.loc[new.index[:10], "channel"] = "webinar"
    new.loc[new.index[10:20], "page"] = "never-seen"
    if grouped:
        members = fitted.explained_groups[fitted.explained[0]]
        assert sorted(members) == ["visits", "visits_2x", "visits_exp"]
        # Rows at the baseline in every member contribute 0; at the baseline in one member only, they still move.
        new.loc[new.index[20:30], members] = [fitted.baseline[c] for c in members]
        new.loc[new.index[30:40], members[-1]] = fitted.baseline[members[-1]]
    reference = fitted.estimator.predict_proba(model.prepare(new[fitted.columns], fitted.categorical))[:, 1]
    assert np.allclose(fitted.predict(new), reference)
    p, contributions = fitted.predict_explained(new, chunk=50)
    assert np.allclose(p, reference)
    assert np.allclose(contributions.to_numpy(), fitted.explain(new, reference).to_numpy())
    if grouped:
        unit = contributions[fitted.explained[0]]
        assert (unit.iloc[20:30] == 0.0).all() and (unit.iloc[30:40] != 0.0).any()


def _copies(n: int = 600, seed: int = 3) -> tuple[pd.DataFrame, np.ndarray]:
    """Three near-copies of one signal (like euribor3m, emp.var.rate and nr.employed), one with gaps, beside a
    category and noise."""
    rng = np.random.default_rng(seed)
    signal = rng.normal(size=n)
    channel = rng.choice(["web", "event", "partner"], size=n)
    logit = 2.0 * signal + np.where(channel == "event", 1.0, -0.5)
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    frame = pd.DataFrame({"rate": signal + rng.normal(scale=0.05, size=n),
                          "index": 3 * signal + rng.normal(scale=0.1, size=n),
                          "employed": np.exp(signal) + rng.normal(scale=0.01, size=n),
                          "channel": channel, "noise": rng.normal(size=n)})
    frame.loc[rng.random(n) < 0.1, "employed"] = np.nan
    return frame, y


def test_near_copies_of_one_signal_are_one_explained_group_moved_together() -> None:
    frame, y = _copies()
    fitted = model.fit(frame, y, algorithm="hgb")
    grouped = [name for name in fitted.explained if len(fitted.explained_groups[name]) > 1]
    assert len(grouped) == 1 and sorted(fitted.explained_groups[grouped[0]]) == ["employed", "index", "rate"]
    unit = grouped[0]
    assert unit == fitted.explained_groups[unit][0]  # named after its most important member
    assert not {"employed", "index", "rate"} - {unit} & set(fitted.explained)  # no member is explained twice
    p, contributions = fitted.predict_explained(frame)
    moved = model.prepare(frame, fitted.categorical).assign(**{c: fitted.baseline[c] for c in ("rate", "index",
                                                                                                 "employed")})
    expected = (p - fitted.estimator.predict_proba(moved[fitted.columns])[:, 1]) * 100.0
    assert np.allclose(contributions[unit].to_numpy(), expected)
    label = fitted.unit_labels(str.upper)[unit]
    assert label.startswith(unit.upper()) and label.count(",") == 1 and " & " in label


def test_an_artifact_stored_before_groups_still_explains_each_feature_alone() -> None:
    """Pickled before ``explained_groups`` existed: the attribute is missing after loading, each explained name is
    its own unit, and both scoring paths still agree."""
    import io

    import joblib

    frame, y = _mixed(400)
    fitted = model.fit(frame, y, algorithm="hgb")
    del fitted.explained_groups
    buffer = io.BytesIO()
    joblib.dump(fitted, buffer)
    buffer.seek(0)
    old = joblib.load(buffer)
    assert not hasattr(old, "explained_groups")
    p, contributions = old.predict_explained(frame.iloc[:50])
    assert list(contributions.columns) == old.explained
    assert np.allclose(contributions.to_numpy(), old.explain(frame.iloc[:50], p).to_numpy())
    assert old.unit_labels(str.upper) == {name: name.upper() for name in old.explained}
    name = old.explained[0]
    moved = model.prepare(frame.iloc[:50], old.categorical).assign(**{name: old.baseline[name]})
    expected = (p - old.estimator.predict_proba(moved[old.columns])[:, 1]) * 100.0
    assert np.allclose(contributions[name].to_numpy(), expected)


def test_rows_at_the_baseline_contribute_exactly_nothing() -> None:
    frame, y = _mixed()
    fitted = model.fit(frame, y, algorithm="hgb")
    name = fitted.explained[0]
    at_baseline = frame.iloc[:5].copy()
    at_baseline[name] = fitted.baseline[name]
    _, contributions = fitted.predict_explained(at_baseline)
    assert (contributions[name] == 0.0).all()


def test_logistic_models_keep_scoring_through_the_pipeline() -> None:
    frame, y = _separable(300)
    fitted = model.fit(frame, y, algorithm="logistic")
    assert fitted.compiled is None
    p, contributions = fitted.predict_explained(frame)
    assert np.allclose(contributions.to_numpy(), fitted.explain(frame, p).to_numpy())


def test_catboost_is_calibrated_explained_and_survives_storage() -> None:
    """CatBoost through the same contract: clone-able for calibration and CV, text categories with missing and
    unseen values, signed reasons, and a stored artifact that scores the same after loading."""
    import io

    import joblib

    frame, y = _mixed(500)
    fitted = model.fit(frame, y, algorithm="catboost")
    assert fitted.algorithm == "catboost" and fitted.compiled is None
    new = frame.iloc[:40].copy()
    new.loc[new.index[:5], "channel"] = "webinar"  # never seen in training
    new.loc[new.index[5:10], "channel"] = None
    p, contributions = fitted.predict_explained(new)
    assert ((p > 0) & (p < 1)).all() and abs(fitted.predict(frame).mean() - y.mean()) < 0.05
    assert np.allclose(contributions.to_numpy(), fitted.explain(new, p).to_numpy())
    high, low = int(np.argmax(frame["visits"].fillna(0))), int(np.argmin(frame["visits"].fillna(0)))
    if "visits" in fitted.explained:
        reasons = fitted.explain(frame, fitted.predict(frame))["visits"]
        assert reasons.iloc[high] > 0 > reasons.iloc[low]
    buffer = io.BytesIO()
    joblib.dump(fitted, buffer)
    buffer.seek(0)
    assert np.allclose(joblib.load(buffer).predict(new), p)


def test_catboost_cross_validates_inside_the_folds() -> None:
    frame, y = _separable(400)
    result = model.cross_validate(frame, y, folds=3, algorithm="catboost")
    assert result["auc"] > 0.75 and result["algorithms"] == ["catboost"] * 3
