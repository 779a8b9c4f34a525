"""Processing an ingest job's CSV: the header resolved against the object, then each row saved on its own.

Empty cells leave a field unchanged and ``#N/A`` sets it null; a column ``Account.External_Id__c`` sets
AccountId from the Account with that external id. A header Salesforce cannot map fails the whole job.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from sandbox.salesforce.bulk_jobs import Job
from sandbox.salesforce.coerce import UNCHANGED, CoercionError, RecordError, coerce
from sandbox.salesforce.fields import FieldDef, ObjectDef
from sandbox.salesforce.org import Org
from sandbox.salesforce.render import DELIMITERS
from sandbox.salesforce.writes import Prepared

CHUNK = 10_000  # rows saved per processing step


class JobFailure(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    field: FieldDef  # the field written (for a relationship column, the reference field)
    lookup: tuple[ObjectDef, FieldDef] | None = None  # parent object and its external id field


def parse_upload(text: str, delimiter: str) -> tuple[list[str], list[list[str]]]:
    reader = csv.reader(io.StringIO(text), delimiter=DELIMITERS[delimiter])
    rows = [row for row in reader if row]
    if not rows:
        raise JobFailure("InvalidBatch : Field name not found : no header")
    return rows[0], rows[1:]


def resolve_header(org: Org, obj: ObjectDef, header: list[str]) -> list[Column]:
    columns = []
    for name in header:
        rel, _, ext_name = name.partition(".")
        if ext_name:
            ref = obj.by_relationship.get(rel.lower())
            parent = org.catalog.get(ref.reference_to[0]) if ref is not None and not ref.polymorphic else None
            ext = parent.field(ext_name) if parent is not None else None
            if ref is None or parent is None or ext is None or not (ext.external_id or ext.name == "Id"):
                raise JobFailure(f"InvalidBatch : Field name not found : {name}")
            columns.append(Column(name, ref, (parent, ext)))
            continue
        f = obj.field(name)
        if f is None:
            raise JobFailure(f"InvalidBatch : Field name not found : {name}")
        columns.append(Column(name, f))
    return columns


def _row_values(org: Org, columns: list[Column], raw: list[str]) -> dict[FieldDef, Any] | RecordError:
    values: dict[FieldDef, Any] = {}
    for i, col in enumerate(columns):
        cell = raw[i] if i < len(raw) else ""
        if col.lookup is not None:
            if cell == "":
                continue
            parent, ext = col.lookup
            found = org.writer.find_by(parent.name, ext, cell)
            if len(found) != 1:
                return RecordError("INVALID_FIELD", f"Foreign key external ID: {cell} not found for field "
                                   f"{ext.name} in entity {parent.name}", [])
            values[col.field] = found[0]
            continue
        try:
            values[col.field] = coerce(col.field, cell, from_csv=True)
        except CoercionError:
            return RecordError("INVALID_FIELD", f"Failed to deserialize field at col {i + 1}. Due to, '{cell}' is "
                               f"not a valid value for the type {col.field.soap_type}", [col.field.name])
    return values


def process_ingest(org: Org, job: Job) -> bool:
    """One step: the first parses and checks the upload; each saves up to CHUNK rows. True when done."""
    obj = org.catalog.get(job.object)
    assert obj is not None
    if job.columns is None and not _start(org, job, obj):
        return True
    chunk, job.todo = job.todo[:CHUNK], job.todo[CHUNK:]
    for raw in chunk:
        rid, outcome = _save(org, job, obj, job.columns, raw)
        job.processed += 1
        if isinstance(outcome, RecordError):
            job.failed += 1
            job.failures.append([rid or "", outcome.bulk(), *raw])
        else:
            job.successful.append([rid or "", "true" if outcome else "false", *raw])
    return not job.todo


def _start(org: Org, job: Job, obj: ObjectDef) -> bool:
    header: list[str] = []
    rows: list[list[str]] = []
    try:
        header, rows = parse_upload(job.upload or "", job.delimiter)
        columns = resolve_header(org, obj, header)
        names = [c.field.name for c in columns]
        if job.operation in ("update", "delete", "hardDelete") and "Id" not in names:
            raise JobFailure("InvalidBatch : Field name not found : Id")
        if job.operation in ("delete", "hardDelete") and names != ["Id"]:
            raise JobFailure("InvalidBatch : The 'delete' batch must contain only the 'Id' field")
        if job.operation == "upsert" and job.external_id_field not in names:
            raise JobFailure(f"InvalidBatch : Field name not found : {job.external_id_field}")
    except JobFailure as exc:
        job.state, job.error_message = "Failed", str(exc)
        job.header, job.unprocessed = header, rows  # a job that failed as a whole processed none of its rows
        return False
    job.header, job.columns, job.todo = header, columns, rows
    return True


def _save(org: Org, job: Job, obj: ObjectDef, columns: list[Column],
          raw: list[str]) -> tuple[str | None, RecordError | bool]:
    """Save one row; the outcome is an error or whether a record was created."""
    values = _row_values(org, columns, raw)
    id_field = obj.by_lower["id"]
    given_id = values.get(id_field) if isinstance(values, dict) else None
    given_id = given_id if isinstance(given_id, str) else None
    if isinstance(values, RecordError):
        return given_id, values
    actor = job.created_by
    if job.operation in ("delete", "hardDelete"):
        found = org.writer.existing(obj, given_id or "")
        if isinstance(found, RecordError):
            return given_id, found
        rid = found[org.store.tables[obj.name].ix_id]
        org.store.delete(obj.name, [rid], mode="soft" if job.operation == "delete" else "hard", actor=actor)
        return rid, False
    if job.operation == "insert":
        prepared = org.writer.prepare_create(obj, values, actor=actor)
    elif job.operation == "update":
        changes = {f: v for f, v in values.items() if f is not id_field}
        prepared = org.writer.prepare_update(obj, given_id or "", changes,
                                             actor=actor)
    else:
        ext = obj.field(job.external_id_field or "Id")
        assert ext is not None
        ext_value = values.get(ext)
        key = "" if ext_value is None or ext_value is UNCHANGED else str(ext_value)
        if not key and ext.name != "Id":
            return given_id, RecordError("MISSING_ARGUMENT", f"{ext.name} not specified", [])
        prepared = org.writer.prepare_upsert(obj, ext, key, values, actor=actor)
    if isinstance(prepared, list):
        return given_id, prepared[0]
    assert isinstance(prepared, Prepared)
    org.writer.apply([prepared], by_api=True)
    return prepared.id, prepared.created
