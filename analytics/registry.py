"""Models versioned in the store: kind, algorithm, features, training window, metrics, and the fitted artifact."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import joblib
from sqlalchemy import Connection, RowMapping, select, update

from analytics.timeutil import utc_now
from store.tables import score_model

_LOADED: dict[str, Any] = {}  # version -> its loaded artifact (the active one only)


@dataclass(frozen=True, slots=True)
class ModelRecord:
    version: str
    kind: str
    algorithm: str
    status: str
    features: list[str]
    training_from: datetime | None
    training_to: datetime | None
    n_train: int
    metrics: dict[str, Any]
    created_at: datetime
    params: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"version": self.version, "kind": self.kind, "algorithm": self.algorithm, "status": self.status,
                "features": self.features, "training_from": self.training_from, "training_to": self.training_to,
                "n_train": self.n_train, "metrics": self.metrics, "created_at": self.created_at,
                "rejected": list(self.params.get("rejected", []))}


def new_version(kind: str, algorithm: str, when: datetime | None = None) -> str:
    return f"{kind}-{algorithm}-{(when or utc_now()).strftime('%Y%m%dT%H%M%S%f')}"


def save_model(conn: Connection, *, version: str, kind: str, algorithm: str, features: Sequence[str],
               metrics: Mapping[str, Any], artifact: Any | None = None, training_from: datetime | None = None,
               training_to: datetime | None = None, n_train: int = 0, params: Mapping[str, Any] | None = None,
               activate: bool = True, rejected: Sequence[str] = ()) -> None:
    """Store a model version; activating it retires the kind's previous active version (kept for the audit). A
    version with ``rejected`` reasons (analytics.model_guard) is stored as ``rejected`` and never activated."""
    if rejected:
        activate = False
    blob = None
    if artifact is not None:
        buffer = io.BytesIO()
        joblib.dump(artifact, buffer, compress=3)
        blob = buffer.getvalue()
    if activate:
        conn.execute(update(score_model).where(score_model.c.kind == kind, score_model.c.status == "active")
                     .values(status="retired"))
    conn.execute(score_model.insert().values(
        version=version, kind=kind, algorithm=algorithm,
        status="active" if activate else "rejected" if rejected else "retired",
        features=list(features), training_from=training_from, training_to=training_to, n_train=n_train,
        metrics=dict(metrics), params={**dict(params or {}), **({"rejected": list(rejected)} if rejected else {})},
        artifact=blob, created_at=utc_now()))


def ensure_rule_model(conn: Connection, *, kind: str, version: str, features: Sequence[str],
                      params: Mapping[str, Any]) -> None:
    """Register a documented rule model once, inactive unless nothing else is, so its scores name a real version."""
    exists = conn.execute(select(score_model.c.version).where(score_model.c.version == version)).first()
    if exists is None:
        conn.execute(score_model.insert().values(
            version=version, kind=kind, algorithm="rules", status="retired", features=list(features),
            n_train=0, metrics={}, params=dict(params), artifact=None, created_at=utc_now()))


def active_model(conn: Connection, kind: str) -> tuple[ModelRecord, Any] | None:
    """The active version of a kind with its loaded artifact, or None."""
    columns = [c for c in score_model.c if c.name != "artifact"]
    row = conn.execute(select(*columns).where(score_model.c.kind == kind, score_model.c.status == "active")
                       .order_by(score_model.c.created_at.desc()).limit(1)).mappings().first()
    if row is None:
        return None
    version = row["version"]
    if version not in _LOADED:
        # A version never changes once stored, so its unpickled model is kept: scoring one lead must not
        # deserialise a forest each time.
        blob = conn.execute(select(score_model.c.artifact).where(score_model.c.version == version)).scalar()
        _LOADED.clear()
        _LOADED[version] = joblib.load(io.BytesIO(blob)) if blob is not None else None
    return _record(row), _LOADED[version]


def list_models(conn: Connection, kind: str | None = None) -> list[ModelRecord]:
    stmt = select(score_model).order_by(score_model.c.created_at.desc())
    if kind:
        stmt = stmt.where(score_model.c.kind == kind)
    return [_record(r) for r in conn.execute(stmt).mappings()]


def update_metrics(conn: Connection, version: str, extra: Mapping[str, Any]) -> None:
    current = conn.execute(select(score_model.c.metrics).where(score_model.c.version == version)).scalar_one()
    conn.execute(update(score_model).where(score_model.c.version == version)
                 .values(metrics={**(current or {}), **extra}))


def _record(row: RowMapping) -> ModelRecord:
    return ModelRecord(row["version"], row["kind"], row["algorithm"], row["status"], list(row["features"] or []),
                       row["training_from"], row["training_to"], int(row["n_train"] or 0), dict(row["metrics"] or {}),
                       row["created_at"], dict(row["params"] or {}))
