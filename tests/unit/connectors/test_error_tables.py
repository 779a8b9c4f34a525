"""Each CRM's error codes live in its own client's retry table; the shared table keeps HTTP facts only."""

from __future__ import annotations

import pytest

from connectors.dynamics.client import DYNAMICS_TABLE
from connectors.http.retry import DEFAULT_TABLE, Action, Failure, decide
from connectors.hubspot.client import HUBSPOT_TABLE
from connectors.marketo.client import MARKETO_TABLE
from connectors.salesforce.client import SALESFORCE_TABLE

TABLES = {"salesforce": SALESFORCE_TABLE, "hubspot": HUBSPOT_TABLE, "dynamics": DYNAMICS_TABLE,
          "marketo": MARKETO_TABLE}
OWN = {  # one code of each CRM and what its table must do with it
    "salesforce": ("INVALID_SESSION_ID", Action.REFRESH_TOKEN_THEN_RETRY),
    "hubspot": ("DAILY", Action.BUDGET_EXHAUSTED),
    "dynamics": ("0x80072322", Action.RATE_LIMITED),
    "marketo": ("606", Action.RATE_LIMITED),
}


def test_the_shared_table_holds_no_crm_code() -> None:
    assert [key for key in DEFAULT_TABLE if key[0] == "code"] == []


@pytest.mark.parametrize("kind", sorted(TABLES))
def test_each_table_maps_its_own_codes_and_no_other_crms(kind: str) -> None:
    table = TABLES[kind]
    code, action = OWN[kind]
    assert decide(table, Failure(status=400, code=code)) is action
    for other, (foreign, _) in OWN.items():
        if other != kind:
            assert ("code", foreign) not in table, f"{kind}'s table maps {other}'s code {foreign}"
    # The HTTP rows come through unchanged.
    assert {k: v for k, v in table.items() if k[0] != "code"} == dict(DEFAULT_TABLE)
