"""HubSpot's product library (``products``, 0-7) and deals' line items (``line_items``, 0-8), as HubSpot defines them.

A line item copies its product's name, price and SKU when created from it (``hs_product_id``); ``amount`` (net price)
is calculated: quantity x (price - unit discount), or less ``hs_discount_percentage`` when no unit discount is set.
Line items carry no owner; their association to a deal is stored on the line item (a line item has one deal).
"""

from __future__ import annotations

from sandbox.hubspot import catalog as base  # attributes read at call time: catalog imports this module
from sandbox.hubspot import enums
from sandbox.hubspot.schema import ObjectSchema, PropertyDef

PRODUCT_TYPES = ("inventory", "non_inventory", "service")
BILLING_FREQUENCIES = ("monthly", "quarterly", "annually")


def products() -> ObjectSchema:
    g = "productinformation"
    schema = ObjectSchema(
        name="products", singular="product", type_id="0-7", assoc_name="product",
        defaults=("createdate", "description", "hs_lastmodifieddate", "hs_object_id", "name", "price"),
        always=("createdate", "hs_lastmodifieddate", "hs_object_id"), link_targets=(), required=(),
        groups=((g, "Product information"),), unique_lookup=("hs_sku",),
    )
    for prop in (
        base.text("name", "Name", g), base.text("description", "Description", g, "textarea"),
        base.number("price", "Unit price", g),
        base.text("hs_sku", "SKU", g), base.number("hs_cost_of_goods_sold", "Unit cost", g),
        base.enum("hs_product_type", "Product type", g, base._options(PRODUCT_TYPES)),
        base.enum("recurringbillingfrequency", "Billing frequency", g, base._options(BILLING_FREQUENCIES)),
        base.text("hs_recurring_billing_period", "Term", g),
        *base._system(g, ("hs_lastmodifieddate",)),
    ):
        schema.add(prop)
    return schema


def line_items() -> ObjectSchema:
    g = "lineiteminformation"
    schema = ObjectSchema(
        name="line_items", singular="line_item", type_id="0-8", assoc_name="line_item",
        defaults=("amount", "createdate", "hs_lastmodifieddate", "hs_object_id", "hs_product_id", "name", "price",
                  "quantity"),
        always=("createdate", "hs_lastmodifieddate", "hs_object_id"), link_targets=("deals",), required=(),
        groups=((g, "Line item information"),), unique_lookup=(),
    )
    currencies = base._options(enums.CURRENCIES, {c: c for c in enums.CURRENCIES})
    for prop in (
        base.text("name", "Name", g), base.text("description", "Description", g, "textarea"),
        base.number("hs_product_id", "Product ID", g), base.number("quantity", "Quantity", g),
        base.number("price", "Unit price", g),
        base.number("discount", "Unit discount", g), base.number("hs_discount_percentage", "Discount percentage", g),
        PropertyDef("amount", "Net price", "number", "calculation_equation", g, kind="line_amount", read_only=True,
                    calculated=True, created_ms=base.STANDARD_CREATED_MS),
        base.text("hs_sku", "SKU", g), base.enum("hs_line_item_currency_code", "Currency", g, currencies),
        base.number("hs_position_on_quote", "Position on quote", g),
        *base._system(g, ("hs_lastmodifieddate",)),
    ):
        schema.add(prop)
    return schema
