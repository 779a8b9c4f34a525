"""The KPI benchmark's store: at scale 1, 500,000 opportunities and 5,000,000 activities over the three years before
this month, with the users, teams, accounts, territories, contacts, leads, quotas, stage history and line items.

Deterministic for a given month (one seed), generated with numpy in chunks and written with each dialect's bulk path
(kpi_write.py). Every row is live and carries its provenance columns, as synced rows do. The shape, per opportunity:
closing 5-180 days after its creation; closed when its close date is before last month, then won one time in three;
85 % USD, 10 % EUR, 5 % GBP; two or three stage-history rows; three in ten with one or two line items. Activities:
calls, emails, meetings, tasks and notes by the reps, most on an account, half on a deal, a fifth on a lead. 500 reps
in 50 teams, 50,000 accounts in 20 territories, 100,000 contacts, 200,000 leads, a monthly revenue quota per rep.
Entities the KPI catalogue reads beyond these (contracts, cases, training, partners …) stay empty.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd
from sqlalchemy import Engine, text

from bench.kpi_deals import activities, deals, leads_and_quotas
from bench.kpi_shape import base, ids, instants, picker, sizes
from bench.kpi_write import write
from store.tables import canonical_tables


def people(rng: np.random.Generator, n: dict[str, int]) -> Iterator[tuple[str, pd.DataFrame]]:
    """Users (reps, then one manager per team), teams, territories, accounts and their territories, contacts."""
    reps, teams = n["reps"], n["teams"]
    users = pd.DataFrame({"id": ids("u", 0, reps + teams)})
    users["last_name"] = [f"Rep {i}" for i in range(reps)] + [f"Manager {t}" for t in range(teams)]
    users["team"] = [f"Team {i % teams:03d}" for i in range(reps)] + [f"Team {t:03d}" for t in range(teams)]
    users["active"] = True
    yield "user", base(users, "users", instants(rng, len(users)))
    team = pd.DataFrame({"id": ids("t", 0, teams), "name": [f"Team {t:03d}" for t in range(teams)],
                         "owner_id": [f"u{reps + t:08d}" for t in range(teams)]})
    yield "team", base(team, "teams", instants(rng, teams))
    yield "territory", base(pd.DataFrame({"id": ids("z", 0, 20), "name": [f"Territory {i}" for i in range(20)]}),
                             "territories", instants(rng, 20))
    k = n["account"]
    accounts = pd.DataFrame({"id": ids("a", 0, k), "name": [f"Account {i}" for i in range(k)],
                             "industry": rng.choice(["software", "retail", "finance", "health", "energy"], k),
                             "country": rng.choice(["US", "GB", "DE", "FR", "JP", "BR", "IN", "CA"], k),
                             "employees": rng.integers(5, 50_000, k), "annual_revenue": rng.lognormal(16, 2, k),
                             "owner_id": [f"u{i:08d}" for i in rng.integers(0, reps, k)],
                             "tier": rng.choice(["enterprise", "mid", "smb"], k, p=[0.1, 0.3, 0.6])})
    yield "account", base(accounts, "accounts", instants(rng, k))
    assign = pd.DataFrame({"id": ids("ta", 0, k), "territory_id": [f"z{i:08d}" for i in rng.integers(0, 20, k)],
                           "account_id": accounts["id"], "role": "account"})
    yield "territory_assignment", base(assign, "territory_assignments", instants(rng, k))
    c = n["contact"]
    contacts = pd.DataFrame({"id": ids("c", 0, c), "last_name": [f"Contact {i}" for i in range(c)],
                             "account_id": [f"a{i:08d}" for i in rng.integers(0, k, c)],
                             "owner_id": [f"u{i:08d}" for i in rng.integers(0, reps, c)]})
    yield "contact", base(contacts, "contacts", instants(rng, c))


def populate(engine: Engine, scale: float, *, seed: int = 18, say: Callable[[str], None] = print) -> dict[str, int]:
    """Fill an empty migrated store; the rows written per table. ANALYZE afterwards (this machine's PostgreSQL has
    autovacuum off: without it the planner would see empty tables)."""
    rng, n = np.random.default_rng(seed), sizes(scale)
    written: dict[str, int] = {}
    for source in (people(rng, n), deals(rng, n, picker(rng)), leads_and_quotas(rng, n, picker(rng)),
                   activities(rng, n, picker(rng))):
        for entity, frame in source:
            table = canonical_tables["crm_user" if entity == "user" else entity]
            written[entity] = written.get(entity, 0) + write(engine, table, frame)
            say(f"  {entity}: {written[entity]:,} rows")
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    return written
