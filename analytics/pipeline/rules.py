"""The knobs of the deal warnings, with why each default is what it is."""

from __future__ import annotations

from dataclasses import dataclass

SENIOR_ROLES = ("decision maker", "economic buyer", "executive sponsor", "executive", "approver", "budget holder")
# Word-bounded, case-insensitive: "VP Sales", "Chief Revenue Officer", "Head of IT", "CFO", "Director, Finance".
SENIOR_TITLES = r"\b(?:chief|c[a-z]o|vp|svp|evp|vice president|president|director|head|founder|owner|partner)\b"


@dataclass(frozen=True, slots=True)
class WarningRules:
    """``norm_quantile``, ``norm_factor``: a deal is stalled past ``norm_factor`` times this quantile of the days
    won deals spent in the same stage and segment. 0.8 x 2: at x 1, one won stay in five is past the norm by
    construction, so on the synthetic pipeline half the deals flagged were merely slow (docs/analytics/pipeline.md
    has the sweep, on a tuning seed, that chose 2). ``min_norm``: won spells a (stage, segment) needs before its own
    norm is used; below it, the stage's norm over all segments. ``ghost_factor``: inbound silence beyond this many
    times the deal's median gap between inbound activities, once it has ``ghost_min_gaps`` gaps to judge by and the
    silence is at least ``ghost_min_days``. ``pushes``: a close date moved later this many times. ``min_contacts``:
    distinct contacts on the deal, checked with seniority from the ``contacts_from_rank``-th open stage on (0 is
    the first; a first meeting has one contact)."""

    norm_quantile: float = 0.8
    norm_factor: float = 2.0
    min_norm: int = 5
    ghost_factor: float = 3.0
    ghost_min_gaps: int = 2
    ghost_min_days: float = 7.0
    pushes: int = 2
    min_contacts: int = 2
    contacts_from_rank: int = 1
