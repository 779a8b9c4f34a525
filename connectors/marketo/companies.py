"""Marketo companies: Marketo keeps no company record (outside ABM), only company fields on each lead. crmhub
rolls the live leads up by a company key into one account each, and points every lead's ``account_id`` at it.

Semantics (the sandbox's ``/_admin/truth/companies`` serves the same rollup):
- key: the company name trimmed, inner whitespace collapsed, case-folded (``" ACME  Corp"`` -> ``"acme corp"``);
  a lead without a company name belongs to no account. Domains stay an attribute: Marketo cannot look leads up
  by website, and one domain can front several companies (holding groups), while a name can be found in the UI.
- values: per field, the most recently updated lead (``updatedAt``, then id) that has one.
- life: an account lives while at least one live lead carries its key. Each read lists every live lead's company
  fields (Marketo cannot answer "who else works there?" incrementally) and carries the complete key listing, so
  the account of a company whose last lead was deleted is tombstoned by the store on that read, never left live.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from connectors.base import ChangeBatch, Cursor, ObjectSpec, Record
from connectors.marketo.objects import COMPANY_FIELDS, COMPANY_KEY
from connectors.marketo.state import CompanyState

CHUNK = 2_000  # accounts per batch
_ROLLED = tuple(f for f in COMPANY_FIELDS if f != "company")


def company_key(name: Any) -> str | None:
    if not isinstance(name, str) or not name.strip():
        return None
    return " ".join(name.split()).casefold()


def with_company_key(lead: Record) -> Record:
    return {**lead, COMPANY_KEY: company_key(lead.get("company"))}


def domain_of(website: Any) -> str | None:
    """``https://www.Acme.com/about`` -> ``acme.com``."""
    if not isinstance(website, str) or not website.strip():
        return None
    text = website.strip()
    host = urlsplit(text if "://" in text else f"//{text}").hostname or ""
    host = host.lower().removeprefix("www.")
    return host or None


def rollup(leads: Iterable[Record]) -> dict[str, Record]:
    """One account record per company key from live leads (a lead read twice counts once)."""
    by_key: dict[str, dict[str, Record]] = {}
    for lead in leads:
        key = company_key(lead.get("company"))
        if key is not None:
            by_key.setdefault(key, {})[str(lead["id"])] = lead
    return {key: _account(key, list(members.values())) for key, members in by_key.items()}


def _account(key: str, leads: list[Record]) -> Record:
    newest_first = sorted(leads, key=lambda r: (str(r.get("updatedAt") or ""), int(r["id"])), reverse=True)
    out: Record = {"id": key, "leadCount": len(leads)}
    for name in ("company", *_ROLLED):
        out[name] = next((r[name] for r in newest_first if r.get(name) not in (None, "")), None)
    out["domain"] = domain_of(out.get("website"))
    created = [str(r["createdAt"]) for r in leads if r.get("createdAt")]
    updated = [str(r["updatedAt"]) for r in leads if r.get("updatedAt")]
    out["createdAt"] = min(created, default=None)
    out["updatedAt"] = max(updated, default=None)
    return out


class CompanyReader:
    def __init__(self, snapshot: Callable[[list[str]], Iterator[list[Record]]], calls: Callable[[], int],
                 clock: Callable[[], datetime]) -> None:
        self.snapshot, self.calls, self.clock = snapshot, calls, clock

    def read(self, spec: ObjectSpec) -> Iterator[ChangeBatch]:
        before = self.calls()
        leads = [lead for page in self.snapshot(["id", "createdAt", "updatedAt", *COMPANY_FIELDS]) for lead in page]
        accounts = list(rollup(leads).values())
        cursor = Cursor(self.clock(), CompanyState(len(leads)).to_state())
        note = f"{len(accounts)} companies rolled up from {len(leads)} live leads"
        first = True
        for start in range(0, max(1, len(accounts)), CHUNK):
            yield ChangeBatch(spec, accounts[start:start + CHUNK], [], cursor, self.calls() - before if first else 0,
                              (note,), live_ids=frozenset(a["id"] for a in accounts) if first else None)
            first = False
