"""Maven's data preparation before the mapping (analytics/datasets/maven.py), on hand-made rows."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.datasets.maven import extract_day, prepare_deals, stage_history

PRODUCTS = pd.DataFrame({"product": ["GTX Pro", "MG Special"], "series": ["GTX", "MG"],
                         "sales_price": ["4821", "55"]})


def _deals() -> pd.DataFrame:
    rows = [("A", "GTXPro", "Won", "2017-01-02", "2017-03-01", "4514"),
            ("B", "MG Special", "Lost", "2017-02-01", "2017-04-30", "0"),
            ("C", "GTXPro", "Engaging", "2017-12-27", None, None),
            ("D", "MG Special", "Prospecting", None, None, None)]
    return pd.DataFrame(rows, columns=["opportunity_id", "product", "deal_stage", "engage_date", "close_date",
                                       "close_value"])


def test_the_extract_is_the_last_date_the_file_records() -> None:
    assert extract_day(_deals()) == "2017-12-27"


def test_amounts_products_and_creation_dates() -> None:
    out = prepare_deals(_deals(), PRODUCTS).set_index("opportunity_id")
    assert out["catalogue_product"].to_dict() == {"A": "GTX Pro", "B": "MG Special", "C": "GTX Pro",
                                                  "D": "MG Special"}
    # Booked value once won, the list price otherwise (a lost deal's 0 is not its size).
    assert out["amount"].to_dict() == {"A": "4514", "B": "55", "C": "4821", "D": "55"}
    assert out["created"].to_dict() == {"A": "2017-01-02T00:00:00+00:00", "B": "2017-02-01T00:00:00+00:00",
                                        "C": "2017-12-27T00:00:00+00:00", "D": "2017-12-27T00:00:00+00:00"}
    assert out["engage_date"].isna().to_dict() == {"A": False, "B": False, "C": False, "D": True}  # kept as read


def test_stage_history_has_only_dated_stages() -> None:
    history = stage_history(prepare_deals(_deals(), PRODUCTS))
    assert sorted(history["id"]) == ["A:closed", "A:engaged", "B:closed", "B:engaged", "C:engaged"]
    assert history.set_index("id").loc["B:closed", "stage"] == "Lost"


@pytest.mark.parametrize("name", ["GTX Pro", "GTXPro"])
def test_either_spelling_finds_the_catalogue_entry(name: str) -> None:
    deals = _deals().assign(product=name)
    assert set(prepare_deals(deals, PRODUCTS)["catalogue_product"]) == {"GTX Pro"}
