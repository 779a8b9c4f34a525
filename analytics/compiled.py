"""A fitted, calibrated gradient-boosting pipeline as plain arrays: encode once, run the trees, calibrate.

Scoring through the scikit-learn pipeline costs a DataFrame round trip per call (column selection, string
encoders, validation): for one lead that overhead is most of the time, and for reasons it is paid once per explained
unit (a group of correlated features). Here the category encoders are turned into dictionaries at training time, the
booster runs on a float matrix, and a reason only re-runs the trees on the rows whose values differ from the baseline.
The results are the pipeline's own (``tests/unit/analytics/test_model.py`` compares them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier

PARALLEL_ROWS = 50_000
_UNSEEN = "\x00crmhub-unseen-category"  # a value no CRM sends: its encoding is the encoder's "unknown" answer


@dataclass(slots=True)
class CategoryCodes:
    codes: dict[str, float]  # category text -> the number the booster sees
    missing: float
    unseen: float


@dataclass(slots=True)
class Compiled:
    inputs: list[str]  # the booster's columns in its order (model columns, re-ordered by the encoder)
    categories: dict[str, CategoryCodes]
    booster: HistGradientBoostingClassifier
    calibrator: Any  # sklearn's fitted sigmoid / isotonic calibrator: raw score -> probability

    def encode(self, frame: pd.DataFrame) -> np.ndarray:
        """Model columns (categories as text or missing, numbers) -> the booster's float matrix."""
        matrix = np.empty((len(frame), len(self.inputs)), dtype=np.float64)
        for j, name in enumerate(self.inputs):
            column = frame[name]
            if name in self.categories:
                codes = self.categories[name]
                missing = column.isna().to_numpy()
                mapped = column.astype(object).where(~missing, "").astype(str).map(codes.codes)
                matrix[:, j] = np.where(missing, codes.missing,
                                        mapped.to_numpy(dtype=np.float64, na_value=codes.unseen))
            else:
                matrix[:, j] = pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        return matrix

    def probability(self, matrix: np.ndarray) -> np.ndarray:
        # One thread for small batches: OpenMP workers spin-wait on a busy machine and one lead is too small to
        # share; a big batch uses every core (None = scikit-learn's count of usable cores).
        threads = 1 if len(matrix) < PARALLEL_ROWS else None
        raw = self.booster._raw_predict(matrix, n_threads=threads)[:, 0]
        return np.asarray(self.calibrator.predict(raw), dtype=np.float64)

    def explained(self, matrix: np.ndarray, baseline: np.ndarray,
                  groups: Sequence[str | Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
        """Probabilities, and the points (x100) each explained unit adds against its baseline values.

        A unit is a group of input columns (a bare name is a group of one) set to the baseline together. The rows
        and their "unit set to baseline" variants go through the trees as one stacked matrix (the booster's per-call
        overhead is most of one lead's cost); rows already at the baseline in every column of a unit contribute
        exactly 0 to it and are not re-scored.
        """
        n = len(matrix)
        blocks, changed = [matrix], []
        for group in groups:
            slots = [self.inputs.index(name) for name in ([group] if isinstance(group, str) else group)]
            values = baseline[slots]
            columns = matrix[:, slots]
            # NaN baselines (an all-missing category) match NaN values; ``==`` alone never matches NaN.
            same = ((columns == values) | (np.isnan(columns) & np.isnan(values))).all(axis=1)
            rows = np.flatnonzero(~same)
            moved = matrix[rows]
            moved[:, slots] = values
            blocks.append(moved)
            changed.append(rows)
        stacked = self.probability(np.vstack(blocks)) if len(blocks) > 1 else self.probability(matrix)
        probability = stacked[:n]
        out = np.zeros((n, len(groups)))
        offset = n
        for i, rows in enumerate(changed):
            out[rows, i] = (probability[rows] - stacked[offset:offset + rows.size]) * 100.0
            offset += rows.size
        return probability, out


def _category_codes(encoder: ColumnTransformer, categorical: Sequence[str], columns: Sequence[str],
                    slot: Mapping[str, int]) -> dict[str, CategoryCodes]:
    """Ask the fitted encoders what each known category, a missing value and an unseen value become."""
    known: dict[str, list[str]] = {}
    for _name, transformer, cols in encoder.transformers_:
        if not hasattr(transformer, "categories_"):  # numbers pass through (a fitted FunctionTransformer)
            continue
        for k, col in enumerate(cols):
            known[col] = [str(v) for v in transformer.categories_[k] if not (isinstance(v, float) and np.isnan(v))]
    rows = max((len(v) for v in known.values()), default=0) + 2
    probe: dict[str, Any] = {}
    for col in columns:
        if col in categorical:
            values = known.get(col, [])
            # Each category once, then a missing value, then an unseen one; short lists repeat their first value.
            filler = values[0] if values else _UNSEEN
            probe[col] = pd.Series([*values, *[filler] * (rows - 2 - len(values)), np.nan, _UNSEEN], dtype=object)
        else:
            probe[col] = np.zeros(rows)
    encoded = np.asarray(encoder.transform(pd.DataFrame(probe)), dtype=np.float64)
    out = {}
    for col in categorical:
        column = encoded[:, slot[col]]
        values = known.get(col, [])
        out[col] = CategoryCodes(dict(zip(values, column[:len(values)].tolist(), strict=True)),
                                 missing=float(column[-2]), unseen=float(column[-1]))
    return out


def compile_pipeline(estimator: CalibratedClassifierCV, columns: Sequence[str],
                     categorical: Sequence[str]) -> Compiled | None:
    """The arrays behind a fitted ``CalibratedClassifierCV(make_pipeline(ColumnTransformer, HGB), ensemble=False)``;
    None for any other shape (those keep scoring through scikit-learn)."""
    if len(getattr(estimator, "calibrated_classifiers_", [])) != 1:
        return None
    calibrated = estimator.calibrated_classifiers_[0]
    pipeline = calibrated.estimator
    steps = getattr(pipeline, "steps", [])
    if len(steps) != 2 or not isinstance(steps[0][1], ColumnTransformer) \
            or not isinstance(steps[1][1], HistGradientBoostingClassifier):
        return None
    encoder: ColumnTransformer = steps[0][1]
    order: list[str] = []
    for name, transformer, cols in encoder.transformers_:
        if name == "remainder" or transformer == "drop":
            continue
        order.extend(cols)
    slot = {col: i for i, col in enumerate(order)}
    if sorted(order) != sorted(columns):
        return None
    return Compiled(order, _category_codes(encoder, categorical, columns, slot), steps[1][1],
                    calibrated.calibrators[0])
