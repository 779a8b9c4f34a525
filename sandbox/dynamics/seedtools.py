"""Small deterministic helpers the seed generator shares: timestamps with realistic ties, dirt, phone formatting."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sandbox.common.people import SPAN_DAYS
from sandbox.dynamics.records import default_status
from sandbox.dynamics.schema import Table, type_column
from sandbox.dynamics.store import Ref

ORG_DOMAIN = "crmhubdemo.onmicrosoft.com"
IMPORT_RUN_DAYS = (14, 120, 240, 365, 500, 640, 800)  # days into the span of the nightly data-migration runs


@dataclass(frozen=True, slots=True)
class SeedSpan:
    """The seconds seeded timestamps lie in: every one before ``end`` (the population's end: the sandbox clock's
    day, or the pinned ``data_end``), so the org has a past up to today and no future."""

    end: int
    # nightly data-migration runs: each stamps thousands of rows with one identical modifiedon second
    import_runs: tuple[int, ...]

    @classmethod
    def ending(cls, end: datetime) -> SeedSpan:
        epoch = end - timedelta(days=SPAN_DAYS)
        return cls(int(end.timestamp()),
                   tuple(int((epoch + timedelta(days=d, hours=2)).timestamp()) for d in IMPORT_RUN_DAYS))

    def clamp(self, seconds: float) -> int:
        return int(min(seconds, self.end - 1))

    def modified_after(self, created: int, rnd: random.Random) -> int:
        """A last-modified second: often an import run's, often the creation second, sometimes a whole minute."""
        roll = rnd.random()
        if roll < 0.3:
            runs = [t for t in self.import_runs if t >= created]
            if runs:
                return rnd.choice(runs)
        if roll < 0.5:
            return created
        moment = self.clamp(created + (self.end - created) * rnd.random() ** 2)
        if rnd.random() < 0.3:
            moment = max(created, moment - moment % 60)
        return moment


def vary_email(email: str, rnd: random.Random) -> str:
    """The address as people typed it: mostly clean, sometimes cased or padded, about 1% malformed."""
    roll = rnd.random()
    if roll < 0.01:
        local, _, domain = email.partition("@")
        return rnd.choice((f"{local} at {domain}", f"{local}@@{domain}", f"{local}@{domain.replace('.', '')}",
                           f"{local}@{domain}."))
    if roll < 0.04:
        return email.upper() if rnd.random() < 0.3 else email[:1].upper() + email[1:]
    if roll < 0.06:
        return f" {email} " if rnd.random() < 0.5 else f"{email} "
    return email


def phone(raw: str) -> str:
    """Dataverse keeps phones as typed; sales reps here type ``+44 20-7946-0958``."""
    prefix, *rest = raw.split(" ")
    return f"{prefix} {'-'.join(rest)}"


def row_for(table: Table, values: dict[str, Any]) -> list[Any]:
    """A storage row from column values; lookups are given as ``Ref``; state and status get their defaults."""
    row = table.new_row()
    col = table.col
    for name, value in values.items():
        if isinstance(value, Ref):
            row[col[name]] = value.id
            row[col[type_column(name)]] = value.logical
        else:
            row[col[name]] = value
    if table.is_activity:
        row[col["activitytypecode"]] = table.logical
    if "statecode" in col:
        if row[col["statecode"]] is None:
            row[col["statecode"]] = 0
        if row[col["statuscode"]] is None:
            row[col["statuscode"]] = default_status(table, row[col["statecode"]])
    table.calculate(row)
    return row


def stamps(created: int, modified: int, owner: str, creator: str | None = None) -> dict[str, Any]:
    return {
        "createdon": created, "modifiedon": modified, "ownerid": Ref("systemuser", owner),
        "createdby": Ref("systemuser", creator or owner), "modifiedby": Ref("systemuser", owner),
    }
