"""Land the public datasets in a canonical store through crmhub's mapping (``*.yaml`` here + ``map_records``).

The CSVs are read at run time from ``../shared/datasets`` (or ``$CRMHUB_DATASETS``), never copied into the repo.
Their quirks are pandas options, not hand parsing: the trailing comma of X Education (an unnamed last column is
dropped), "Select" meaning missing, CRLF, DD-MM-YYYY dates (parsed with their format, then given to the mapping as
ISO-8601 UTC). Data preparation that a CRM would have done itself (an MQL's "converted" flag from the closed-deals
table) happens in pandas before the mapping; Maven's (list prices, creation dates, stage history, regional offices)
is in maven.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd
import yaml
from sqlalchemy import Engine

import store
from analytics.timeutil import utc_now
from mapping.apply import map_records
from mapping.model import TABLE_OF
from mapping.spec import ObjectMapping, parse_object, resolve

REPO_ROOT = Path(__file__).resolve().parents[2]


class DatasetMissing(FileNotFoundError):
    """The shared datasets folder (or one file of it) is absent: benchmarks skip with this message."""


def datasets_dir(configured: Path | None) -> Path:
    """``configured`` (``Settings.datasets``: ``CRMHUB_DATASETS``, passed by the caller), else the shared folder."""
    return configured or REPO_ROOT.parent / "shared" / "datasets"


def require(root: Path, *parts: str) -> Path:
    path = root.joinpath(*parts)
    if not path.exists():
        raise DatasetMissing(f"{path} is absent (set CRMHUB_DATASETS to the datasets folder)")
    return path


def spec(name: str) -> dict[str, ObjectMapping]:
    """A dataset's mapping: the same YAML shape as mapping/specs, with optional admin-style ``overrides``."""
    raw = yaml.safe_load(resources.files("analytics.datasets").joinpath(f"{name}.yaml").read_text()) or {}
    objects = {obj: parse_object(obj, body, where=f"analytics/datasets/{name}.yaml:objects.{obj}")
               for obj, body in (raw.get("objects") or {}).items()}
    overrides: Mapping[str, Any] = raw.get("overrides") or {}
    return resolve(name, objects, overrides, connection=name, shipped=objects)


def read_csv(path: Path, **options: Any) -> pd.DataFrame:
    """Every column as text (the mapping types them); blanks and "Select" are missing; unnamed columns dropped."""
    frame: pd.DataFrame = pd.read_csv(path, dtype=str, keep_default_na=True, na_values=["Select"],
                                      usecols=lambda c: not str(c).startswith("Unnamed"), **options)
    return frame


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    clean = frame.astype(object).where(frame.notna(), None)
    # pandas-stubs types record keys as Hashable; a CSV's columns are str.
    return cast(list[dict[str, Any]], clean.to_dict("records"))


def land(engine: Engine, om: ObjectMapping, frame: pd.DataFrame, *, connection: str, primary_key: str) -> int:
    """Map the rows and upsert them into the entity's table; a record the mapping rejects is an error here."""
    result = map_records(om, _records(frame), connection=connection, primary_key=primary_key)
    if result.rejects:
        first = result.rejects[0]
        raise ValueError(f"{connection}/{om.object}: {len(result.rejects)} records rejected by the mapping, e.g. "
                         f"{first.source_id}: {first.reasons[0]['message']}")
    synced = utc_now()
    rows = [{**row, "synced_at": synced} for row in result.rows]
    with engine.begin() as conn:
        store.upsert(conn, store.canonical_tables[TABLE_OF[om.entity]], rows, key=["id"])
    return len(rows)


def iso_utc(values: pd.Series, fmt: str) -> pd.Series:
    parsed = pd.to_datetime(values, format=fmt, errors="coerce")
    return parsed.dt.strftime("%Y-%m-%dT%H:%M:%S+00:00").where(parsed.notna(), None)


def load_x_education(engine: Engine, root: Path, *, imported_at: datetime | None = None,
                     order: str = "file") -> dict[str, int]:
    """The case study's leads. Every outcome in it is final (sales recorded each one), which a CRM says with the
    lead's status: Closed - Converted or Closed - Not Converted. ``imported_at``: stamp ``created_at`` as a CRM does
    for leads imported one a second in Lead Number order (creation order) from then, as when the set is put into
    a sandbox; None leaves it empty (the CSV has no date). ``order``: the order the rows are landed in: ``file``,
    ``chronological`` (Lead Number) or ``shuffled`` (seed 0)."""
    frame = read_csv(require(root, "x_education", "Leads.csv"))
    frame["Lead Status"] = np.where(frame["Converted"] == "1", "Closed - Converted", "Closed - Not Converted")
    number = pd.to_numeric(frame["Lead Number"])
    frame["Created"] = None
    if imported_at is not None:
        seconds = pd.to_timedelta(number.rank(method="first").to_numpy() - 1, unit="s")
        frame["Created"] = (pd.Timestamp(imported_at) + seconds).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    if order == "chronological":
        frame = frame.iloc[np.argsort(number.to_numpy(), kind="stable")]
    elif order == "shuffled":
        frame = frame.iloc[np.random.default_rng(0).permutation(len(frame))]
    elif order != "file":
        raise ValueError(f"order must be file, chronological or shuffled, not {order!r}")
    return {"leads": land(engine, spec("x_education")["leads"], frame, connection="x_education",
                          primary_key="Prospect ID")}


def load_olist(engine: Engine, root: Path) -> dict[str, int]:
    folder = "olist_marketing_funnel"
    mqls = read_csv(require(root, folder, "olist_marketing_qualified_leads_dataset.csv"))
    deals = read_csv(require(root, folder, "olist_closed_deals_dataset.csv"))
    mqls["first_contact_date"] = iso_utc(mqls["first_contact_date"], "%d-%m-%Y")
    mqls["converted"] = np.where(mqls["mql_id"].isin(deals["mql_id"]), "true", "false")
    return {"leads": land(engine, spec("olist")["mqls"], mqls, connection="olist", primary_key="mql_id")}
