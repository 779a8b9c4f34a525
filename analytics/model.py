"""The trained conversion / win model: a scikit-learn pipeline, calibrated, with per-record signed reasons.

Every transform (category encoding, imputation, splines, calibration) lives inside one estimator, so
cross-validation refits all of it on each training fold and nothing of a test fold leaks into its own prediction.
``algorithm="auto"`` chooses gradient boosting, CatBoost or logistic regression by an inner 3-fold CV on the
training rows only, so choosing never looks at a test fold either. A scikit-learn gradient-boosting model also
carries its ``compiled`` form (``analytics.compiled``): the same numbers without the pipeline's per-call overhead,
which is how a million leads and one lead are scored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold, StratifiedShuffleSplit, cross_val_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, OrdinalEncoder, SplineTransformer, TargetEncoder
from threadpoolctl import threadpool_limits

from analytics import groups as grouping
from analytics.compiled import Compiled, compile_pipeline

CANDIDATES = ("hgb", "catboost", "logistic")
ALGORITHMS = ("auto", *CANDIDATES)
MISSING_CATEGORY = "\x00missing"  # CatBoost wants text for every categorical value: missing is a category of its own
MAX_NATIVE_CATEGORIES = 200  # HistGradientBoosting bins categories into at most 255 values
# CatBoost sizes its own thread pool by the CPUs the process may run on, and neither OMP_NUM_THREADS nor threadpoolctl
# reaches it: -1 is every core. A module setting rather than an option of every fit so that the tests can set 1
# (tests/unit/analytics/conftest.py) and leave the other pytest-xdist worker its core.
CATBOOST_THREADS = -1
CHOICE_ROWS = 4_000  # rows the inner choice of ``auto`` looks at (a stratified sample of the training rows)
Progress = Callable[[str], None]
EXPLAINED_FEATURES = 4  # reasons are computed for the most important units (groups of correlated features, 3 are
# shown) only: each one re-runs the trees on the rows it changes, so this bounds the cost of scoring 1,000,000 leads


def _signed_log(x: np.ndarray) -> np.ndarray:
    signed: np.ndarray = np.sign(x) * np.log1p(np.abs(x))
    return signed


def prepare(frame: pd.DataFrame, categorical: list[str]) -> pd.DataFrame:
    """Categories as strings with NaN for missing (what the encoders expect); numbers as floats."""
    out = frame.copy()
    for c in out.columns:
        if c in categorical:
            # Always object dtype: a batch whose column happens to be all missing must not turn into floats.
            col = out[c].astype(object)
            missing = col.isna().to_numpy()
            values = np.where(missing, np.nan, col.astype(str).to_numpy()).astype(object)
            values[missing] = np.nan
            out[c] = pd.Series(values, index=out.index, dtype=object)
        else:
            out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
    return out


def splits(n: int, seed: int) -> StratifiedKFold:
    """Every split this module makes (calibration, inner choice, outer CV): stratified and shuffled with a fixed seed.
    Unshuffled folds are contiguous blocks of the rows as stored; when store order follows time and the outcome
    drifts with time, a calibrator fitted across such blocks learns a falling slope and inverts the ranking (issue
    26: 5-fold AUC 0.199 on leads imported in chronological order)."""
    return StratifiedKFold(n, shuffle=True, random_state=seed)


def _hgb(frame: pd.DataFrame, numeric: list[str], categorical: list[str], seed: int) -> Pipeline:
    many = [c for c in categorical if frame[c].nunique() > MAX_NATIVE_CATEGORIES]
    native = [c for c in categorical if c not in many]
    steps: list[tuple[str, Any, list[str]]] = [
        ("cat", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1, encoded_missing_value=-1,
                               min_frequency=5), native),
    ]
    if many:
        # Too many values for native categories: a target encoding, cross-fitted inside fit() by scikit-learn.
        steps.append(("many", TargetEncoder(target_type="binary", cv=splits(5, seed)), many))
    steps.append(("num", "passthrough", numeric))
    encode = ColumnTransformer(steps, verbose_feature_names_out=False)
    mask = [True] * len(native) + [False] * (len(many) + len(numeric))
    # Early stopping on a 10 % split of the training rows: as many trees as help, no more (and no test-fold peeking).
    # Each split considers a random 30 % of the features: on X Education that lifted the 5-fold AUC from 0.907 to
    # 0.909 (one strong field, time on site, no longer crowds out the rest).
    boost = HistGradientBoostingClassifier(learning_rate=0.05, max_iter=400, max_leaf_nodes=15, max_features=0.3,
                                           l2_regularization=1.0, min_samples_leaf=30, early_stopping=True,
                                           validation_fraction=0.1, n_iter_no_change=20, scoring="loss",
                                           categorical_features=mask if any(mask) else None, random_state=seed)
    return make_pipeline(encode, boost)


def _logistic(numeric: list[str], categorical: list[str]) -> Pipeline:
    numbers = make_pipeline(SimpleImputer(strategy="median", add_indicator=True),
                            FunctionTransformer(_signed_log), SplineTransformer(n_knots=6))
    encode = ColumnTransformer([
        ("cat", OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=5), categorical),
        ("num", numbers, numeric),
    ])
    return make_pipeline(encode, LogisticRegression(C=0.5, max_iter=3000))


class CatBoostLeads(ClassifierMixin, BaseEstimator):  # type: ignore[misc]  # scikit-learn has no types: Any bases
    """CatBoost behind scikit-learn's clone/calibrate/cross-validate contract.

    CatBoost's ordered target statistics and its crosses of categorical features fit survey-style lead data (many
    small categories) better than one-hot or ordinal codes: on X Education 0.911 against 0.909 (5-fold AUC). Its own
    defaults (1,000 symmetric trees, automatic learning rate) were the best of those tried. The wrapper exists because
    ``CatBoostClassifier`` copies its ``cat_features`` list, which ``sklearn.base.clone`` refuses.
    """

    def __init__(self, categorical: tuple[str, ...] = (), seed: int = 0) -> None:
        self.categorical = categorical
        self.seed = seed

    def _text(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Categorical columns as text with missing as a value of its own (CatBoost's input contract)."""
        out = frame.copy()
        for c in self.categorical:
            out[c] = out[c].astype(object).where(out[c].notna(), MISSING_CATEGORY).astype(str)
        return out

    def fit(self, frame: pd.DataFrame, y: np.ndarray) -> CatBoostLeads:
        from catboost import CatBoostClassifier  # imported on use: a second of import for every other path

        self.booster_ = CatBoostClassifier(cat_features=list(self.categorical), random_seed=self.seed, verbose=0,
                                           allow_writing_files=False, thread_count=CATBOOST_THREADS)
        self.booster_.fit(self._text(frame), np.asarray(y))
        self.classes_ = self.booster_.classes_
        return self

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.booster_.predict_proba(self._text(frame)))

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        labels: np.ndarray = np.asarray(self.classes_)[(self.predict_proba(frame)[:, 1] >= 0.5).astype(int)]
        return labels

    def decision_function(self, frame: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.booster_.predict(self._text(frame), prediction_type="RawFormulaVal"))


