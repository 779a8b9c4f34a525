"""Lead/contact features from the canonical store, set-based: one aggregate query over activities, one over records.

Per record: fit (title seniority, company size, industry, country, city, source), engagement (email opens and clicks,
web visits, time on site, form fills over 7/30/90 days, plus CRM roll-ups kept in ``custom``), intent
(pricing-page visits via ``activity.url``, demo requests via form fills), recency and frequency, and the
admin-listed custom fields. Only activities that happened before ``as_of`` count, so a training window never sees
the future.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, and_, case, false, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from analytics.timeutil import days_before
from store.tables import account, activity, contact, lead

WINDOWS = (7, 30, 90)
ENGAGEMENT_TYPES = ("email_open", "email_click", "web_visit", "form_fill")
# Roll-ups a CRM keeps on the record itself (HubSpot hs_analytics_num_visits, X Education's TotalVisits…); an
# admin maps them to these custom keys and they count as engagement where no activity-level history exists.
ROLLUP_KEYS = ("web_visits", "page_views_per_visit", "time_on_site_seconds")
FIT_CATEGORIES = ("seniority", "industry", "country", "city", "lead_source")

# Ordered most senior first: the first pattern that matches a title decides.
SENIORITY = (
    ("c_level", re.compile(r"\b(?:ceo|cfo|cto|coo|cmo|cio|chief|founder|owner|president|partner)\b", re.I)),
    ("vp", re.compile(r"\b(?:vp|vice president|svp|evp|head of)\b", re.I)),
    ("director", re.compile(r"\bdirector\b", re.I)),
    ("manager", re.compile(r"\b(?:manager|lead|principal)\b", re.I)),
)


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """What to extract: intent patterns and admin-listed custom fields come from the scoring config."""

    pricing_patterns: Sequence[str] = ("/pricing",)
    demo_patterns: Sequence[str] = ("demo",)
    custom_fields: Sequence[str] = field(default_factory=tuple)


def seniority_of(titles: pd.Series) -> pd.Series:
    """Title text → c_level / vp / director / manager / individual; missing stays missing.

    Titles repeat a lot, so each distinct title is classified once and the answer mapped back.
    """
    distinct = pd.Series(titles.dropna().astype(str).unique())
    levels = {}
    for title in distinct.tolist():
        level = "individual" if title.strip() else None
        for name, pattern in SENIORITY:
            if pattern.search(title):
                level = name
                break
        levels[title] = level
    return titles.map(lambda t: levels.get(str(t)) if t is not None and t == t else None).astype(object)


def _like_any(conn: Connection, column: Any, patterns: Sequence[str]) -> ColumnElement[bool]:
    """Case-insensitive "contains any": SQLite's LIKE already ignores ASCII case (lower() per row costs time)."""
    if not patterns:
        return and_(false())  # the element and_(False) builds, typed
    if conn.dialect.name == "sqlite":
        return or_(*(column.like(f"%{p}%") for p in patterns))
    return or_(*(column.ilike(f"%{p}%") for p in patterns))


def activity_aggregates(conn: Connection, *, entity: str, as_of: datetime, spec: FeatureSpec,
                        ids: Sequence[str] | None = None, index: pd.Index | None = None) -> pd.DataFrame:
    """One GROUP BY over the activities of leads (``lead_id``) or contacts (``contact_id``), indexed by record id
    (or aligned to ``index``: see ``_pivot``)."""
    a = activity.c
    key = a.lead_id if entity == "lead" else a.contact_id
    # One row per (record, activity type) with a few sums each, pivoted in pandas: SQLite evaluates a handful of
    # expressions per activity instead of twenty. Windows compare timestamps with bound cut-offs, not date maths.
    since = {days: as_of - timedelta(days=days) for days in WINDOWS}
    duration = func.coalesce(a.custom["duration_seconds"].as_float(), 0.0)
    pricing = _like_any(conn, a.url, spec.pricing_patterns)
    demo = or_(_like_any(conn, a.url, spec.demo_patterns), _like_any(conn, a.subject, spec.demo_patterns))
    intent_hit = case((a.type == "web_visit", case((pricing, 1), else_=0)),
                      (a.type == "form_fill", case((demo, 1), else_=0)), else_=0)
    cols: list[Any] = [key.label("id"), a.type.label("type")]
    for days in WINDOWS:
        cols.append(func.sum(case((a.occurred_at >= since[days], 1), else_=0)).label(f"n_{days}"))
    for days in WINDOWS:
        cols.append(func.sum(case((and_(a.type == "web_visit", a.occurred_at >= since[days]), duration), else_=0.0))
                    .label(f"time_{days}"))
    for days in (30, 90):
        cols.append(func.sum(case((a.occurred_at >= since[days], intent_hit), else_=0)).label(f"hit_{days}"))
    cols.append(days_before(conn.dialect.name, as_of, func.max(a.occurred_at)).label("quiet"))
    stmt = select(*cols).where(key.is_not(None), a.deleted_at.is_(None), a.occurred_at <= as_of).group_by(key, a.type)
    if ids is not None:
        stmt = stmt.where(key.in_(list(ids)))
    return _pivot(_frame(conn, stmt), index)


