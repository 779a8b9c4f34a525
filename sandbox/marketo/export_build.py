"""Write a bulk export file: CSV, TSV or SSV (semicolons), empty values as the literal ``null``, as Marketo does.

Building happens in two steps: ``plan`` picks the records when the job starts processing (on the event loop,
cheap), and the returned ``write`` renders them (off the loop, in the export worker thread), so a million-row
activity export never stalls other API calls.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable

import numpy as np

from sandbox.marketo.activity_ids import IdShape
from sandbox.marketo.activity_log import ActivityLog
from sandbox.marketo.activity_model import Activity
from sandbox.marketo.bulk import ExportJob
from sandbox.marketo.co_data import CustomObjects
from sandbox.marketo.co_records import render_value
from sandbox.marketo.fields import BY_NAME, INDEX, render_csv
from sandbox.marketo.store import LeadStore

DELIMITERS = {"CSV": ",", "TSV": "\t", "SSV": ";"}
Writer = Callable[[], tuple[bytes, int]]


def _write(fmt: str, header: list[str], rows: Iterable[list[str]]) -> tuple[bytes, int]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITERS[fmt], lineterminator="\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return buffer.getvalue().encode("utf-8"), count


def make_planner(*, store: LeadStore, log: ActivityLog, customs: CustomObjects, horizon: Callable[[], int],
                 shape: Callable[[], IdShape]) -> Callable[[ExportJob], Writer]:
    def plan(job: ExportJob) -> Writer:
        spec = job.spec
        if job.kind == "leads":
            rows = _lead_rows(store, spec)
        elif job.kind == "activities":
            rows = _activity_rows(log, spec, horizon(), shape())
        else:
            rows = _custom_rows(customs, spec)
        return lambda: _write(job.format, spec["headers"], rows)

    return plan


def _lead_rows(store: LeadStore, spec: dict) -> Iterable[list[str]]:
    name, start, end = spec["filter"]
    order = store.by_created if name == "createdAt" else store.by_modified
    ids = sorted(store.ids_between(order, start, end))  # taken now: the set as the job begins processing
    fields = [BY_NAME[f] for f in spec["fields"]]
    positions = [INDEX[f.name] for f in fields]

    def rows() -> Iterable[list[str]]:
        for lead_id in ids:
            lead = store.get(lead_id)
            if lead is not None:
                yield [render_csv(f, lead.values[i]) for f, i in zip(fields, positions, strict=True)]

    return rows()


def _custom_rows(customs: CustomObjects, spec: dict) -> Iterable[list[str]]:
    _, version, records = customs.of(spec["api_name"])
    start, end = spec["filter"]
    picked = [(r, [r.get(version, name) for name in spec["fields"]]) for r in records.updated_between(start, end)]
    fields = [version.field(name) for name in spec["fields"]]

    def rows() -> Iterable[list[str]]:
        for _, values in picked:  # values taken when the job began processing, rendered off the loop
            yield [render_value(f, v, csv=True) if f is not None else "null" for f, v in zip(fields, values,
                                                                                            strict=True)]

    return rows()


def _activity_rows(log: ActivityLog, spec: dict, horizon: int, shape: IdShape) -> Iterable[list[str]]:
    pav_ids: set[int] | None = spec.get("pav_ids")
    pav_values: set[str] | None = spec.get("pav_values")
    seeded, logged = log.snapshot(spec["start"], spec["end"], horizon=horizon, types=spec.get("types"))
    columns = tuple(spec["fields"])

    def accept(act: Activity) -> bool:
        if pav_ids is not None and act.primary_id not in pav_ids:
            return False
        return pav_values is None or act.primary_value in pav_values

    def rows() -> Iterable[list[str]]:
        for act in _chain(log, seeded, logged):
            if accept(act):
                yield act.export_row(columns, shape)

    return rows()


def _chain(log: ActivityLog, seeded: np.ndarray, logged: list[Activity]) -> Iterable[Activity]:
    yield from log.decode_rows(seeded)
    yield from logged
