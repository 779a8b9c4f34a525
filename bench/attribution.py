"""Attribution models at volume: N synthetic journeys (seeded) over C channels, each model timed.

``python -m bench.attribution [--journeys 50000] [--channels 12]``: prints one line per model, then exact Shapley at
15 channels and sampled Shapley beyond, with the largest standard error against the values.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta

import numpy as np

from analytics.attribution.credit import MODELS, ModelSettings, attribute
from analytics.attribution.journey import Journey, Touch
from analytics.attribution.shapley import shapley

START = datetime(2026, 1, 1, tzinfo=UTC)


def synthetic(n: int, channels: int, seed: int = 0) -> list[Journey]:
    """Paths of 1-8 touches; each channel has its own lift on conversion, so models disagree in telling ways."""
    rng = np.random.default_rng(seed)
    lift = rng.uniform(0.0, 0.15, channels)
    names = [f"ch{i:02d}" for i in range(channels)]
    out = []
    for k in range(n):
        picks = rng.integers(0, channels, int(rng.integers(1, 9)))
        days = np.sort(rng.uniform(0, 90, len(picks)))
        touches = tuple(Touch(START + timedelta(days=float(d)), names[int(c)], record=f"{k}:{i}")
                        for i, (c, d) in enumerate(zip(picks, days, strict=True)))
        converted = bool(rng.random() < min(0.05 + lift[np.unique(picks)].sum(), 0.95))
        value = float(rng.integers(1, 50)) * 1000 if converted else 0.0
        out.append(Journey(f"j{k}", touches, converted, value, converted_at=touches[-1].at + timedelta(days=1),
                           lead_index=int(rng.integers(0, len(picks)))))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--journeys", type=int, default=50_000)
    parser.add_argument("--channels", type=int, default=12)
    args = parser.parse_args()
    journeys = synthetic(args.journeys, args.channels)
    print(f"{len(journeys):,} journeys, {sum(j.converted for j in journeys):,} converting, "
          f"{sum(len(j.touches) for j in journeys):,} touches, {args.channels} channels")
    for model in MODELS:
        began = time.perf_counter()
        attribute(model, journeys)
        print(f"{model:>10}: {time.perf_counter() - began:6.2f} s")
    for order in (2, 3):
        began = time.perf_counter()
        credit = attribute("markov", journeys, ModelSettings(markov_order=order))
        print(f"markov order {order}: {credit.details['states']:,} states, {time.perf_counter() - began:6.2f} s")
    for channels in (15, 20, 30):
        paths = [(j.channels, 1.0) for j in synthetic(args.journeys, channels, seed=1) if j.converted]
        began = time.perf_counter()
        result = shapley(paths, permutations=2000)
        worst = max(result.standard_errors[c] / max(result.values[c], 1e-12) for c in result.channels)
        print(f"shapley, {channels} channels: {result.method}, {time.perf_counter() - began:6.2f} s, "
              f"largest standard error {worst:.2%} of its value")


if __name__ == "__main__":
    main()
