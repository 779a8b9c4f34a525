"""Lead scoring end to end: features from the store → rules or the trained model → grade, reasons → stored scores.

The rule model scores until ``scoring.min_conversions`` conversions (and as many non-conversions) are labelled;
``train_lead_model`` (``crmhub score leads --train``) then fits, cross-validates and activates a calibrated model.
Sub-scores (engagement, intent, fit) always come from the documented rules: they describe the lead, whichever model
sets the total.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, select

from analytics import model as trained
from analytics import registry, rules
from analytics.features import FeatureSpec, lead_features
from analytics.grade import grade, thresholds_from_shares
from analytics.model_guard import activation_problems
from analytics.reasons import top_reasons
from analytics.score_rows import save_lead_scores
from analytics.timeutil import utc_now
from store.rawsql import db_time
from store.tables import lead

Progress = Callable[[str], None]


class NotEnoughLabels(ValueError):
    """Too few labelled conversions to train: the rule model keeps scoring."""


@dataclass(frozen=True, slots=True)
class LabelRule:
    """Which unconverted leads are negatives (config ``scoring.labels``): those whose status says they are over, or
    older than ``after_days``; the rest are still open and train nothing."""

    not_converted_statuses: tuple[str, ...] = ("Closed - Not Converted", "Unqualified", "Disqualified", "Lost",
                                               "Cannot Contact", "No Longer Interested", "Canceled", "Junk",
                                               "Bad Timing")
    after_days: int | None = 180


@dataclass(frozen=True, slots=True)
class ScoringOptions:
    weights: rules.Weights = field(default_factory=rules.Weights)
    grades: dict[str, float] = field(default_factory=lambda: {"hot": 70, "warm": 40})
    lowest_grade: str = "cold"
    validity_hours: int = 24
    top_reasons: int = 3
    min_conversions: int = 200
    spec: FeatureSpec = field(default_factory=FeatureSpec)
    exclude_features: tuple[str, ...] = ("age_days",)
    grade_shares: dict[str, float] | None = field(default_factory=lambda: {"hot": 0.1, "warm": 0.3})
    labels: LabelRule = field(default_factory=LabelRule)

    @classmethod
    def from_settings(cls, settings: Any) -> ScoringOptions:
        """From ``config.ScoringSettings`` (duck-typed: analytics does not import the config package)."""
        w = settings.weights
        return cls(weights=rules.Weights(w.engagement, w.intent, w.fit), grades=dict(settings.grades),
                   lowest_grade=settings.lowest_grade, validity_hours=settings.validity_hours,
                   top_reasons=settings.top_reasons, min_conversions=settings.min_conversions,
                   spec=FeatureSpec(tuple(settings.pricing_url_patterns), tuple(settings.demo_patterns),
                                    tuple(settings.custom_features)),
                   exclude_features=tuple(settings.exclude_features),
                   grade_shares=None if settings.grade_shares is None else dict(settings.grade_shares),
                   labels=LabelRule(tuple(settings.labels.not_converted_statuses),
                                    settings.labels.unconverted_after_days))


@dataclass(slots=True)
class ScoreRun:
    entity: str
    scored: int
    model_version: str
    grades: dict[str, int]
    seconds: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        return {"entity": self.entity, "scored": self.scored, "model_version": self.model_version,
                "grades": self.grades, "seconds": self.seconds}


# Who gets a lead score: leads where the CRM has them (Salesforce, Dynamics, Marketo), contacts where it does not
# (HubSpot has no lead object): both by default, so no store is left unscored for want of a flag.
PEOPLE: tuple[str, ...] = ("lead", "contact")


@dataclass(slots=True)
class PeopleRun:
    """One ``score leads`` over several entities."""

    runs: list[ScoreRun]

    @property
    def scored(self) -> int:
        return sum(run.scored for run in self.runs)

    @property
    def nothing_scored(self) -> str | None:
        """Why nothing was scored, in words an admin can act on; None when something was."""
        if self.scored:
            return None
        names = " or ".join(f"{run.entity}s" for run in self.runs)
        return (f"nothing was scored: the store has no live {names}; sync a connection that holds them "
                "(`crmhub sync`), then score again")

    def as_dict(self) -> dict[str, Any]:
        grades: dict[str, int] = {}
        for run in self.runs:
            for name, count in run.grades.items():
                grades[name] = grades.get(name, 0) + count
        versions = sorted({run.model_version for run in self.runs if run.scored} or
                          {run.model_version for run in self.runs})
        return {"scored": self.scored, "model_version": ", ".join(versions), "grades": grades,
                "runs": [run.as_dict() for run in self.runs]}


def score_people(engine: Engine, *, options: ScoringOptions, entities: Sequence[str] = PEOPLE,
                 as_of: datetime | None = None, progress: Progress | None = None) -> PeopleRun:
    """Score every live record of each entity (leads and contacts by default), one transaction per entity."""
    unknown = [e for e in entities if e not in PEOPLE]
    if unknown:
        raise ValueError(f"cannot score {', '.join(unknown)}: expected {' or '.join(PEOPLE)}")
    return PeopleRun([score_leads(engine, options=options, entity=entity, as_of=as_of, progress=progress)
                      for entity in entities])


def model_columns(frame: pd.DataFrame) -> list[str]:
    """Feature columns a trained model uses: all but those with no information at all (empty or constant)."""
    return [c for c in frame.columns if frame[c].nunique(dropna=True) > 1]


def _labels(name: str) -> str:
    return rules.LABELS.get(name, name.removeprefix("custom__").replace("_", " "))


@dataclass(slots=True)
class Scored:
    score: np.ndarray
    probability: np.ndarray | None
    engagement: np.ndarray
    intent: np.ndarray
    fit: np.ndarray
    grade: np.ndarray
    reasons: list[str]
    contributions: list[str]
    version: str


def score_frame(conn: Connection, frame: pd.DataFrame, options: ScoringOptions) -> Scored:
    """Score a feature frame with the active model (rules when none is trained)."""
    by_rules = rules.score_rules(frame, options.weights)
    active = registry.active_model(conn, "lead")
    probability = None
    if active is not None and isinstance(active[1], trained.TrainedModel):
        record, fitted = active
        probability, contributions = fitted.predict_explained(frame)
        score = np.round(probability * 100.0, 1)
        version = record.version
        # Shares in config: the thresholds fixed when the model was trained (grades keep their meaning between
        # scoring runs); no shares: the configured thresholds.
        kept = record.params.get("grade_thresholds") if options.grade_shares is not None else None
        thresholds = kept or options.grades
    else:
        registry.ensure_rule_model(conn, kind="lead", version=rules.VERSION, features=list(rules.LABELS),
                                   params={"weights": vars_of(options.weights)})
        score = np.round(by_rules.score, 1)
        contributions = by_rules.contributions
        version = rules.VERSION
        thresholds = options.grades
    texts, payloads = top_reasons(contributions, trained.reason_labels(active[1] if active else None,
                                                                       contributions.columns, _labels),
                                  options.top_reasons, quiet="typical" if probability is not None else "no signals")
    return Scored(score, probability, by_rules.engagement, by_rules.intent, by_rules.fit,
                  grade(score, thresholds, options.lowest_grade), texts, payloads, version)


def vars_of(weights: rules.Weights) -> dict[str, float]:
    return {"engagement": weights.engagement, "intent": weights.intent, "fit": weights.fit}


def score_leads(engine: Engine, *, options: ScoringOptions, entity: str = "lead", as_of: datetime | None = None,
                ids: Sequence[str] | None = None, progress: Progress | None = None) -> ScoreRun:
    """Score every live lead (or contact) — or just ``ids`` — and upsert the scores in one transaction."""
    as_of = as_of or utc_now()
    seconds: dict[str, float] = {}
    say = progress or (lambda _msg: None)
    with engine.begin() as conn:
        started = time.perf_counter()
        say("reading features")
        frame = lead_features(conn, entity=entity, as_of=as_of, spec=options.spec, ids=ids)
        seconds["features"] = time.perf_counter() - started
        say(f"scoring {len(frame):,} records")
        mark = time.perf_counter()
        result = score_frame(conn, frame, options)
        seconds["score"] = time.perf_counter() - mark
        say("storing scores")
        mark = time.perf_counter()
        scored_at, valid_until = db_time(conn, as_of), db_time(conn, as_of + timedelta(hours=options.validity_hours))
        probability = result.probability if result.probability is not None else [None] * len(frame)
        rows = zip([entity] * len(frame), frame.index.tolist(), result.score.tolist(), result.grade.tolist(),
                   np.round(result.engagement, 1).tolist(), np.round(result.intent, 1).tolist(),
                   np.round(result.fit, 1).tolist(), list(probability), result.reasons, result.contributions,
                   [result.version] * len(frame), [scored_at] * len(frame), [valid_until] * len(frame),
                   strict=True)
        count = save_lead_scores(conn, rows)
        seconds["store"] = time.perf_counter() - mark
    grades: dict[str, int] = {}
    if len(frame):
        values, counts = np.unique(result.grade.astype(str), return_counts=True)
        grades = dict(zip(map(str, values), map(int, counts), strict=True))
    return ScoreRun(entity, count, result.version, grades, {k: round(v, 3) for k, v in seconds.items()})


ENTRY_TIME_RHO = 0.98  # a feature ranked this closely with record age measures when the record entered, nothing else


class TrainingSet(NamedTuple):
    """Leads whose outcome is known with their features, in id order (the same rows give the same model whatever
    order the store returns them in); their outcomes; how many unconverted leads were left out as still open; and
    when the leads trained on were created (first, last; None where no lead has a date)."""

    frame: pd.DataFrame
    y: np.ndarray
    still_open: int
    created: tuple[datetime | None, datetime | None]


def training_set(conn: Connection, *, as_of: datetime, spec: FeatureSpec,
                 labels: LabelRule | None = None) -> TrainingSet:
    """See TrainingSet; ``labels``: which unconverted leads are negatives (scoring.labels)."""
    rule = labels or LabelRule()
    frame = lead_features(conn, entity="lead", as_of=as_of, spec=spec)
    t = lead.c
    known = pd.DataFrame(conn.execute(select(t.id, t.converted, t.status, t.created_at)
                                      .where(t.deleted_at.is_(None), t.converted.is_not(None))).all(),
                         columns=["id", "converted", "status", "created_at"]).set_index("id")
    converted = known["converted"].astype(bool)
    closed = known["status"].fillna("").astype(str).str.strip().str.casefold().isin(
        {s.casefold() for s in rule.not_converted_statuses})
    created = pd.to_datetime(known["created_at"], utc=True)
    old = (created <= pd.Timestamp(as_of) - pd.Timedelta(days=rule.after_days) if rule.after_days is not None
           else pd.Series(False, index=known.index))
    over = converted | closed | old
    ids = known.index[over].intersection(frame.index).sort_values()
    dates = created.loc[ids].dropna()
    window = (dates.min().to_pydatetime(), dates.max().to_pydatetime()) if len(dates) else (None, None)
    return TrainingSet(frame.loc[ids], converted.loc[ids].astype(int).to_numpy(), int((~over).sum()), window)


def training_columns(frame: pd.DataFrame, exclude: Sequence[str], *, setting: str = "scoring.exclude_features",
                     entry_age: str | None = "age_days") -> tuple[list[str], dict[str, str]]:
    """The columns a model trains on, and the ones left out with why: excluded in config (``setting``), no
    information (empty or constant), or a proxy of ``entry_age``, the record's age in the store (entry time under
    another name, e.g. a sequential record number; None: no such check, as for a deal's age, which is its life)."""
    unknown = [name for name in exclude if name not in frame.columns]
    if unknown:
        raise ValueError(f"{setting}: {', '.join(map(repr, unknown))} is not a feature; the features "
                         f"are {', '.join(frame.columns)}")
    left_out = {name: f"excluded in config ({setting})" for name in exclude}
    informative = set(model_columns(frame))
    age = frame[entry_age] if entry_age in frame.columns else None
    for name in frame.columns:
        if name in left_out:
            continue
        if name not in informative:
            left_out[name] = "no information: empty or one value"
        elif (name != entry_age and age is not None and age.nunique() > 1
              and pd.api.types.is_numeric_dtype(frame[name])):
            rho = frame[name].corr(age, method="spearman", min_periods=30)
            if pd.notna(rho) and abs(rho) >= ENTRY_TIME_RHO:
                left_out[name] = (f"tracks record age (rank correlation {rho:+.2f}): it measures when the record "
                                  "entered the store")
    return [c for c in frame.columns if c not in left_out], left_out


