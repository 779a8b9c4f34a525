"""Run a suite over a batch of canonical rows and sort the rows by verdict.

Great Expectations is the engine of record. The expectations the shipped suites use are evaluated natively by
default (quality/native.py: GX's own pandas operations without its ~100 ms per validate), any other rule by GX;
``quality.engine: gx`` in crmhub.yaml sends every rule to GX. GX takes seconds to import, so it is imported on the
first batch that needs it, not with this module; the context and suites are built once per checker and reused.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from quality.native import NativeCheck, native_check
from quality.own_rules import REFERENCE, Exists
from quality.own_rules import unexpected as own_unexpected
from quality.score import record_score
from quality.suite import Rule

_RULE_KEY = "crmhub_rule"  # in each GX expectation's meta: the rule it runs


class QualityFailure(Exception):
    """A rule of severity 'fail' did not hold: the batch does not land and the run stops with this message."""


@dataclass(slots=True)
class Verdict:
    passed: list[dict[str, Any]] = field(default_factory=list)
    quarantined: list[tuple[dict[str, Any], list[dict[str, Any]]]] = field(default_factory=list)
    warnings: dict[str, int] = field(default_factory=dict)  # rule name -> rows that broke it
    seconds_in_gx: float = 0.0
    # (canonical id, score 0-1, names of the rules broken) for every row checked: see quality/score.py
    scores: list[tuple[str, float, list[str]]] = field(default_factory=list)


@dataclass(slots=True)
class Findings:
    """What ``QualityChecker.local`` found: the rows (by position) each store-free rule found unexpected."""

    gx: dict[str, list[int]] = field(default_factory=dict)  # by rule name: Great Expectations' rules
    own: dict[int, list[int]] = field(default_factory=dict)  # by the rule's position in its suite: crmhub's own
    seconds_in_gx: float = 0.0


def _camel(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))


class QualityChecker:
    def __init__(self, suites: Mapping[str, Sequence[Rule]]) -> None:
        self.suites = suites
        self._gx: Any = None
        self._batch_def: Any = None
        self._gx_suites: dict[str, Any] = {}
        self._gx_alike: dict[str, dict[str, str]] = {}
        self._natives: dict[str, dict[str, NativeCheck]] = {}

    def check(self, entity: str, rows: Sequence[dict[str, Any]], *, exists: Exists | None = None,
              now: datetime | None = None) -> Verdict:
        """Sort rows by verdict. ``exists`` answers reference rules from the store (without it only the batch
        counts); ``now`` is the freshness rules' clock."""
        return self.finish(entity, rows, self.local(entity, rows, now=now), exists=exists)

    def needs_store(self, entity: str) -> bool:
        """Whether ``finish`` asks the store: a worker process without one can then only run ``local``."""
        return any(_needs_store(rule) for rule in self.suites.get(entity, ()))

    def local(self, entity: str, rows: Sequence[dict[str, Any]], *, now: datetime | None = None) -> Findings:
        """Every rule that needs no store, over the batch: what a worker process can check on its own."""
        rules = self.suites.get(entity, ())
        if not rows or not rules:
            return Findings()
        timing = Verdict()
        gx = self._gx_unexpected(entity, rules, rows, timing)
        moment = now or datetime.now(UTC)
        own = {i: own_unexpected(rule.expectation, rule.kwargs, rows, exists=None, now=moment)
               for i, rule in enumerate(rules) if rule.own and not _needs_store(rule)}
        return Findings(gx, own, timing.seconds_in_gx)

    def finish(self, entity: str, rows: Sequence[dict[str, Any]], found: Findings, *,
               exists: Exists | None = None) -> Verdict:
        """The rules that ask the store (``exists``), then the rows sorted by verdict with their scores; raises
        QualityFailure when a rule of severity 'fail' did not hold. The caller must run it right before landing,
        after the units read before, so the store is the one the rows land in."""
        rules = self.suites.get(entity, ())
        if not rows or not rules:
            return Verdict(passed=list(rows), scores=[(str(r.get("id")), 1.0, []) for r in rows],
                           seconds_in_gx=found.seconds_in_gx)
        verdict = Verdict(seconds_in_gx=found.seconds_in_gx)
        broken = dict(found.gx)
        for i, rule in enumerate(rules):  # in rule order, as one pass over the suite would have set them
            if rule.own:
                broken[rule.name] = found.own[i] if i in found.own else own_unexpected(
                    rule.expectation, rule.kwargs, rows, exists=exists, now=datetime.now(UTC))
        reasons: dict[int, list[dict[str, Any]]] = {}
        failed_rules: dict[int, list[str]] = {}
        failures: list[str] = []
        for rule in rules:
            bad = broken.get(rule.name) or []
            if not bad:
                continue
            for i in bad:
                failed_rules.setdefault(i, []).append(rule.name)
            if rule.severity == "warn":
                verdict.warnings[rule.name] = len(bad)
            elif rule.severity == "fail":
                failures.append(f"{rule.name}: {len(bad)} row(s) broke {rule.expectation} on {rule.column} "
                                f"({config_key(entity, rule)})")
            for i in bad if rule.severity == "quarantine" else ():
                value = rows[i].get(rule.column) if rule.column else None
                reasons.setdefault(i, []).append({
                    "field": rule.column, "rule": rule.name, "value": _jsonable(value),
                    "message": f"{rule.column}: {rule.message or _describe(rule)} (got {value!r}); "
                               f"{config_key(entity, rule)}",
                })
        if failures:
            raise QualityFailure(f"{entity}: " + "; ".join(failures))
        for i, row in enumerate(rows):
            if i in reasons:
                verdict.quarantined.append((row, reasons[i]))
            else:
                verdict.passed.append(row)
            failed = failed_rules.get(i, [])
            verdict.scores.append((str(row.get("id")), record_score(rules, failed), failed))
        return verdict

    def _gx_unexpected(self, entity: str, rules: Sequence[Rule], rows: Sequence[dict[str, Any]],
                       verdict: Verdict) -> dict[str, list[int]]:
        """The Great Expectations rules over the batch: the positions of the rows each rule found unexpected.

        A rule the native evaluator reproduces exactly runs there (quality/native.py); the rest go to GX in one
        validate, which is skipped when nothing is left for it.
        """
        gx_rules = [r for r in rules if not r.own]
        if not gx_rules:
            return {}
        import pandas as pd

        columns = sorted({r.column for r in gx_rules if r.column})
        frame = pd.DataFrame({c: [row.get(c) for row in rows] for c in columns})
        frame["_row"] = range(len(rows))
        natives = self._native_checks(entity, gx_rules)
        out: dict[str, list[int]] = {}
        for rule in gx_rules:
            check = natives.get(rule.name)
            if check is None or rule.column is None:
                continue
            try:
                bad = check(frame[rule.column])
            except Exception as problem:  # as GX's catch_exceptions: the rule could not run, the batch stops
                raise QualityFailure(f"rule {rule.name} ({rule.expectation}) could not run: {problem}") from problem
            if bad:
                out[rule.name] = bad
        rest = [r for r in gx_rules if r.name not in natives]
        if rest:
            out.update(self._validate(entity, rest, frame, verdict))
        return out

    def _native_checks(self, entity: str, rules: Sequence[Rule]) -> dict[str, NativeCheck]:
        """The rules of ``entity`` run natively, by name: decided once per entity, the suites do not change."""
        if entity not in self._natives:
            checks = {r.name: native_check(r.expectation, r.kwargs) for r in rules if r.engine == "native"}
            self._natives[entity] = {name: check for name, check in checks.items() if check is not None}
        return self._natives[entity]

    def _validate(self, entity: str, rules: Sequence[Rule], frame: Any, verdict: Verdict) -> dict[str, list[int]]:
        started = time.perf_counter()
        result = self._batch().get_batch(batch_parameters={"dataframe": frame}).validate(
            self._suite(entity, rules),
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["_row"]},
        )
        verdict.seconds_in_gx += time.perf_counter() - started
        out: dict[str, list[int]] = {}
        by_name = {rule.name: rule for rule in rules}
        stands_for: dict[str, list[Rule]] = {}  # GX orders results its own way (by column): each names its rule
        for rule in rules:
            stands_for.setdefault(self._gx_alike[entity][rule.name], []).append(rule)
        for res in result.results:
            first = by_name[res.expectation_config.meta[_RULE_KEY]]
            if res.success:
                continue
            problem = _exception(res.exception_info)
            if problem is not None:
                raise QualityFailure(f"rule {first.name} ({first.expectation}) could not run: {problem}")
            bad = [int(item["_row"]) for item in res.result.get("unexpected_index_list") or []]
            out.update({rule.name: bad for rule in stands_for[self._gx_alike[entity][first.name]]})
        return out

    # --- Great Expectations, built once ----------------------------------------------------------------------------
    def _batch(self) -> Any:
        if self._batch_def is None:
            import great_expectations as gx
            from great_expectations.data_context.types.base import ProgressBarsConfig

            context = gx.get_context(mode="ephemeral")
            context.variables.progress_bars = ProgressBarsConfig(globally=False)
            asset = context.data_sources.add_pandas("crmhub").add_dataframe_asset("rows")
            self._gx, self._batch_def = gx, asset.add_batch_definition_whole_dataframe("batch")
        return self._batch_def

    def _suite(self, entity: str, rules: Sequence[Rule]) -> Any:
        """The GX suite of these rules; GX keeps one of two expectations it finds equal (defaults filled in), so
        ``_gx_alike`` records, by rule name, the rule whose expectation's result stands for it."""
        if entity not in self._gx_suites:
            suite = self._gx.ExpectationSuite(name=f"crmhub_{entity}")
            kept: list[tuple[str, Any]] = []
            alike: dict[str, str] = {}
            for rule in rules:
                cls = getattr(self._gx.expectations, _camel(rule.expectation))
                kwargs = {**rule.kwargs, "meta": {**(rule.kwargs.get("meta") or {}), _RULE_KEY: rule.name}}
                expectation = cls(**kwargs)
                alike[rule.name] = next((name for name, other in kept if _same(other, expectation)), rule.name)
                kept.append((rule.name, expectation))
                suite.add_expectation(expectation)
            self._gx_suites[entity], self._gx_alike[entity] = suite, alike
        return self._gx_suites[entity]


