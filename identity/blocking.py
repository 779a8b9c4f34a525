"""Candidate pairs for the probabilistic matcher: only records that share a blocking key are ever compared.

A block larger than ``max_block`` is skipped (and counted): a key that common identifies nobody, and comparing
it would be quadratic. So the work grows with the records, never with their pairs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from identity.records import Kind, Rec

KeyFn = Callable[[Rec], str | None]


def _person_keys() -> dict[str, KeyFn]:
    return {
        "name": lambda r: r.full_name,
        # with the first initial: a shared switchboard number alone would pair everyone who answers it
        "phone": lambda r: f"{r.phone}|{r.first[:1]}" if r.phone and r.first else None,
        "email_local": lambda r: r.email_local if r.email_local and len(r.email_local) >= 4 else None,
        # catches typos in either name: a few letters of each plus where they live
        "name_prefix": lambda r: f"{r.last[:3]}|{r.first[:2]}|{r.city or ''}" if r.first and r.last else None,
    }


def _account_keys() -> dict[str, KeyFn]:
    return {
        "name": lambda r: r.company,
        "phone": lambda r: r.phone,
        "name_prefix": lambda r: f"{r.company[:5]}|{r.country or ''}" if r.company else None,
    }


@dataclass(slots=True)
class BlockStats:
    blocks: int = 0
    skipped_blocks: dict[str, int] = field(default_factory=dict)  # blocking key -> oversized blocks skipped
    candidates: dict[str, int] = field(default_factory=dict)  # blocking key -> new pairs it proposed


def candidate_pairs(
    recs: Sequence[Rec], kind: Kind, *, max_block: int, stats: BlockStats, group_of: Callable[[int], int],
) -> Iterator[tuple[int, int]]:
    """Each pair (i < j) sharing a key, once, unless ``group_of`` says they are already one (joined by a rule)."""
    seen: set[tuple[int, int]] = set()
    keys = _person_keys() if kind == "person" else _account_keys()
    for key_name, key in keys.items():
        blocks: dict[str, list[int]] = defaultdict(list)
        for i, rec in enumerate(recs):
            value = key(rec)
            if value:
                blocks[value].append(i)
        for members in blocks.values():
            if len(members) < 2:
                continue
            if len(members) > max_block:
                stats.skipped_blocks[key_name] = stats.skipped_blocks.get(key_name, 0) + 1
                continue
            groups = [group_of(i) for i in members]
            if len(set(groups)) == 1:  # one person's records, already joined: nothing to decide
                continue
            stats.blocks += 1
            for x, i in enumerate(members):
                for y in range(x + 1, len(members)):
                    j = members[y]
                    if groups[x] == groups[y] or (i, j) in seen:
                        continue
                    seen.add((i, j))
                    stats.candidates[key_name] = stats.candidates.get(key_name, 0) + 1
                    yield i, j
