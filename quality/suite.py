"""Expectation suites declared in YAML: a rule name, a Great Expectations expectation, its kwargs, a severity.

The shipped suites (``suites/default.yaml``) are the base; an admin changes them in crmhub.yaml's ``quality:``
section (severity, weight, parameters, ``enabled: false``, rules of their own), applied by ``load_suites``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from config import Catalogue, ConfigFileError, QualityEngine, QualitySettings, quality_problems
from mapping.model import ENTITIES
from quality.own_rules import COLUMN_PARAMS, OWN_EXPECTATIONS, check_kwargs
from quality.vocabulary import EXPECTATIONS

SEVERITIES = ("warn", "quarantine", "fail")


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    expectation: str  # snake_case GX name, e.g. expect_column_values_to_not_be_null
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    severity: str = "quarantine"
    weight: float = 0.0  # in the record's quality score; 0: the severity's (quality/score.py)
    message: str = ""  # what a quarantined record's reason says; empty: the expectation described
    # native: crmhub's evaluator when it reproduces this rule exactly (quality/native.py), else GX; gx: always GX
    engine: QualityEngine = "native"

    @property
    def own(self) -> bool:
        """Run by crmhub (quality/own_rules.py), not by Great Expectations."""
        return self.expectation in OWN_EXPECTATIONS

    @property
    def column(self) -> str | None:
        col = self.kwargs.get("column")
        return str(col) if col is not None else None


def parse_suites(raw: Mapping[str, Any], *, source: str) -> dict[str, tuple[Rule, ...]]:
    out: dict[str, tuple[Rule, ...]] = {}
    for entity, rules in (raw or {}).items():
        if entity not in ENTITIES:
            raise ValueError(f"{source}: {entity!r} is not a canonical entity; expected one of {', '.join(ENTITIES)}")
        parsed = []
        for i, r in enumerate(rules or []):
            where = f"{source}: {entity}[{i}]"
            if not r.get("name") or not str(r.get("expectation", "")).startswith("expect_"):
                raise ValueError(f"{where}: needs 'name' and 'expectation' (a Great Expectations expectation name)")
            severity = str(r.get("severity", "quarantine"))
            if severity not in SEVERITIES:
                raise ValueError(f"{where}.severity: expected one of {', '.join(SEVERITIES)}, got {severity!r}")
            check_kwargs(str(r["expectation"]), r.get("kwargs") or {}, where)
            kwargs = r.get("kwargs") or {}
            for param in COLUMN_PARAMS:
                column = kwargs.get(param)
                if column is not None and column not in ENTITIES[entity] and column not in ("source_id", "id"):
                    raise ValueError(f"{where}.kwargs.{param}: {column!r} is not a field of {entity}")
            parsed.append(Rule(str(r["name"]), str(r["expectation"]), dict(kwargs), severity,
                               float(r.get("weight", 0.0)), str(r.get("message") or "")))
        out[entity] = tuple(parsed)
    return out


def load_suites(path: Path | None = None, *, overrides: QualitySettings | None = None) -> dict[str, tuple[Rule, ...]]:
    """The shipped suites (or an admin's own file) with crmhub.yaml's ``quality:`` section applied."""
    if path is None:
        text = resources.files("quality.suites").joinpath("default.yaml").read_text()
        suites = parse_suites(yaml.safe_load(text), source="quality/suites/default.yaml")
    else:
        suites = parse_suites(yaml.safe_load(path.read_text()), source=str(path))
    return apply_overrides(suites, overrides) if overrides is not None else suites


def quality_catalogue(suites: Mapping[str, tuple[Rule, ...]]) -> Catalogue:
    """The facts ``quality:`` is checked against: entities and their fields, these suites' rules, expectations."""
    return Catalogue(
        objects={},
        entities={entity: frozenset(fields) for entity, fields in ENTITIES.items()},
        transforms=frozenset(),
        rules={entity: {r.name: r.expectation for r in rules} for entity, rules in suites.items()},
        rule_params={entity: {r.name: dict(r.kwargs) for r in rules} for entity, rules in suites.items()},
        expectations=EXPECTATIONS,
    )


def apply_overrides(suites: Mapping[str, tuple[Rule, ...]], overrides: QualitySettings) -> dict[str, tuple[Rule, ...]]:
    """``suites`` changed by the ``quality:`` section (its engine set on every rule); a ConfigFileError at its key
    paths if a name is unknown."""
    problems = quality_problems(overrides, quality_catalogue(suites))
    if problems:
        raise ConfigFileError(problems)
    out = {entity: tuple(replace(rule, engine=overrides.engine) for rule in rules) for entity, rules in suites.items()}
    for entity, changes in overrides.entities.items():
        rules = list(out.get(entity, ()))
        shipped = {rule.name for rule in rules}
        for name, change in changes.items():
            if name in shipped:
                rules = [_changed(rule, change) if rule.name == name else rule for rule in rules]
            else:
                rules.append(Rule(name, str(change.expectation), dict(change.kwargs), change.severity or "quarantine",
                                  change.weight or 0.0, engine=overrides.engine))
        out[entity] = tuple(rule for rule in rules if _enabled(rule.name, changes))
    return out


def _changed(rule: Rule, change: Any) -> Rule:
    return replace(rule, kwargs={**rule.kwargs, **change.kwargs}, severity=change.severity or rule.severity,
                   weight=rule.weight if change.weight is None else change.weight)


def _enabled(name: str, changes: Mapping[str, Any]) -> bool:
    return name not in changes or changes[name].enabled