def build(frame: pd.DataFrame, algorithm: str, seed: int = 0) -> Pipeline:
    categorical = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    numeric = [c for c in frame.columns if c not in categorical]
    if algorithm == "hgb":
        return _hgb(frame, numeric, categorical, seed)
    if algorithm == "logistic":
        return _logistic(numeric, categorical)
    if algorithm == "catboost":
        return make_pipeline(CatBoostLeads(tuple(categorical), seed))
    raise ValueError(f"algorithm must be one of {ALGORITHMS}, got {algorithm!r}")


def choose_algorithm(frame: pd.DataFrame, y: np.ndarray, seed: int = 0) -> tuple[str, dict[str, float]]:
    """Inner 3-fold AUC of each candidate on these (training) rows only: on a stratified sample of at most
    CHOICE_ROWS of them, so that choosing costs about as much at 40,000 leads as at 4,000 (the choice was 27x the
    CPU of fitting the chosen model on a 41,188-lead set)."""
    y = np.asarray(y)
    if len(y) > CHOICE_ROWS:
        keep, _ = next(StratifiedShuffleSplit(1, train_size=CHOICE_ROWS, random_state=seed).split(frame, y))
        frame, y = frame.iloc[np.sort(keep)], y[np.sort(keep)]
    inner = splits(3, seed)
    scores = {name: float(cross_val_score(build(frame, name, seed), frame, y, cv=inner, scoring="roc_auc").mean())
              for name in CANDIDATES}
    return max(scores, key=lambda name: scores[name]), scores


