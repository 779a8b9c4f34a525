"""Checks of a schema-valid config against what crmhub ships (a Catalogue): the names an admin writes for objects,
CRM fields, canonical fields, transforms and quality rules must exist, else a sync would fail later — or, worse,
silently do nothing (an ``exclude`` of a field no mapping reads).

Each problem is at the key path the admin wrote, says what was found and what was expected, and suggests the
nearest valid name. A name that may be a CRM *custom* field cannot be refused without asking the CRM: it is only
flagged (a warning) when it is one typo away from a field the shipped mapping reads.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from config import keypath
from config.catalogue import Catalogue, ObjectFacts
from config.errors import ConfigProblem, did_you_mean
from config.models.object_mapping import MappingEntry, ObjectDefinition
from config.models.quality import QualityRuleSettings, QualitySettings, nulls_as_empty
from config.models.settings_parts import MappingOverride

CUSTOM_PREFIX = "custom."
# Columns every canonical row has besides its entity's fields (quality rules may check them).
ROW_COLUMNS = ("id", "source_id")
# Closer than did_you_mean's 0.6: a custom field is legitimate, so only a near-certain typo is worth a warning.
_TYPO_CUTOFF = 0.8
_ENTRY: TypeAdapter[MappingOverride | ObjectDefinition] = TypeAdapter(MappingEntry)
_QUALITY: TypeAdapter[QualitySettings] = TypeAdapter(QualitySettings)


def catalogue_problems(data: Mapping[str, Any], catalogue: Catalogue, *, base_dir: Path) -> list[ConfigProblem]:
    """Every problem of the (env-resolved) document ``data`` against ``catalogue``.

    Works part by part, so a schema error elsewhere (a bad cron) does not hide these: object names, each mapping
    override and the quality section are checked when they themselves are valid (the loader reports the rest).
    """
    problems: list[ConfigProblem] = []
    raw_connections = data.get("connections")
    for name, raw in (raw_connections.items() if isinstance(raw_connections, dict) else ()):
        kind = raw.get("kind") if isinstance(raw, dict) else None
        if kind is None or kind not in catalogue.objects:
            continue  # an unknown kind is a schema error, reported by the loader
        base = ["connections", keypath.key(name)]
        known = catalogue.objects[kind]
        mapping = raw.get("mapping")
        entries = {str(obj): _valid(_ENTRY, {} if body is None else body, base_dir)
                   for obj, body in (mapping.items() if isinstance(mapping, dict) else ())}
        # Mapped whole in config (even if that mapping has errors of its own, reported at their keys).
        defined = {str(obj) for obj, body in (mapping.items() if isinstance(mapping, dict) else ())
                   if isinstance(body, dict) and "entity" in body}
        for segments, obj in _object_names(raw.get("objects")):
            if obj not in known and obj not in defined:
                # A custom object the CRM may well have (only the CRM knows): a sync keeps it as a typed raw table
                # (store/raw.py), so this is a warning; a typo is refused by the sync, which asks the CRM.
                problems.append(ConfigProblem(
                    keypath.join([*base, "objects", *segments]),
                    f"'{obj}' has no mapping for {kind}{did_you_mean(obj, known)} (mapped objects: "
                    f"{', '.join(known)}): a sync keeps its records in a typed raw table if the CRM has such an "
                    f"object; to fill a canonical entity, map it in "
                    f"{keypath.join([*base, 'mapping', keypath.key(obj)])} with entity: and fields",
                    "warning",
                ))
        for obj, entry in entries.items():
            if isinstance(entry, ObjectDefinition):
                problems += _definition_problems(kind, str(name), obj, entry, catalogue)
            elif entry is not None and obj in known:
                problems += _override_problems(entry, known[obj], catalogue, [*base, "mapping", keypath.key(obj)], obj)
    quality = _valid(_QUALITY, nulls_as_empty(data.get("quality") or {}), base_dir)
    if quality is not None:
        problems += quality_problems(quality, catalogue)
    return problems


def _valid(adapter: TypeAdapter[Any], raw: Any, base_dir: Path) -> Any:
    try:
        return adapter.validate_python(raw, context={"base_dir": base_dir})
    except ValidationError:
        return None


def _object_names(raw_objects: Any) -> list[tuple[list[str], str]]:
    """(key path segments, name) of each object as written: `objects: [contcts]` points at its index."""
    if isinstance(raw_objects, list):
        return [([keypath.index(i)], name) for i, name in enumerate(raw_objects) if isinstance(name, str)]
    if isinstance(raw_objects, dict):
        return [([keypath.key(name)], str(name)) for name in raw_objects]
    return []


def _definition_problems(kind: str, connection: str, obj: str, definition: ObjectDefinition,
                         catalogue: Catalogue) -> list[ConfigProblem]:
    """A whole object mapping written in config, parsed the way a sync will parse it (the catalogue's resolve)."""
    if catalogue.resolve is None:
        return []
    return [ConfigProblem(path, message) for path, message in
            catalogue.resolve(kind, connection, obj, definition.as_spec())]


def _override_problems(override: MappingOverride, facts: ObjectFacts, catalogue: Catalogue, where: list[str],
                       obj: str) -> list[ConfigProblem]:
    problems: list[ConfigProblem] = []
    fields = catalogue.entities.get(facts.entity, frozenset())
    for crm_field, target in override.fields.items():
        here = keypath.join([*where, "fields", keypath.key(crm_field)])
        if not target.startswith(CUSTOM_PREFIX) and target not in fields:
            problems.append(ConfigProblem(
                here,
                f"'{target}' is not a field of canonical {facts.entity}{did_you_mean(target, fields)} (expected one "
                f"of {', '.join(sorted(fields))}, or custom.<name> to keep it in the row's custom JSON)",
            ))
        if crm_field not in facts.reads:
            close = difflib.get_close_matches(crm_field, sorted(facts.reads), n=1, cutoff=_TYPO_CUTOFF)
            if close:
                problems.append(ConfigProblem(
                    here,
                    f"'{crm_field}' is not a field the shipped mapping of {obj} reads; did you mean '{close[0]}'? "
                    "(a custom field of that name is fine: `crmhub sync` checks it exists in the CRM)",
                    "warning",
                ))
    excludable = facts.reads | facts.targets | facts.custom_keys
    for i, name in enumerate(override.exclude):
        if name not in excludable and name not in override.fields:
            problems.append(ConfigProblem(
                keypath.join([*where, "exclude", keypath.index(i)]),
                f"'{name}' is neither a CRM field the mapping of {obj} reads nor a canonical field it fills, so "
                f"excluding it changes nothing{did_you_mean(name, sorted(excludable))}",
            ))
    transformable = facts.rule_sources | {
        crm for crm, target in override.fields.items() if not target.startswith(CUSTOM_PREFIX)
    }
    for crm_field, transform in override.transforms.items():
        here = keypath.join([*where, "transforms", keypath.key(crm_field)])
        if crm_field not in transformable:
            problems.append(ConfigProblem(
                here,
                f"no mapped field of {obj} reads '{crm_field}'{did_you_mean(crm_field, sorted(transformable))} "
                "(a transform applies to a CRM field mapped onto a canonical field)",
            ))
        if transform not in catalogue.transforms:
            problems.append(ConfigProblem(
                here,
                f"unknown transform '{transform}'{did_you_mean(transform, sorted(catalogue.transforms))} (expected "
                f"one of {', '.join(sorted(catalogue.transforms))})",
            ))
    return problems + _values_problems(override, facts, where, obj)


def _values_problems(override: MappingOverride, facts: ObjectFacts, where: list[str], obj: str
                     ) -> list[ConfigProblem]:
    """A value map needs a CRM field the mapping reads as text or already maps by values (a re-pointed field is
    checked when the sync lays the override on: its canonical type decides)."""
    valued = facts.valued_sources | {
        crm for crm, target in override.fields.items() if not target.startswith(CUSTOM_PREFIX)
    }
    return [ConfigProblem(
        keypath.join([*where, "values", keypath.key(crm_field)]),
        f"no field of {obj} mapped as text or by values reads '{crm_field}'"
        f"{did_you_mean(crm_field, sorted(valued))} (a value map turns a CRM field's values into canonical ones: "
        f"{', '.join(sorted(valued)) or 'none here'})",
    ) for crm_field in override.values if crm_field not in valued]


def quality_problems(quality: QualitySettings, catalogue: Catalogue) -> list[ConfigProblem]:
    """The ``quality:`` section against the shipped entities, rules and expectations."""
    problems: list[ConfigProblem] = []
    for entity, rules in quality.entities.items():
        if entity not in catalogue.entities:
            problems.append(ConfigProblem(
                keypath.join(["quality", keypath.key(entity)]),
                f"'{entity}' is not a canonical entity{did_you_mean(entity, catalogue.entities)} (expected one of "
                f"{', '.join(catalogue.entities)})",
            ))
            continue
        for name, rule in rules.items():
            where = ["quality", keypath.key(entity), keypath.key(name)]
            problems += _rule_problems(entity, name, rule, catalogue, where)
    return problems


def _rule_problems(entity: str, name: str, rule: QualityRuleSettings, catalogue: Catalogue,
                   where: list[str]) -> list[ConfigProblem]:
    shipped = catalogue.rules.get(entity, {})
    path = keypath.join(where)
    if name in shipped:
        if rule.expectation is not None and rule.expectation != shipped[name]:
            return [ConfigProblem(
                keypath.join([*where, "expectation"]),
                f"'{name}' is a shipped rule of {entity} using {shipped[name]}; its expectation cannot change: give "
                "your rule a new name to add it (and `enabled: false` here to turn this one off)",
            )]
        if "column" in rule.kwargs:
            return [ConfigProblem(
                keypath.join([*where, "kwargs", "column"]),
                f"the column of the shipped rule '{name}' cannot change; add a rule of your own for another column",
            )]
        kwargs = {**catalogue.rule_params.get(entity, {}).get(name, {}), **rule.kwargs}
        return _kwargs_problems(entity, shipped[name], kwargs, set(rule.kwargs), catalogue, where)
    if rule.expectation is None:
        return [ConfigProblem(
            path,
            f"'{name}' is not a shipped rule of {entity}{did_you_mean(name, shipped)} (rules: "
            f"{', '.join(shipped) or 'none'}); to add a rule, give its expectation and kwargs",
        )]
    if rule.expectation not in catalogue.expectations:
        known = sorted(catalogue.expectations)
        return [ConfigProblem(
            keypath.join([*where, "expectation"]),
            f"'{rule.expectation}' is not an expectation crmhub runs{did_you_mean(rule.expectation, known)} "
            f"(expected one of {', '.join(known)})",
        )]
    return _kwargs_problems(entity, rule.expectation, rule.kwargs, set(rule.kwargs), catalogue, where)


def _kwargs_problems(entity: str, expectation: str, kwargs: Mapping[str, Any], written: set[str],
                     catalogue: Catalogue, where: list[str]) -> list[ConfigProblem]:
    facts = catalogue.expectations.get(expectation)
    if facts is None:  # a shipped rule whose expectation the vocabulary does not describe: nothing to check against
        return []
    problems: list[ConfigProblem] = []
    at = [*where, "kwargs"]
    missing = [p for p in facts.required if p not in kwargs]
    if missing:
        problems.append(ConfigProblem(
            keypath.join(at), f"{expectation} needs {', '.join(missing)} (parameters: {', '.join(facts.params)})"
        ))
    if facts.any_of and not any(kwargs.get(p) is not None for p in facts.any_of):
        problems.append(ConfigProblem(keypath.join(at), f"{expectation} needs {' or '.join(facts.any_of)}"))
    for param, value in kwargs.items():
        if param not in written:
            continue  # the shipped rule's own parameters are right by construction
        here = keypath.join([*at, keypath.key(param)])
        kind = facts.params.get(param)
        if kind is None:
            problems.append(ConfigProblem(
                here, f"{expectation} has no parameter '{param}'{did_you_mean(param, facts.params)} (parameters: "
                      f"{', '.join(facts.params)})",
            ))
            continue
        message = _value_problem(kind, value, entity, catalogue)
        if message:
            problems.append(ConfigProblem(here, message))
    problems += _range_problems(kwargs, written, at)
    return problems


def _value_problem(kind: str, value: Any, entity: str, catalogue: Catalogue) -> str | None:
    if kind == "column":
        columns = sorted(catalogue.entities[entity] | set(ROW_COLUMNS))
        if value not in columns:
            return (f"'{value}' is not a field of canonical {entity}{did_you_mean(str(value), columns)} (expected "
                    f"one of {', '.join(columns)})")
    elif kind == "entity":
        if value not in catalogue.entities:
            return f"expected a canonical entity{did_you_mean(str(value), catalogue.entities)} " \
                   f"({', '.join(catalogue.entities)})"
    elif kind in ("number", "share"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "expected a number"
        if kind == "share" and not 0 < value <= 1:
            return "expected a share greater than 0 and at most 1 (e.g. 0.95: 95 % of the rows must pass)"
    elif kind == "regex":
        if not isinstance(value, str):
            return "expected a regular expression (a string)"
        try:
            re.compile(value)
        except re.error as exc:
            return f"not a valid regular expression ({exc})"
    elif kind == "list":
        if not isinstance(value, list) or not value:
            return "expected a non-empty list of values"
    elif kind == "text" and not isinstance(value, str):
        return "expected a string"
    return None


def _range_problems(kwargs: Mapping[str, Any], written: set[str], at: list[str]) -> list[ConfigProblem]:
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (low, high))
    if numbers and low > high and written & {"min_value", "max_value"}:  # type: ignore[operator]
        return [ConfigProblem(keypath.join([*at, "min_value"]), f"min_value {low} is above max_value {high}")]
    return []