def _same(one: Any, other: Any) -> bool:
    """As GX's suite compares expectations: type and kwargs (defaults filled in), not meta."""
    return bool(one.expectation_type == other.expectation_type
                and one.configuration.kwargs == other.configuration.kwargs)


def _needs_store(rule: Rule) -> bool:
    return rule.expectation == REFERENCE


def _exception(info: Any) -> str | None:
    """GX reports a rule that could not run either flat or keyed by metric id: look in both shapes."""
    if not isinstance(info, dict):
        return None
    if info.get("raised_exception"):
        return str(info.get("exception_message"))
    for value in info.values():
        if isinstance(value, dict) and value.get("raised_exception"):
            return str(value.get("exception_message"))
    return None


def config_key(entity: str, rule: Rule) -> str:
    """Where an admin changes the rule: crmhub.yaml's quality section, not the installed suite files."""
    return f"rule quality.{entity}.{rule.name} in crmhub.yaml"


def _describe(rule: Rule) -> str:
    words = re.sub(r"^expect_column_values_to_", "", rule.expectation).replace("_", " ")
    extra = {k: v for k, v in rule.kwargs.items() if k != "column"}
    return f"expected to {words}" + (f" {extra}" if extra else "")


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return None if isinstance(value, float) and value != value else value
    return str(value)
