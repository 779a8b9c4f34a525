"""Identity resolution at volume: N people of the sandboxes' population spread over four CRMs as canonical rows
(shares as the sandboxes draw them), with the mess CRMs have — emails cased differently, personal-address
duplicates, second sign-ups, a changed address — then ``identity.resolve`` timed and scored against the keys.

``python -m bench.identity [--people 100000]``
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

import store
from bench.common import markdown, peak_rss_mb, save
from config.models.sections import IdentitySettings
from identity import pairwise, resolve
from mapping.canonical_ids import canonical_id
from sandbox.common.people import Person, Population
from store.tables import account, contact, identity_member, lead

SHARES = {"hubspot": 0.85, "salesforce": 0.6, "dynamics": 0.4, "marketo": 0.7}
BASE = datetime(2025, 1, 1, tzinfo=UTC)


def _varied_email(email: str, rnd: random.Random) -> str:
    return email.upper() if rnd.random() < 0.03 else email


def _person_row(conn: str, obj: str, sid: str, p: Person, rnd: random.Random, **extra: Any) -> dict[str, Any]:
    return {"id": canonical_id(conn, obj, sid), "source_connection": conn, "source_object": obj, "source_id": sid,
            "first_name": p.first_name, "last_name": p.last_name, "email": _varied_email(p.email, rnd),
            "phone": p.phone, "title": p.title, "city": p.city, "country": p.country_code,
            "updated_at": BASE + timedelta(minutes=rnd.randrange(500_000)), "synced_at": BASE, "custom": {},
            **extra}


def _sf_id(sf_object: str, key: int) -> str:
    """An 18-character Salesforce id: prefix, 12 digits, a 3-character suffix (as the checksum would be)."""
    return f"{'003' if sf_object == 'Contact' else '00Q'}{key:012d}AAA"


def synthesize(people: int, seed: int = 7) -> tuple[dict[str, list[dict[str, Any]]], dict[str, tuple[str, int]]]:
    """Rows per table and the truth: canonical id -> (kind, generator key)."""
    pop = Population(seed, people)
    rnd = random.Random(seed)
    rows: dict[str, list[dict[str, Any]]] = {"contact": [], "lead": [], "account": []}
    truth: dict[str, tuple[str, int]] = {}
    used_companies: dict[str, set[int]] = {name: set() for name in ("hubspot", "salesforce", "dynamics")}

    def add(table: str, row: dict[str, Any], kind: str, key: int) -> None:
        rows[table].append(row)
        truth[row["id"]] = (kind, key)

    for p in pop.people():
        k = p.key
        for crm, share in SHARES.items():
            if not pop.member(k, crm, share):
                continue
            if crm in used_companies:
                used_companies[crm].add(p.company_key)
        if pop.member(k, "hubspot", SHARES["hubspot"]):
            add("contact", _person_row("hubspot", "contacts", f"h{k}", p, rnd), "person", k)
            if rnd.random() < 0.01:  # a personal-address duplicate nobody merged
                gmail = f"{p.first_name}.{p.last_name}{k}@gmail.com".lower().replace(" ", "")
                add("contact", _person_row("hubspot", "contacts", f"h{k}g", p, rnd, email=gmail), "person", k)
        in_sf = pop.member(k, "salesforce", SHARES["salesforce"])
        sf_obj = "Contact" if pop.member(k, "salesforce_contact", 0.5) else "Lead"
        if in_sf:
            add(sf_obj.lower(), _person_row("salesforce", sf_obj, _sf_id(sf_obj, k), p, rnd,
                                            **({"company": pop.companies[p.company_key].name}
                                               if sf_obj == "Lead" else {})), "person", k)
        if pop.member(k, "dynamics", SHARES["dynamics"]):
            changed = rnd.random() < 0.02  # an address changed in one CRM only: no shared key left
            email = f"{p.first_name[:1]}{p.last_name}@{p.email.split('@')[1]}".lower() if changed else p.email
            add("contact", _person_row("dynamics", "contacts", f"d{k}", p, rnd, email=email), "person", k)
        if pop.member(k, "marketo", SHARES["marketo"]):
            custom = {f"sfdc{sf_obj}Id": _sf_id(sf_obj, k)} if in_sf else {}
            add("lead", _person_row("marketo", "leads", f"m{k}", p, rnd, custom=custom,
                                    company=pop.companies[p.company_key].name), "person", k)
            if rnd.random() < 0.01:  # a second sign-up, the address in another case
                add("lead", _person_row("marketo", "leads", f"m{k}b", p, rnd, email=p.email.title(),
                                        company=pop.companies[p.company_key].name), "person", k)
    for crm, keys in used_companies.items():
        obj = {"hubspot": "companies", "salesforce": "Account", "dynamics": "accounts"}[crm]
        for ck in sorted(keys):
            c = pop.companies[ck]
            web = {"hubspot": {"domain": c.domain}, "salesforce": {"website": f"www.{c.domain}"},
                   "dynamics": {"website": f"https://www.{c.domain}"}}[crm]
            add("account", {"id": canonical_id(crm, obj, f"{crm[0]}a{ck}"), "source_connection": crm,
                            "source_object": obj, "source_id": f"{crm[0]}a{ck}", "name": c.name, "phone": c.phone,
                            "city": c.city, "country": c.country_code, "updated_at": BASE, "synced_at": BASE,
                            "custom": {}, **web}, "account", ck)
    return rows, truth


def run(people: int, workdir: Path) -> list[dict[str, Any]]:
    rows, truth = synthesize(people)
    engine = store.make_engine(f"sqlite:///{workdir / 'identity.db'}")
    store.ensure_schema(engine)
    tables = {"contact": contact, "lead": lead, "account": account}
    with engine.begin() as conn:
        for name, batch in rows.items():
            names = [c.name for c in tables[name].columns]
            conn.execute(insert(tables[name]), [{n: r.get(n) for n in names} for r in batch])
    started, cpu = time.perf_counter(), time.process_time()
    result = resolve(engine, IdentitySettings())
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    with engine.connect() as conn:
        members = conn.execute(select(identity_member.c.record_id, identity_member.c.cluster_id)).all()
    out = []
    for kind in ("person", "account"):
        scores = pairwise((m.cluster_id, truth[m.record_id][1]) for m in members if truth[m.record_id][0] == kind)
        out.append({"people": people, "kind": kind, "records": result[kind]["records"],
                    "clusters": result[kind]["clusters"], "pairs_scored": result[kind]["pairs_scored"],
                    "precision": f"{scores['precision']:.4f}", "recall": f"{scores['recall']:.4f}",
                    "seconds (resolve incl. store I/O)": round(result[kind]["seconds_with_io"], 2),
                    "seconds by phase": result[kind]["seconds_by_phase"]})
    out.append({"people": people, "kind": "all", "records": sum(len(b) for b in rows.values()),
                "seconds (resolve incl. store I/O)": round(seconds, 2), "CPU seconds": round(cpu, 2),
                "peak RSS MB": round(peak_rss_mb())})
    engine.dispose()
    return out


def main(quick: bool = False, people: int | None = None) -> None:
    n = people or (10_000 if quick else 100_000)
    print(f"## Identity resolution ({n:,} people over four CRMs)")
    with tempfile.TemporaryDirectory(prefix="crmhub-bench-identity-") as tmp:
        rows = run(n, Path(tmp))
    save("identity", rows, title=f"Identity resolution, {n:,} people")
    print(markdown(rows))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.identity")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    main(quick=args.quick, people=None if args.quick else args.people)
