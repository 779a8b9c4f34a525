"""Dataverse wire values: rows with OData annotations flattened to plain fields, instants, literals, keys.

A mapping names what it reads with plain strings, so derived names stand for annotations:
``statuscode@label`` is the choice's label (the ``FormattedValue`` annotation) and ``_customerid_value@account`` is
the lookup's id when it points at an account (``lookuplogicalname``), None otherwise — how a polymorphic lookup
(customer, regarding, owner) becomes one canonical reference per target table. A third is no annotation:
``_transactioncurrencyid_value@isocurrencycode`` is the ISO code of the record's currency, which the reader looks up
in ``transactioncurrencies`` (a handful of rows, read once per read; ``$expand`` cannot serve it, since change
tracking refuses ``$expand``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from connectors.base import Record
from connectors.dynamics.objects import FORMATTED, LABEL_SUFFIX, LOOKUP_TARGET
from connectors.instants import parse_instant as parse_instant  # re-exported: the connector's own name

ISO_SUFFIX = "@isocurrencycode"  # a currency lookup's ISO code (see the module's docstring)
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
ETAG = "@odata.etag"


@dataclass(frozen=True, slots=True)
class Wanted:
    """What a read selects: the columns for ``$select`` and the derived names to fill from annotations."""

    select: tuple[str, ...]
    labels: tuple[str, ...]  # columns whose label is wanted
    targets: tuple[tuple[str, str], ...]  # (lookup property, target table)
    currencies: tuple[str, ...] = ()  # currency lookups whose ISO code is wanted
    iso_codes: Mapping[str, str] = field(default_factory=dict)  # transactioncurrencyid (lower case) -> ISO code

    @classmethod
    def of(cls, fields: Iterable[str], *, always: Iterable[str]) -> Wanted:
        select, labels, targets, currencies = set(always), set(), set(), set()
        for name in fields:
            if name == ETAG:  # every row carries it
                continue
            base, _, suffix = name.partition("@")
            if name.endswith(LABEL_SUFFIX):
                labels.add(base)
            elif name.endswith(ISO_SUFFIX):
                currencies.add(base)
            elif suffix:
                targets.add((base, suffix))
            select.add(base)
        return cls(tuple(sorted(select)), tuple(sorted(labels)), tuple(sorted(targets)), tuple(sorted(currencies)))


def flatten(row: Mapping[str, Any], wanted: Wanted) -> Record:
    """One Web API row -> a flat record of plain columns, the etag, and the derived names the mapping asked for."""
    record: Record = {k: v for k, v in row.items() if "@" not in k}
    record[ETAG] = row.get(ETAG)
    for column in wanted.labels:
        record[column + LABEL_SUFFIX] = row.get(f"{column}@{FORMATTED}")
    for prop, target in wanted.targets:
        hit = row.get(f"{prop}@{LOOKUP_TARGET}") == target
        record[f"{prop}@{target}"] = row.get(prop) if hit else None
    for prop in wanted.currencies:
        currency = row.get(prop)
        record[prop + ISO_SUFFIX] = wanted.iso_codes.get(str(currency).lower()) if currency else None
    return record



def instant_literal(value: datetime) -> str:
    """A DateTimeOffset literal for ``$filter``: Dataverse stores whole seconds, so seconds are exact."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def string_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def record_segment(source_id: str) -> str:
    """``(<guid>)``, or an alternate key ``(accountnumber='A-1')`` / ``(k1='a',k2='b')`` given as ``name=value``."""
    if GUID.match(source_id):
        return f"({source_id.lower()})"
    pairs = [part.partition("=") for part in source_id.split(",")]
    if not all(sep and name.strip() for name, sep, _ in pairs):
        raise ValueError(f"record id {source_id!r} is neither a GUID nor an alternate key name=value")
    body = ",".join(f"{name.strip()}={_key_value(value.strip())}" for name, _, value in pairs)
    return "(" + quote(body, safe="=,'()") + ")"


def _key_value(value: str) -> str:
    """Alternate keys of CRM tables are text columns: quote the value (one already in quotes is kept as given)."""
    if value.startswith("'") and value.endswith("'") and len(value) >= 2:
        return value
    return string_literal(value)
