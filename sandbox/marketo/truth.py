"""Who converts and who wins: the generator's hidden truth, drawn from each person's engagement.

Behaviour in the activity log is generated from the same engagement (and from the conversion itself: converters
request demos before they convert), so scoring models trained on Marketo activities have real signal to find.
Anyone can recompute the truth from the seed and person key; ``GET /_admin/truth/conversions`` serves it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


def stable_unit(*parts: object) -> float:
    """A number in [0, 1) from its parts, the same in every process (unlike ``hash``)."""
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


@dataclass(frozen=True, slots=True)
class Outcome:
    converted: bool
    won: bool
    conversion_fraction: float  # where in the person's active span the conversion falls (0..1)


def outcome(seed: int, key: int, engagement: float) -> Outcome:
    p_convert = 0.02 + 0.8 * engagement ** 1.6
    converted = stable_unit(seed, "marketo-converted", key) < p_convert
    won = converted and stable_unit(seed, "marketo-won", key) < 0.2 + 0.6 * engagement
    return Outcome(converted, won, 0.35 + 0.5 * stable_unit(seed, "marketo-converted-at", key))