@dataclass(slots=True)
class TrainedModel:
    estimator: CalibratedClassifierCV
    columns: list[str]
    categorical: list[str]
    algorithm: str
    baseline: dict[str, Any] = field(default_factory=dict)  # feature -> the value its reason is measured against
    explained: list[str] = field(default_factory=list)
    compiled: Compiled | None = None  # the same model as arrays (gradient boosting only): the fast scoring path
    baseline_row: np.ndarray | None = None  # ``baseline`` encoded for ``compiled``
    # explained unit -> its columns, most important first (the unit is named after that one). Last field: an artifact
    # pickled before groups existed loads without it, and ``_groups`` reads each unit as its own column.
    explained_groups: dict[str, list[str]] = field(default_factory=dict)

    def _fast(self) -> Compiled | None:
        # Artifacts stored before the compiled path existed lack the slot: they score through the pipeline.
        return getattr(self, "compiled", None)

    def _groups(self) -> list[list[str]]:
        """The columns each explained unit sets to its baseline, in ``explained`` order."""
        return grouping.as_groups(self.explained, getattr(self, "explained_groups", None))

    def unit_labels(self, label_of: grouping.LabelOf) -> dict[str, str]:
        """Reason label of each explained unit: its members' labels joined ("euribor3m, emp var rate & nr employed")."""
        return {name: grouping.joined_label([label_of(c) for c in group])
                for name, group in zip(self.explained, self._groups(), strict=True)}

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        fast = self._fast()
        if fast is not None:
            return fast.probability(fast.encode(frame))
        with threadpool_limits(limits=1, user_api="openmp"):  # see fit(): spinning threads on a busy machine
            probability: np.ndarray = self.estimator.predict_proba(prepare(frame[self.columns], self.categorical))[:, 1]
            return probability

    def predict_explained(self, frame: pd.DataFrame, chunk: int = 100_000) -> tuple[np.ndarray, pd.DataFrame]:
        """``predict`` and ``explain`` in one: each chunk and its "unit set to baseline" variants go through the
        pipeline as one stacked batch, so one lead costs one pipeline call instead of 1 + explained units."""
        fast = self._fast()
        baseline = getattr(self, "baseline_row", None)
        if fast is not None and baseline is not None:
            return self._fast_explained(fast, baseline, frame, chunk)
        data = prepare(frame[self.columns], self.categorical)
        groups = self._groups()
        probability = np.empty(len(data))
        contributions = np.empty((len(data), len(self.explained)))
        with threadpool_limits(limits=1, user_api="openmp"):
            for start in range(0, len(data), chunk):
                part = data.iloc[start:start + chunk]
                n = len(part)
                stacked = pd.concat([part, *(part.assign(**{c: self.baseline[c] for c in group}) for group in groups)],
                                    ignore_index=True)
                proba = self.estimator.predict_proba(stacked)[:, 1]
                probability[start:start + n] = proba[:n]
                for i in range(len(self.explained)):
                    contributions[start:start + n, i] = (proba[:n] - proba[n * (i + 1):n * (i + 2)]) * 100.0
        return probability, pd.DataFrame(contributions, index=frame.index, columns=self.explained)

    def _fast_explained(self, fast: Compiled, baseline: np.ndarray, frame: pd.DataFrame,
                        chunk: int) -> tuple[np.ndarray, pd.DataFrame]:
        probability = np.empty(len(frame))
        contributions = np.empty((len(frame), len(self.explained)))
        groups = self._groups()
        for start in range(0, len(frame), chunk):
            part, explained = fast.explained(fast.encode(frame.iloc[start:start + chunk]), baseline, groups)
            probability[start:start + len(part)] = part
            contributions[start:start + len(part)] = explained
        return probability, pd.DataFrame(contributions, index=frame.index, columns=self.explained)

    def explain(self, frame: pd.DataFrame, probability: np.ndarray) -> pd.DataFrame:
        """Signed contributions in probability points (x100): how far each explained unit moves this record away
        from a typical one (every column of the unit set to its training median / most common value)."""
        data = prepare(frame[self.columns], self.categorical)
        out = {}
        with threadpool_limits(limits=1, user_api="openmp"):
            for name, group in zip(self.explained, self._groups(), strict=True):
                moved = data.copy(deep=False)
                for c in group:
                    moved[c] = self.baseline[c]
                out[name] = (probability - self.estimator.predict_proba(moved)[:, 1]) * 100.0
        return pd.DataFrame(out, index=frame.index, columns=self.explained)


def reason_labels(fitted: object, columns: pd.Index, label_of: grouping.LabelOf) -> dict[str, str]:
    """Reason label of each contribution column: a trained model's units by ``TrainedModel.unit_labels`` (a group's
    members' labels joined), any other column (rules, cold start) by ``label_of`` alone."""
    labels = {c: label_of(c) for c in columns}
    if isinstance(fitted, TrainedModel):
        labels.update(fitted.unit_labels(label_of))
    return labels


def fit(frame: pd.DataFrame, y: np.ndarray, *, algorithm: str = "auto", seed: int = 0,
        explain: bool = True, progress: Progress | None = None) -> TrainedModel:
    # One OpenMP thread: training sets here are small, and gradient boosting's threads spin-wait — on a busy
    # 2-core machine that made a 1-second fit take a minute.
    with threadpool_limits(limits=1, user_api="openmp"):
        return _fit(frame, y, algorithm=algorithm, seed=seed, explain=explain, say=progress or (lambda _m: None))


