"""A deal's territory, by the KPI engine's rule (analytics/kpi/dims.py), in pandas.

The territory of the deal's account in force on its close date, else (no account, or the account has none) the
rep's. Of several assignments in force, the one whose ``effective_from`` is latest (no date counts as earliest) and,
among equals, the lowest id. An assignment is in force from ``effective_from`` through ``effective_to`` inclusive;
a missing bound is open. The same rule as the KPI engine's, so "win rate by territory" agrees with its KPIs.
"""

from __future__ import annotations

import pandas as pd


def _in_force(deals: pd.DataFrame, assignments: pd.DataFrame, deal_key: str, key: str) -> pd.Series:
    """Per deal id, the territory assigned to the deal's ``deal_key`` (matched on the assignment's ``key``)."""
    left = deals[["id", deal_key, "close_date"]].dropna(subset=[deal_key])
    joined = left.merge(assignments.dropna(subset=[key]), left_on=deal_key, right_on=key, how="inner",
                        suffixes=("", "_ta"))
    if joined.empty:
        return pd.Series(dtype=object)
    day = joined["close_date"]
    start = pd.to_datetime(joined["effective_from"])
    stop = pd.to_datetime(joined["effective_to"])
    # A deal without a close date matches only assignments with no bounds, as NULL comparisons do in SQL.
    ok = (start.isna() | (start <= day)) & (stop.isna() | (stop >= day))
    chosen = joined[ok.fillna(False)].assign(_from=start[ok.fillna(False)])
    chosen = chosen.sort_values(["id", "_from", "id_ta"], ascending=[True, False, True], na_position="last")
    return chosen.drop_duplicates("id").set_index("id")["territory_id"].astype(str)


def deal_territories(deals: pd.DataFrame, assignments: pd.DataFrame) -> pd.Series:
    """Each deal's territory id (index: deal id), None where neither its account nor its rep has one."""
    if deals.empty:
        return pd.Series(index=deals.index, dtype=object)
    by_account = _in_force(deals, assignments, "account_id", "account_id")
    by_rep = _in_force(deals, assignments, "rep", "user_id")
    found = by_account.reindex(deals.index)
    return found.where(found.notna(), by_rep.reindex(deals.index)).astype(object)