def _pivot(long: pd.DataFrame, index: pd.Index | None = None) -> pd.DataFrame:
    """(record, type) rows → one row per record with the feature columns ``lead_features`` documents.

    Plain numpy scatter by row position: each (record, type) pair occurs once, and pandas' unstack/reindex cost more
    than the query when one lead is scored. With ``index`` the rows are those records (no activity: zero counts, no
    recency) and activities of other records are dropped.
    """
    if index is None:
        codes, ids = pd.factorize(long["id"])
        index = pd.Index(ids, name="id")
    else:
        codes = index.get_indexer(pd.Index(long["id"]))  # what pandas makes of a Series target anyway
        long, codes = long[codes >= 0], codes[codes >= 0]
    n = len(index)
    kinds = long["type"].to_numpy(dtype=object)
    masks = {kind: kinds == kind for kind in ENGAGEMENT_TYPES}
    arrays = {c: long[c].to_numpy(dtype=float, na_value=0.0) for c in long.columns if c not in ("id", "type")}
    out: dict[str, np.ndarray] = {}

    def scatter(kind: str, column: str) -> np.ndarray:
        values = np.zeros(n)
        values[codes[masks[kind]]] = arrays[column][masks[kind]]
        return values

    for kind in ENGAGEMENT_TYPES:
        for days in WINDOWS:
            out[f"{kind}_{days}d"] = scatter(kind, f"n_{days}")
    for days in WINDOWS:
        out[f"time_on_site_{days}d"] = scatter("web_visit", f"time_{days}")
    for days in (30, 90):
        out[f"pricing_visits_{days}d"] = scatter("web_visit", f"hit_{days}")
    out["demo_requests_90d"] = scatter("form_fill", "hit_90")
    out["activities_90d"] = np.bincount(codes, weights=arrays["n_90"], minlength=n).astype(float)
    quiet = np.full(n, np.inf)
    np.fmin.at(quiet, codes, long["quiet"].to_numpy(dtype=float, na_value=np.nan))
    out["days_since_last_activity"] = np.where(np.isinf(quiet), np.nan, quiet)
    return pd.DataFrame(out, index=index)


def record_frame(conn: Connection, *, entity: str, as_of: datetime, spec: FeatureSpec,
                 ids: Sequence[str] | None = None) -> pd.DataFrame:
    """The records' own fields: fit attributes, roll-ups and admin-listed custom fields, indexed by record id."""
    dialect = conn.dialect.name
    wanted = tuple(dict.fromkeys((*ROLLUP_KEYS, *spec.custom_fields)))
    if entity == "lead":
        t = lead.c
        cols: list[Any] = [t.id, t.title, t.employees, t.industry, t.country, t.city, t.lead_source]
        stmt_from: Any = lead
        where = [t.deleted_at.is_(None)]
    else:
        t = contact.c
        cols = [t.id, t.title, account.c.employees, account.c.industry,
                func.coalesce(t.country, account.c.country).label("country"),
                func.coalesce(t.city, account.c.city).label("city"), t.lead_source]
        stmt_from = contact.outerjoin(account, account.c.id == t.account_id)
        where = [t.deleted_at.is_(None)]
    cols.append(days_before(dialect, as_of, t.created_at).label("age_days"))
    cols += [t.custom[k].as_string().label(f"custom__{k}") for k in wanted]
    stmt = select(*cols).select_from(stmt_from).where(*where)
    if ids is not None:
        stmt = stmt.where(t.id.in_(list(ids)))
    raw = _frame(conn, stmt)
    # Built as one dict of columns, then one frame: per-column inserts and pops cost more than the query for one lead.
    columns: dict[str, Any] = {c: raw[c] for c in ("employees", "industry", "country", "city", "lead_source",
                                                   "age_days")}
    columns.update({f"custom__{k}": _typed(raw[f"custom__{k}"]) for k in spec.custom_fields})
    columns["seniority"] = seniority_of(raw["title"])
    columns.update({k: pd.to_numeric(raw[f"custom__{k}"], errors="coerce") for k in ROLLUP_KEYS})
    frame = pd.DataFrame(columns)
    frame.index = pd.Index(raw["id"], name="id")
    return frame


def _frame(conn: Connection, stmt: Any) -> pd.DataFrame:
    """Rows straight from the DBAPI cursor: no column here needs SQLAlchemy's result processing (ages are computed in
    SQL), and building a frame from Row objects costs more than the query at a million rows."""
    result = conn.execute(stmt)
    columns = list(map(str, result.keys()))
    return pd.DataFrame.from_records(result.cursor.fetchall(), columns=columns)


def _typed(values: pd.Series) -> pd.Series:
    """A custom field is numeric when (nearly) every present value parses as a number, else categorical."""
    present = values.dropna()
    numbers = pd.to_numeric(present, errors="coerce")
    if len(present) and numbers.notna().mean() >= 0.95:
        return pd.to_numeric(values, errors="coerce").astype(float)
    return values.astype(object).where(values.notna(), None)


def lead_features(conn: Connection, *, entity: str = "lead", as_of: datetime, spec: FeatureSpec | None = None,
                  ids: Sequence[str] | None = None) -> pd.DataFrame:
    """Every feature of every live lead (or contact), one row each; records without activities get zeros."""
    if entity not in ("lead", "contact"):
        raise ValueError(f"lead features are for leads or contacts, not {entity!r}")
    spec = spec or FeatureSpec()
    records = record_frame(conn, entity=entity, as_of=as_of, spec=spec, ids=ids)
    acts = activity_aggregates(conn, entity=entity, as_of=as_of, spec=spec, ids=ids, index=records.index)
    return pd.concat([records, acts], axis=1)


def categorical_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