def _fit(frame: pd.DataFrame, y: np.ndarray, *, algorithm: str, seed: int, explain: bool,
         say: Progress) -> TrainedModel:
    categorical = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    data = prepare(frame, categorical)
    if algorithm == "auto":
        say(f"choosing the algorithm by inner 3-fold CV on {min(len(y), CHOICE_ROWS):,} of {len(y):,} rows")
    chosen = choose_algorithm(data, y, seed)[0] if algorithm == "auto" else algorithm
    say(f"fitting {chosen} on {len(y):,} rows and calibrating it")
    # ensemble=False: one pipeline on all rows plus a sigmoid fitted on 3-fold out-of-fold predictions — one
    # pipeline to run at scoring time instead of three.
    estimator = CalibratedClassifierCV(build(data, chosen, seed), method="sigmoid", cv=splits(3, seed),
                                       ensemble=False)
    estimator.fit(data, y)
    model = TrainedModel(estimator, list(frame.columns), categorical, chosen)
    if explain:
        say("ranking features for the reasons")
        model.baseline = {c: (data[c].mode(dropna=True).iloc[0] if c in categorical and data[c].notna().any()
                              else np.nan if c in categorical else float(np.nanmedian(data[c])))
                          for c in data.columns}
        model.explained, model.explained_groups = _explained_units(estimator, data, y, categorical, seed)
    model.compiled = compile_pipeline(estimator, list(frame.columns), categorical)
    if model.compiled is not None and explain:
        model.baseline_row = model.compiled.encode(pd.DataFrame({c: [v] for c, v in model.baseline.items()}))[0]
    return model


def _explained_units(estimator: CalibratedClassifierCV, data: pd.DataFrame, y: np.ndarray, categorical: list[str],
                     seed: int) -> tuple[list[str], dict[str, list[str]]]:
    """The explained units (named after their most important member) and the columns of each: correlated groups
    ranked by a grouped permutation importance on a 2,000-row sample of the training rows."""
    sample = data.sample(min(len(data), 2000), random_state=seed)
    ys = np.asarray(y)[data.index.get_indexer(sample.index)]

    def predict(rows: pd.DataFrame) -> np.ndarray:
        return np.asarray(estimator.predict_proba(rows)[:, 1])

    groups = grouping.correlated_groups(data, categorical)
    importance = grouping.grouped_importance(predict, sample, ys, groups, seed=seed)
    chosen = [groups[i] for i in grouping.chosen_units(importance, EXPLAINED_FEATURES)]
    # A member's own importance only orders a chosen group's members (and so names it): single columns need none,
    # and a model without a chosen group pays for no second pass.
    joined = [c for group in chosen if len(group) > 1 for c in group]
    single = dict(zip(joined, grouping.grouped_importance(predict, sample, ys, [[c] for c in joined], seed=seed),
                      strict=True)) if joined else {}
    ordered = grouping.member_order(chosen, single)
    return [group[0] for group in ordered], {group[0]: group for group in ordered}


def cross_validate(frame: pd.DataFrame, y: np.ndarray, *, folds: int = 5, seed: int = 0,
                   algorithm: str = "auto", progress: Progress | None = None) -> dict[str, Any]:
    """Stratified, shuffled k-fold: the whole model (choice, encoders, calibration) is fitted on each training fold
    only. ``out_of_fold`` holds each row's prediction by the model that did not see it (an array: callers that
    store the metrics take it out first); ``chosen`` is the algorithm most folds chose (ties: the better mean
    fold AUC), which the final fit then uses rather than choosing again."""
    say = progress or (lambda _m: None)
    y = np.asarray(y)
    predicted = np.zeros(len(y))
    fold_auc: list[float] = []
    chosen: list[str] = []
    for k, (train, test) in enumerate(splits(folds, seed).split(frame, y), start=1):
        say(f"cross-validating: fold {k}/{folds} ({len(train):,} rows to fit, {len(test):,} to test)")
        model = fit(frame.iloc[train], y[train], algorithm=algorithm, seed=seed, explain=False)
        predicted[test] = model.predict(frame.iloc[test])
        fold_auc.append(float(roc_auc_score(y[test], predicted[test])))
        chosen.append(model.algorithm)
        say(f"cross-validating: fold {k}/{folds} AUC {fold_auc[-1]:.3f} ({model.algorithm})")
    def standing(name: str) -> tuple[int, float]:
        return -chosen.count(name), -float(np.mean([f for f, c in zip(fold_auc, chosen, strict=True) if c == name]))

    by_votes = sorted(set(chosen), key=standing)
    return {"auc": float(np.mean(fold_auc)), "auc_folds": fold_auc, "auc_pooled": float(roc_auc_score(y, predicted)),
            "brier": float(brier_score_loss(y, predicted)), "log_loss": float(log_loss(y, predicted)),
            "brier_base_rate": float(np.mean(y) * (1 - np.mean(y))),
            "algorithms": chosen, "chosen": by_votes[0], "folds": folds, "rows": len(y), "positives": int(y.sum()),
            "out_of_fold": predicted}
