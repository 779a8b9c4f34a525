"""The records identity resolution works on: live contacts and leads (people) or accounts, read from the store.

Each becomes a ``Rec`` with its canonical fields as stored plus the comparable forms (``normalize``) the rules
and the matcher read, computed once per record rather than once per comparison.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Connection, null, select

from identity import normalize
from store.tables import account, contact, lead

Kind = Literal["person", "account"]
KINDS: tuple[Kind, ...] = ("person", "account")
ENTITIES_OF: Mapping[Kind, tuple[str, ...]] = {"person": ("contact", "lead"), "account": ("account",)}


@dataclass(slots=True)
class Rec:
    id: str  # the canonical row id
    entity: str  # contact | lead | account
    connection: str
    object: str
    source_id: str
    values: dict[str, Any]  # canonical fields as stored (the golden record is chosen from these)
    custom: Mapping[str, Any]
    updated_at: datetime | None
    # comparable forms
    email: str | None = None
    email_local: str | None = None
    first: str | None = None
    last: str | None = None
    full_name: str | None = None
    phone: str | None = None
    company: str | None = None  # normalised company name
    domain: str | None = None  # the company's web domain
    city: str | None = None
    country: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.connection}/{self.object}/{self.source_id}"


def load(conn: Connection, kind: Kind) -> list[Rec]:
    """Every live record of ``kind``, in canonical id order (so a resolve is deterministic)."""
    recs = _people(conn) if kind == "person" else _accounts(conn)
    recs.sort(key=lambda r: r.id)
    return recs


# Only what the rules, the matcher and survivorship read: the golden fields plus the links between records.
_ACCOUNT_FIELDS = ("name", "domain", "website", "industry", "employees", "annual_revenue", "country", "city", "phone")
_PERSON_FIELDS = ("first_name", "last_name", "email", "phone", "title", "country", "city", "lead_source")
_EXTRA = {"contact": ("account_id",), "lead": ("company", "converted_contact_id")}
_HEAD = ("id", "source_connection", "source_object", "source_id", "custom", "updated_at")


def _rows(conn: Connection, table: Any, fields: tuple[str, ...]) -> Any:
    # Only leads carry what the rules read in ``custom`` (Marketo's Salesforce ids, website): parsing every other
    # row's JSON would be a third of the load time.
    custom = table.c.custom if table is lead else null().label("custom")
    head = (table.c.id, table.c.source_connection, table.c.source_object, table.c.source_id, custom,
            table.c.updated_at)
    return conn.execute(select(*head, *(table.c[n] for n in fields)).where(table.c.deleted_at.is_(None)))


def _accounts(conn: Connection) -> list[Rec]:
    out = []
    for row in _rows(conn, account, _ACCOUNT_FIELDS):
        values = dict(zip(_ACCOUNT_FIELDS, row[len(_HEAD):], strict=True))
        rec = _rec(row, "account", values)
        rec.company = normalize.company(values.get("name"))
        rec.domain = normalize.domain(values.get("domain")) or normalize.domain(values.get("website"))
        out.append(rec)
    return out


def _people(conn: Connection) -> list[Rec]:
    # A contact's company is its account's: read names and domains once, not once per contact.
    companies = {
        r.id: (r.name, normalize.domain(r.domain) or normalize.domain(r.website))
        for r in conn.execute(select(account.c.id, account.c.name, account.c.domain, account.c.website))
    }
    out = []
    for table, entity in ((contact, "contact"), (lead, "lead")):
        fields = (*_PERSON_FIELDS, *_EXTRA[entity])
        for row in _rows(conn, table, fields):
            values = dict(zip(fields, row[len(_HEAD):], strict=True))
            rec = _rec(row, entity, values)
            rec.email = normalize.email(values["email"])
            rec.email_local, _ = normalize.email_parts(rec.email)
            rec.first, rec.last = normalize.name(values["first_name"]), normalize.name(values["last_name"])
            rec.full_name = f"{rec.first} {rec.last}" if rec.first and rec.last else None
            if entity == "contact":
                company_name, company_domain = companies.get(values["account_id"] or "", (None, None))
                values["company"] = company_name
            else:
                company_name = values["company"]
                company_domain = normalize.domain(rec.custom.get("website"))
            rec.company = normalize.company(company_name)
            rec.domain = company_domain or normalize.company_domain(rec.email)
            out.append(rec)
    return out


def _rec(row: Any, entity: str, values: dict[str, Any]) -> Rec:
    rid, connection, object_name, source_id, custom, updated_at = row[:len(_HEAD)]
    return Rec(
        id=rid, entity=entity, connection=connection, object=object_name, source_id=source_id, values=values,
        custom=custom or {}, updated_at=updated_at, phone=normalize.phone(values.get("phone")),
        city=normalize.text(values.get("city")), country=normalize.text(values.get("country")),
    )
