"""Expectation suites declared in YAML: a rule name, a Great Expectations expectation, its kwargs, a severity."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from mapping.model import ENTITIES
from quality.own_rules import OWN_EXPECTATIONS, check_kwargs

SEVERITIES = ("warn", "quarantine", "fail")


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    expectation: str  # snake_case GX name, e.g. expect_column_values_to_not_be_null
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    severity: str = "quarantine"
    weight: float = 0.0  # in the record's quality score; 0: the severity's (quality/score.py)

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
            column = (r.get("kwargs") or {}).get("column")
            if column is not None and column not in ENTITIES[entity] and column not in ("source_id", "id"):
                raise ValueError(f"{where}.kwargs.column: {column!r} is not a field of {entity}")
            parsed.append(Rule(str(r["name"]), str(r["expectation"]), dict(r.get("kwargs") or {}), severity,
                               float(r.get("weight", 0.0))))
        out[entity] = tuple(parsed)
    return out


def load_suites(path: Path | None = None) -> dict[str, tuple[Rule, ...]]:
    """The shipped suites, or an admin's own file."""
    if path is None:
        text = resources.files("quality.suites").joinpath("default.yaml").read_text()
        return parse_suites(yaml.safe_load(text), source="quality/suites/default.yaml")
    return parse_suites(yaml.safe_load(path.read_text()), source=str(path))
