"""Probabilistic matching: a Fellegi-Sunter score per candidate pair, as the probability it is one entity.

Each comparison falls into a level; a level adds ``log(m / u)`` where m is how often a true match shows it and u
how often two different records that share a blocking key do. Missing values add nothing. The sum plus the prior
log-odds gives the posterior probability: the confidence compared with ``identity.match_threshold``. Similarities
are Jaro-Winkler from rapidfuzz. The m/u values are set from how CRM data differs (names typed alike, phones
reformatted, one person's personal and work address) and were checked against the sandboxes' truth (README).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from rapidfuzz.distance import JaroWinkler

from identity import normalize
from identity.records import Kind, Rec

_DIGITS = "0123456789"
PRIOR_ODDS = 1 / 50  # of two records sharing a blocking key, about one in fifty are the same entity
Level = tuple[str, float, float]  # (name, m, u)


def _w(m: float, u: float) -> float:
    return math.log(m / u)


def _similarity_level(
    a: str | None, b: str | None, levels: Sequence[tuple[float, Level]], other: Level
) -> Level | None:
    if not a or not b:
        return None
    if a == b:
        return levels[0][1]
    sim = JaroWinkler.normalized_similarity(a, b)
    for floor, level in levels[1:]:
        if sim >= floor:
            return level
    return other


def _equality_level(a: str | None, b: str | None, same: Level, differ: Level) -> Level | None:
    if not a or not b:
        return None
    return same if a == b else differ


def _email_level(x: Rec, y: Rec) -> Level | None:
    if not x.email or not y.email:
        return None
    (local_x, _, domain_x), (local_y, _, domain_y) = x.email.rpartition("@"), y.email.rpartition("@")
    if local_x == local_y:  # the same mailbox name at another domain: a personal and a work address
        return ("same_local_part", 0.45, 0.001)
    if domain_x == domain_y and domain_x not in normalize.FREE_MAIL_DOMAINS:
        # One company gives one person one address: two addresses there are, mostly, two colleagues.
        return ("other_address_same_company", 0.02, 0.90)
    # "jo.smith12" vs "jo.smith47": the names match (the name comparison counted that), the mailboxes do not.
    letters_x, letters_y = local_x.rstrip(_DIGITS), local_y.rstrip(_DIGITS)
    if letters_x != letters_y and JaroWinkler.normalized_similarity(local_x, local_y) >= 0.92:
        return ("close_local_part", 0.10, 0.01)
    return ("different", 0.43, 0.989)


def _person_levels(x: Rec, y: Rec) -> dict[str, Level | None]:
    return {
        "name": _similarity_level(
            x.full_name, y.full_name,
            [(1.0, ("exact", 0.80, 0.002)), (0.95, ("close", 0.12, 0.01)), (0.88, ("similar", 0.05, 0.05))],
            ("different", 0.01, 0.938),
        ),
        # Shared switchboards and reused numbers make a phone weaker evidence than a name.
        "phone": _equality_level(x.phone, y.phone, ("same", 0.70, 0.01), ("different", 0.30, 0.99)),
        "email": _email_level(x, y),
        "company": _equality_level(x.company or x.domain, y.company or y.domain, ("same", 0.80, 0.05),
                                   ("different", 0.20, 0.95)),
        # Colleagues share a city: weak, since it mostly repeats the company.
        "city": _equality_level(x.city, y.city, ("same", 0.85, 0.30), ("different", 0.15, 0.70)),
    }


def _account_levels(x: Rec, y: Rec) -> dict[str, Level | None]:
    return {
        "name": _similarity_level(
            x.company, y.company,
            [(1.0, ("exact", 0.85, 0.005)), (0.95, ("close", 0.10, 0.02)), (0.90, ("similar", 0.03, 0.05))],
            ("different", 0.02, 0.925),
        ),
        # Two domains that differ are strong evidence of two companies (one domain is the deterministic rule).
        "domain": _equality_level(x.domain, y.domain, ("same", 0.95, 0.001), ("different", 0.05, 0.999)),
        "phone": _equality_level(x.phone, y.phone, ("same", 0.60, 0.002), ("different", 0.40, 0.998)),
        "country": _equality_level(x.country, y.country, ("same", 0.95, 0.20), ("different", 0.05, 0.80)),
        "city": _equality_level(x.city, y.city, ("same", 0.85, 0.05), ("different", 0.15, 0.95)),
    }


LEVELS: dict[Kind, Callable[[Rec, Rec], dict[str, Level | None]]] = {
    "person": _person_levels, "account": _account_levels,
}


def score(x: Rec, y: Rec, kind: Kind) -> tuple[float, dict[str, Any]]:
    """(confidence 0-1, evidence: the level of each comparison that had values on both sides)."""
    total = math.log(PRIOR_ODDS)
    evidence: dict[str, Any] = {}
    for comparison, level in LEVELS[kind](x, y).items():
        if level is None:
            continue
        name, m, u = level
        total += _w(m, u)
        evidence[comparison] = name
    confidence = 1 / (1 + math.exp(-total)) if total > -700 else 0.0
    return min(round(confidence, 6), 0.999999), evidence  # 1.0 is for the deterministic rules
