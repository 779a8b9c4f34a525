"""What crmhub ships, as plain data the config checks read: objects and the CRM fields their mappings read, the
canonical model, transforms, quality rules and the expectations a rule may use.

The config package imports nothing of crmhub's other packages, so it cannot read ``mapping/specs`` or the quality
suites itself: the packages that own those facts build a Catalogue (``sync/config_check.py`` puts it together) and
pass it in, with the mapping package's own parser for the object mappings an admin writes whole in config. Every
check that needs no network is then done before a sync, not half-way through one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class ObjectFacts:
    """One CRM object as the shipped mapping knows it."""

    entity: str  # the canonical entity its records become
    reads: frozenset[str]  # every CRM field the shipped mapping reads
    rule_sources: frozenset[str]  # the CRM fields mapped onto canonical fields (a transform may re-type these)
    targets: frozenset[str]  # the canonical fields it fills
    custom_keys: frozenset[str]  # the keys it keeps in the row's custom JSON
    # the CRM fields a value map (mapping.<object>.values) may apply to: mapped as text or already by values
    valued_sources: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ExpectationFacts:
    """An expectation a quality rule may use: its parameters, each with the kind of value it takes."""

    # parameter -> one of "column", "entity", "regex", "number", "share" (0..1), "list", "text"
    params: Mapping[str, str]
    required: tuple[str, ...] = ("column",)
    any_of: tuple[str, ...] = ()  # at least one of these must be given (a range needs a minimum or a maximum)


@dataclass(frozen=True, slots=True)
class Catalogue:
    objects: Mapping[str, Mapping[str, ObjectFacts]]  # connection kind -> object -> facts
    entities: Mapping[str, frozenset[str]]  # canonical entity -> its fields
    transforms: frozenset[str]
    rules: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # entity -> shipped rule -> expectation
    rule_params: Mapping[str, Mapping[str, Mapping[str, object]]] = field(default_factory=dict)  # shipped kwargs
    expectations: Mapping[str, ExpectationFacts] = field(default_factory=dict)
    # (kind, connection, object, the object's mapping as written with entity:) -> (key path, problem) for each
    # problem the mapping package's resolve finds: a config-defined mapping is checked by the code that runs it.
    resolve: Callable[[str, str, str, Mapping[str, Any]], Sequence[tuple[str, str]]] | None = None
