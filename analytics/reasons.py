"""Top reasons from signed contributions: a short text for a CRM field and the JSON kept beside the score.

A contribution is in score points (probability x100 for a trained model): how far one explained unit (a feature, or a
group of correlated features named by its members' labels joined, "euribor3m, emp var rate & nr employed") moves the
record away from a typical one.

Text (``lead_score.reasons``, at most ``REASON_TEXT_LIMIT`` characters): the ``k`` largest contributions by size,
largest first, as ``label +12; label -3; label +0.4``. A contribution that rounds to 1 point or more is shown in
whole points, a smaller one with one decimal, and one that rounds to 0.0 is never shown: "+0" tells a rep nothing
and reads like a bug. A row that no unit moves by 0.05 points or more still gets a text, in words: by default
``typical on A, B and C: score near the average lead's`` (its explained units sit at their typical values), or with
``quiet="no signals"`` the ``NO_SIGNALS`` text (the rule model's all-zero rows have no signals at all, which is not
"typical").

JSON (``lead_score.contributions``): the same ``k`` units, largest first, each ``[label, points]`` with the points
rounded to 2 decimals and pairs that round to exactly 0 dropped, e.g. ``[["time on site", 12.41], ["lead origin",
-3.0], ["last activity", 0.03]]``: a UI can show the small contributions the text leaves out. A row with none is
``[]``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

REASON_TEXT_LIMIT = 250  # most CRMs' short text fields hold 255 characters
NO_SIGNALS = "no engagement, intent or fit signals yet"  # the rule model's row that scores (close to) nothing


def top_reasons(contributions: pd.DataFrame, labels: Mapping[str, str], k: int, *, subject: str = "lead",
                quiet: Literal["typical", "no signals"] = "typical") -> tuple[list[str], list[str]]:
    """Per row: ("pricing page visits +12; demo requested +9", '[["pricing page visits", 12.4], …]').

    ``quiet`` chooses the text of a row nothing moves: "typical" (a trained model's row at its baselines; ``subject``
    names what is scored, "… near the average deal's") or "no signals" (a rule model's row without points).
    Vectorised choice of the k largest |contribution| per row; only the string building is per row.
    """
    names = np.array([labels.get(c, c) for c in contributions.columns], dtype=object)
    k = min(k, len(names))
    still = NO_SIGNALS if quiet == "no signals" else _typical([str(n) for n in names[:k]], subject)[:REASON_TEXT_LIMIT]
    if k == 0:
        return [still] * len(contributions), ["[]"] * len(contributions)
    values = contributions.to_numpy(dtype=float)
    # JSON of each label once, not per row: json.dumps per row was a third of scoring 1,000,000 leads.
    quoted = {str(n): json.dumps(str(n)) for n in names}
    order = np.argsort(-np.abs(values), axis=1, kind="stable")[:, :k]
    picked = np.take_along_axis(values, order, axis=1)
    tenths, hundredths = picked.round(1), picked.round(2)
    picked_names = names[order]
    texts: list[str] = []
    payloads: list[str] = []
    for row_names, row_tenths, row_hundredths in zip(picked_names.tolist(), tenths.tolist(), hundredths.tolist(),
                                                     strict=True):
        text = "; ".join(f"{n} {_points(t)}" for n, t in zip(row_names, row_tenths, strict=True) if t != 0.0)
        texts.append((text or still)[:REASON_TEXT_LIMIT])
        payloads.append("[" + ", ".join(f"[{quoted[n]}, {v!r}]" for n, v in zip(row_names, row_hundredths,
                                                                                  strict=True) if v != 0.0) + "]")
    return texts, payloads


def _points(tenths: float) -> str:
    """Whole points from 1 (judged on the value rounded to tenths: 0.96 shows as +1, not +1.0), one decimal below;
    never called with 0.0, so never "+0" or "-0"."""
    return f"{tenths:+.0f}" if abs(tenths) >= 1 else f"{tenths:+.1f}"


def _typical(names: Sequence[str], subject: str) -> str:
    """The text of a row no explained unit moves: its values are the typical ones, so is its score."""
    average = f"score near the average {subject}'s"
    if not names:
        return average
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return f"typical on {listed}: {average}"
