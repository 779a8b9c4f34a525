"""Formula (calculated) fields: computed when read, so their values change without SystemModstamp moving.

Three things change them, as in a real org: the day (``TODAY()``), a related record (a cross-object formula
reads the parent Account), and an administrator editing the formula's definition (``recalculate``: the
revision moves and every value is recomputed, and not one record's modstamps move).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sandbox.salesforce.picklists import stage
from sandbox.salesforce.store import Store

Getter = Callable[[list[Any]], Any]


def _days(today: date, stored: str | None) -> float | None:
    return float((today - date.fromisoformat(stored[:10])).days) if stored else None


def _tier_thresholds(revision: int) -> tuple[float, float]:
    return 50_000_000 / (1 + revision), 5_000_000 / (1 + revision)


def _hot_threshold(revision: int) -> float:
    return max(5.0, 70.0 - 10.0 * revision)


class Formulas:
    def __init__(self, *, store: Store) -> None:
        self.store = store

    def revision(self, obj: str) -> int:
        return self.store.formula_revision.get(obj, 0)

    def recalculate(self, obj: str) -> int:
        """An admin edits the object's formulas: values change, no record's SystemModstamp does."""
        self.store.formula_revision[obj] = self.revision(obj) + 1
        return self.store.formula_revision[obj]

    def has_formulas(self, obj: str) -> bool:
        return any(f.calculated for f in self.store.tables[obj].obj.fields)

    def text(self, obj: str, name: str) -> str:
        """The ``calculatedFormula`` describe shows for the field, at the current revision."""
        if (obj, name) == ("Account", "Tier__c"):
            hi, mid = _tier_thresholds(self.revision(obj))
            return f'IF(AnnualRevenue >= {hi:.0f}, "Enterprise", IF(AnnualRevenue >= {mid:.0f}, "Mid-Market", "SMB"))'
        if (obj, name) == ("Lead", "Score_Band__c"):
            hot = _hot_threshold(self.revision(obj))
            return f'IF(Score__c >= {hot:.0f}, "Hot", IF(Score__c >= {hot / 2:.0f}, "Warm", "Cold"))'
        return {
            ("Account", "Days_Since_Created__c"): "TODAY() - DATEVALUE(CreatedDate)",
            ("Contact", "Account_Tier__c"): "Account.Tier__c",
            ("Lead", "Days_Open__c"): "IF(IsConverted, ConvertedDate, TODAY()) - DATEVALUE(CreatedDate)",
            ("Opportunity", "ExpectedRevenue"): "Amount * Probability / 100",
            ("Opportunity", "Age__c"): "IF(IsClosed, CloseDate, TODAY()) - DATEVALUE(CreatedDate)",
        }.get((obj, name), "")

    def getter(self, obj: str, name: str, *, today: date) -> Getter:
        table = self.store.tables[obj]
        col = table.columns
        key = (obj, name)
        if key == ("Account", "Tier__c"):
            return self._tier(col["AnnualRevenue"], self.revision("Account"))
        if key in (("Account", "Days_Since_Created__c"),):
            ix = col["CreatedDate"]
            return lambda row: _days(today, row[ix])
        if key == ("Contact", "Account_Tier__c"):
            account_ix = col["AccountId"]
            accounts = self.store.tables["Account"]
            tier = self._tier(accounts.columns["AnnualRevenue"], self.revision("Account"))

            def account_tier(row: list[Any]) -> Any:
                parent = accounts.rows.get(row[account_ix]) if row[account_ix] else None
                return tier(parent) if parent is not None and not parent[accounts.ix_deleted] else None
            return account_tier
        if key == ("Lead", "Score_Band__c"):
            ix, hot = col["Score__c"], _hot_threshold(self.revision("Lead"))
            return lambda row: None if row[ix] is None else (
                "Hot" if row[ix] >= hot else "Warm" if row[ix] >= hot / 2 else "Cold")
        if key == ("Lead", "Days_Open__c"):
            created, converted, conv_date = col["CreatedDate"], col["IsConverted"], col["ConvertedDate"]
            return lambda row: _days(date.fromisoformat(row[conv_date]) if row[converted] and row[conv_date]
                                     else today, row[created])
        if key == ("Opportunity", "ExpectedRevenue"):
            amount, prob = col["Amount"], col["Probability"]
            return lambda row: None if row[amount] is None or row[prob] is None else round(
                row[amount] * row[prob] / 100.0, 2) + 0.0
        if key == ("Opportunity", "Age__c"):
            created, closed, close_date = col["CreatedDate"], col["IsClosed"], col["CloseDate"]
            return lambda row: _days(date.fromisoformat(row[close_date]) if row[closed] and row[close_date]
                                     else today, row[created])
        raise KeyError(f"no formula for {obj}.{name}")

    @staticmethod
    def _tier(revenue_ix: int, revision: int) -> Getter:
        hi, mid = _tier_thresholds(revision)

        def tier(row: list[Any]) -> Any:
            revenue = row[revenue_ix]
            if revenue is None:
                return "SMB"
            return "Enterprise" if revenue >= hi else "Mid-Market" if revenue >= mid else "SMB"
        return tier


def stage_defaults(stage_name: str | None) -> dict[str, Any]:
    """What choosing a stage sets on an Opportunity (unless the writer sets Probability/forecast itself)."""
    s = stage(stage_name)
    if s is None:
        return {}
    return {"Probability": s.probability, "ForecastCategoryName": s.forecast, "IsClosed": s.closed, "IsWon": s.won}