def train_lead_model(engine: Engine, *, options: ScoringOptions, as_of: datetime | None = None,
                     algorithm: str = "auto", folds: int = 5, progress: Progress | None = None) -> dict[str, Any]:
    """Cross-validate, fit on every labelled lead, store the version with its features, window and metrics; it
    becomes the active model only when model_guard finds nothing wrong with it (``activated``, ``rejected``)."""
    as_of = as_of or utc_now()
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    say("reading the labelled leads and their features")
    with engine.connect() as conn:
        frame, y, still_open, window = training_set(conn, as_of=as_of, spec=options.spec, labels=options.labels)
        active = registry.active_model(conn, "lead")
    positives, negatives = int(y.sum()), int(len(y) - y.sum())
    if min(positives, negatives) < options.min_conversions:
        raise NotEnoughLabels(f"{positives} converted and {negatives} not-converted leads are labelled ({still_open} "
                              f"unconverted leads are still open: see scoring.labels); training needs "
                              f"{options.min_conversions} of each (scoring.min_conversions): the rule model stays")
    columns, left_out = training_columns(frame, options.exclude_features)
    say(f"cross-validating on {len(y):,} leads ({folds} folds, {len(columns)} features)")
    metrics = trained.cross_validate(frame[columns], y, folds=folds, algorithm=algorithm, progress=say)
    out_of_fold = metrics.pop("out_of_fold")
    fitted = trained.fit(frame[columns], y, algorithm=metrics["chosen"], progress=say)
    metrics["seconds"] = round(time.perf_counter() - started, 1)
    previous = active[0] if active is not None and isinstance(active[1], trained.TrainedModel) else None
    problems = activation_problems(metrics, previous.metrics if previous else None,
                                   previous.version if previous else None)
    thresholds = (thresholds_from_shares(np.round(out_of_fold * 100.0, 1), options.grade_shares)
                  if options.grade_shares else None)
    version = registry.new_version("lead", fitted.algorithm)
    with engine.begin() as conn:
        registry.save_model(conn, version=version, kind="lead", algorithm=fitted.algorithm, features=columns,
                            metrics=metrics, artifact=fitted, training_from=window[0], training_to=window[1],
                            n_train=len(y), activate=not problems, rejected=problems,
                            params={"calibration": "sigmoid", "explained": fitted.explained,
                                    "explained_groups": dict(fitted.explained_groups), "left_out": left_out,
                                    "still_open": still_open, "grade_thresholds": thresholds,
                                    "grade_shares": options.grade_shares})
    return {"version": version, "algorithm": fitted.algorithm, "features": columns, "left_out": left_out,
            "metrics": metrics, "n_train": len(y), "still_open": still_open, "activated": not problems,
            "rejected": problems, "grade_thresholds": thresholds,
            "active_version": version if not problems else (previous.version if previous else None)}
