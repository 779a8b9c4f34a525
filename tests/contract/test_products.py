"""Products and line items on every CRM that has them: refs resolve to the canonical ids of the records they point
at, and deletes (a line item, a product no line item uses) become tombstones on the next incremental read."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import Engine, select

from mapping.canonical_ids import canonical_id
from quality.checker import QualityChecker
from store.tables import line_item, source_link
from tests.contract.harness import Harness
from tests.support.truth import assert_matches_truth

# kind -> (product object, line item object, the object line items belong to)
PRODUCT_OBJECTS = {
    "salesforce": ("Product2", "OpportunityLineItem", "Opportunity"),
    "hubspot": ("products", "line_items", "deals"),
    "dynamics": ("products", "opportunityproducts", "opportunities"),
}


def _objects(crm: Harness) -> tuple[str, str, str]:
    if crm.kind not in PRODUCT_OBJECTS or crm.custom:
        pytest.skip(f"{crm.kind} has no products or line items, or this harness runs on a custom object")
    return PRODUCT_OBJECTS[crm.kind]


def _line_refs(engine: Engine, connection: str) -> list[tuple[str, str | None, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(line_item.c.source_id, line_item.c.opportunity_id, line_item.c.product_id).where(
                line_item.c.source_connection == connection, line_item.c.deleted_at.is_(None)
            )
        )
        return [(r.source_id, r.opportunity_id, r.product_id) for r in rows]


def test_line_items_reference_their_deal_and_product(crm: Harness, db: Engine, checker: QualityChecker) -> None:
    products, lines, deals = _objects(crm)
    connector = crm.connector()
    for obj in (products, lines):
        summary = crm.sync(db, connector, obj, checker, full_refresh=True)
        assert summary.status == "succeeded", summary.error
        assert summary.counts.read > 0, f"{crm.kind}: the sandbox seeded no {obj}"
        assert_matches_truth(crm, db, obj)
    refs = _line_refs(db, crm.connection)
    assert refs, f"{crm.kind}: no line item landed"
    deal_ids = {canonical_id(crm.connection, deals, i) for i in crm.truth_ids(deals)}
    product_ids = {canonical_id(crm.connection, products, i) for i in crm.truth_ids(products)}
    assert all(opp in deal_ids for _, opp, _ in refs), "a line item's opportunity_id is no live deal's canonical id"
    assert all(prod in product_ids for _, _, prod in refs), "a line item's product_id is no live product's canonical id"


def test_deleted_products_and_line_items_become_tombstones(
    crm: Harness, sqlite_db: Engine, checker: QualityChecker
) -> None:
    products, lines, _ = _objects(crm)
    connector = crm.connector()
    for obj in (products, lines):
        assert crm.sync(sqlite_db, connector, obj, checker).status == "succeeded"
    refs = _line_refs(sqlite_db, crm.connection)
    used = {prod for _, _, prod in refs}
    line_gone = crm.ordered({sid for sid, _, _ in refs})[0]
    product_gone = next(
        p for p in crm.ordered(crm.truth_ids(products)) if canonical_id(crm.connection, products, p) not in used
    )
    crm.admin.delete(f"/_admin/records/{lines}/{line_gone}")
    crm.admin.delete(f"/_admin/records/{products}/{product_gone}")
    time.sleep(crm.settle_lag + 0.5)
    for obj, gone in ((lines, line_gone), (products, product_gone)):
        summary = crm.sync(sqlite_db, connector, obj, checker)
        assert summary.status == "succeeded", summary.error
        assert summary.counts.deleted >= 1, summary.as_dict()
        assert_matches_truth(crm, sqlite_db, obj)
        with sqlite_db.connect() as conn:
            link = conn.execute(
                select(source_link.c.is_deleted).where(
                    source_link.c.connection == crm.connection,
                    source_link.c.object == obj,
                    source_link.c.source_id == gone,
                )
            ).one()
        assert link.is_deleted, f"{obj} {gone} deleted in the CRM is not a tombstone in the store"
