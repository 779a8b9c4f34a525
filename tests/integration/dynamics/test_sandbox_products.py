"""The Dynamics sandbox's products and opportunity products: the seeded catalogue and lines, amounts the platform
calculates on save, new products in Draft, and lines that go with their opportunity."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from sandbox.dynamics.generator import Generator
from sandbox.dynamics.store import Store
from sandbox.dynamics.tables import TABLES
from tests.support.sandboxes.dynamics import DynamicsApi, error_code, running


@pytest.fixture(scope="module")
def seeded() -> Store:
    store = Store(seed=5)
    Generator(seed=5, scale=3000, store=store, client_id="client").run()
    return store


@pytest.fixture(scope="module")
def api() -> Iterator[DynamicsApi]:
    with running(scale=300) as (_, client):
        yield client


def test_catalogue_has_published_retired_and_draft_products(seeded: Store) -> None:
    products = TABLES["product"]
    rows = list(seeded.state("product").rows.values())
    assert {r[products.col["statecode"]] for r in rows} == {0, 1, 2}
    assert all(r[products.col["price"]] > 0 and r[products.col["productnumber"]] for r in rows)
    assert all(r[products.col["defaultuomid"]] in seeded.state("uom").rows for r in rows)


def test_lines_add_up_to_the_opportunity_estimated_value(seeded: Store) -> None:
    lines, opps, products = TABLES["opportunityproduct"], TABLES["opportunity"], TABLES["product"]
    totals: dict[str, float] = {}
    for line in seeded.state("opportunityproduct").rows.values():
        product = seeded.get("product", line[lines.col["productid"]])
        assert product is not None and product[products.col["statecode"]] == 0, "a line of an unsold product"
        base = line[lines.col["quantity"]] * line[lines.col["priceperunit"]]
        assert line[lines.col["baseamount"]] == pytest.approx(base, abs=0.005)
        discount = line[lines.col["manualdiscountamount"]] or 0.0
        assert line[lines.col["extendedamount"]] == pytest.approx(line[lines.col["baseamount"]] - discount, abs=0.005)
        opp = line[lines.col["opportunityid"]]
        totals[opp] = totals.get(opp, 0.0) + line[lines.col["extendedamount"]]
    positive = [r for r in seeded.state("opportunity").rows.values() if r[opps.col["estimatedvalue"]] > 0]
    with_lines = [r for r in positive if r[0] in totals]
    assert 0.5 * len(positive) < len(with_lines) < 0.7 * len(positive)
    assert set(totals) == {r[0] for r in with_lines}, "lines on an opportunity without a positive value"
    for row in positive:
        calculated = row[opps.col["isrevenuesystemcalculated"]]
        assert calculated == (row[0] in totals)
        if calculated:
            assert row[opps.col["estimatedvalue"]] == pytest.approx(totals[row[0]], abs=0.01)


def _entity_id(resp: httpx.Response) -> str:
    match = re.search(r"\(([0-9a-f-]{36})\)$", resp.headers["odata-entityid"])
    assert match, resp.headers
    return match.group(1)


def test_amounts_are_calculated_on_create_and_update(api: DynamicsApi) -> None:
    product = api.post("products", {"name": "Test Widget", "productnumber": "TW-1", "quantitydecimal": 0,
                                    "price": 125.0})
    assert product.status_code == 204, product.text
    product_id = _entity_id(product)
    draft = api.get(f"products({product_id})?$select=statecode,statuscode").json()
    assert (draft["statecode"], draft["statuscode"]) == (2, 0), "a new product is Draft until published"
    opp = _entity_id(api.post("opportunities", {"name": "Widget deal"}))
    line = api.post("opportunityproducts?$select=baseamount,extendedamount", {
        "opportunityid@odata.bind": f"/opportunities({opp})", "productid@odata.bind": f"/products({product_id})",
        "quantity": 3, "priceperunit": 125.0, "manualdiscountamount": 25.5,
    }, "return=representation")
    assert line.status_code == 201, line.text
    assert (line.json()["baseamount"], line.json()["extendedamount"]) == (375.0, 349.5)
    line_id = line.json()["opportunityproductid"]
    cleared = api.patch(f"opportunityproducts({line_id})", {"quantity": 4, "manualdiscountamount": None})
    assert cleared.status_code == 204
    row = api.get(f"opportunityproducts({line_id})?$select=baseamount,extendedamount,_opportunityid_value").json()
    assert (row["baseamount"], row["extendedamount"], row["_opportunityid_value"]) == (500.0, 500.0, opp)
    # a calculated column is not valid for update: the platform ignores the value and keeps its own
    assert api.patch(f"opportunityproducts({line_id})", {"extendedamount": 1.0}).status_code == 204
    assert api.get(f"opportunityproducts({line_id})?$select=extendedamount").json()["extendedamount"] == 500.0
    missing = api.post("opportunityproducts", {"opportunityid@odata.bind": f"/opportunities({opp})",
                                               "quantity": 1, "priceperunit": 2.0, "nosuchcolumn": 1})
    assert missing.status_code == 400 and error_code(missing)


def test_deleting_an_opportunity_takes_its_lines(api: DynamicsApi) -> None:
    line = api.get("opportunityproducts?$select=_opportunityid_value&$top=1").json()["value"][0]
    opp = line["_opportunityid_value"]
    siblings = api.get(f"opportunityproducts?$select=opportunityproductid&$filter=_opportunityid_value eq {opp}")
    ids = [r["opportunityproductid"] for r in siblings.json()["value"]]
    assert line["opportunityproductid"] in ids
    assert api.delete(f"opportunities({opp})").status_code == 204
    for line_id in ids:
        assert api.get(f"opportunityproducts({line_id})").status_code == 404
    truth = api.admin.get("/_admin/truth/opportunityproducts", ids="true")
    assert set(ids) <= set(truth["deleted_ids"]) and not set(ids) & set(truth["ids"])


def test_metadata_describes_the_product_tables(api: DynamicsApi) -> None:
    defs = api.get("EntityDefinitions?$select=LogicalName,EntitySetName,OwnershipType,ChangeTrackingEnabled").json()
    by_name = {d["LogicalName"]: d for d in defs["value"]}
    assert by_name["product"]["EntitySetName"] == "products"
    assert by_name["product"]["OwnershipType"] == "OrganizationOwned"
    assert by_name["opportunityproduct"]["ChangeTrackingEnabled"] is True
    csdl = api.get("$metadata").text
    assert 'Name="opportunityproduct"' in csdl and 'Name="extendedamount"' in csdl
