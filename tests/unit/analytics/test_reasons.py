"""Reasons a rep can trust: correlated features grouped, no rounded zero shown, every scored record explained."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd

from analytics import groups, model
from analytics.reasons import NO_SIGNALS, REASON_TEXT_LIMIT, top_reasons

ZERO = re.compile(r"(?<!\S)[+-]0(?!\S)")  # "+0" or "-0" as a whole token ("+0.4" and "+10" are fine)


def test_points_are_whole_from_one_decimal_below_and_never_a_rounded_zero() -> None:
    contributions = pd.DataFrame({"a": [12.4, 0.4, 0.96, -0.3, 0.04, 0.0, -1.6],
                                  "b": [-0.04, -0.049, 0.05001, 0.0, -0.001, 0.0, 0.0],
                                  "c": [0.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0]})
    texts, payloads = top_reasons(contributions, {"a": "time on site", "b": "lead origin", "c": "city"}, 3)
    assert texts[0] == "time on site +12"
    assert texts[1] == "time on site +0.4"
    assert texts[2] == "time on site +1; lead origin +0.1"
    assert texts[3] == "city +2; time on site -0.3"
    assert texts[4] == texts[5] == "typical on time on site, lead origin and city: score near the average lead's"
    assert texts[6] == "time on site -2"
    # The JSON keeps what the text leaves out (to 2 decimals), never an exact zero.
    assert json.loads(payloads[0]) == [["time on site", 12.4], ["lead origin", -0.04]]
    assert json.loads(payloads[4]) == [["time on site", 0.04]]
    assert payloads[5] == "[]"


def test_no_shown_reason_is_a_rounded_zero() -> None:
    rng = np.random.default_rng(0)
    values = rng.normal(scale=0.6, size=(2000, 4)) * rng.choice([0.01, 0.1, 1.0, 10.0], size=(2000, 4))
    contributions = pd.DataFrame(values, columns=list("abcd"))
    texts, payloads = top_reasons(contributions, {}, 3)
    assert all(text and not ZERO.search(text) for text in texts)
    assert all(0.0 not in [v for _n, v in json.loads(p)] for p in payloads)


def test_a_row_nothing_moves_says_so_in_words() -> None:
    still = pd.DataFrame({"stage": [0.0]})
    assert top_reasons(still, {}, 3, subject="deal")[0] == ["typical on stage: score near the average deal's"]
    assert top_reasons(still, {}, 3, quiet="no signals")[0] == [NO_SIGNALS]
    # A model with nothing to explain (an old artifact) still gives every row a text.
    assert top_reasons(pd.DataFrame(index=range(2)), {}, 3) == (["score near the average lead's"] * 2, ["[]"] * 2)
    long = pd.DataFrame({f"c{i}": [0.0] for i in range(3)})
    assert len(top_reasons(long, {c: c * 100 for c in long.columns}, 3)[0][0]) == REASON_TEXT_LIMIT


def test_correlated_numbers_join_transitively_and_categories_stay_alone() -> None:
    rng = np.random.default_rng(1)
    n = 300
    u = rng.normal(size=n)
    v = 0.5 * u + np.sqrt(0.75) * rng.normal(size=n)  # a and c correlate at about 0.5, each with b at about 0.85
    frame = pd.DataFrame({"a": u, "b": u + v, "code": np.where(u > 0, "x", "y"), "c": v, "free": rng.normal(size=n),
                          "flat": np.ones(n)})
    frame.loc[::5, "b"] = np.nan  # pairwise complete: gaps do not break the pairs
    rho = frame[["a", "b", "c"]].corr(method="spearman").abs().to_numpy()
    assert rho[0, 2] < groups.CORRELATED <= min(rho[0, 1], rho[1, 2])  # a and c join through b
    assert groups.correlated_groups(frame, ["code"]) == [["a", "b", "c"], ["code"], ["free"], ["flat"]]


def test_at_least_one_unit_is_explained_even_when_none_helps() -> None:
    assert groups.chosen_units([-0.01, -0.002, -0.03], 4) == [1]
    assert groups.chosen_units([0.0, 0.2, 0.1, -0.1], 4) == [1, 2]
    assert groups.chosen_units([0.5, 0.4, 0.3, 0.2, 0.1], 4) == [0, 1, 2, 3]


def test_group_labels_join_and_shorten() -> None:
    assert groups.joined_label(["euribor3m"]) == "euribor3m"
    assert groups.joined_label(["euribor3m", "nr employed"]) == "euribor3m & nr employed"
    assert groups.joined_label(["euribor3m", "emp var rate", "nr employed"]) == "euribor3m, emp var rate & nr employed"
    assert groups.joined_label(["a", "b", "c", "d", "e"]) == "a, b, c & 2 more"


def test_every_scored_row_has_a_reason_text_including_one_at_the_baseline() -> None:
    rng = np.random.default_rng(4)
    n = 500
    signal = rng.normal(size=n)
    frame = pd.DataFrame({"time_on_site": signal, "pages": 2 * signal + rng.normal(scale=0.05, size=n),
                          "origin": rng.choice(["api", "form", "import"], size=n), "noise": rng.normal(size=n)})
    y = (rng.random(n) < 1 / (1 + np.exp(-2 * signal))).astype(int)
    fitted = model.fit(frame, y, algorithm="logistic")
    typical = pd.DataFrame({c: [fitted.baseline[c]] for c in fitted.columns})
    rows = pd.concat([frame.iloc[:200], typical], ignore_index=True)
    _p, contributions = fitted.predict_explained(rows)
    labels = model.reason_labels(fitted, contributions.columns, lambda c: c.replace("_", " "))
    texts, payloads = top_reasons(contributions, labels, 3)
    assert all(texts) and not any(ZERO.search(t) for t in texts)
    assert (contributions.iloc[-1] == 0.0).all() and payloads[-1] == "[]"
    assert texts[-1].startswith("typical on ") and texts[-1].endswith("score near the average lead's")
    assert "time on site & pages" in labels.values() or "pages & time on site" in labels.values()
