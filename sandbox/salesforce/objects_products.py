"""Product2, Pricebook2, PricebookEntry and OpportunityLineItem as this sandbox org defines them.

As in a real org without multi-currency: a product has no price of its own (its list price is its entry in the
standard price book), a line item points at a price book entry and copies the product from it, and none of these
objects has an owner.
"""

from __future__ import annotations

from sandbox.salesforce.fields import (
    FieldDef,
    ObjectDef,
    flag,
    long_text,
    num,
    pick,
    readonly,
    ref,
    system_fields,
    text,
)

PRODUCT_FAMILY = ("Software", "Services", "Hardware", "Support")
QUANTITY_UNITS = ("Each", "Seat", "Hour", "Year")

PRODUCT2 = ObjectDef(
    "Product2", "01t", "Product", "Products",
    (*system_fields(owner=False),
     text("Name", label="Product Name", nillable=False, name_field=True),
     text("ProductCode", 255, label="Product Code"),
     pick("Family", PRODUCT_FAMILY, label="Product Family"),
     long_text("Description", label="Product Description"),
     flag("IsActive", label="Active"),
     readonly(flag("IsArchived", label="Archived")),
     pick("QuantityUnitOfMeasure", QUANTITY_UNITS, label="Quantity Unit Of Measure"),
     text("StockKeepingUnit", 180, label="Product SKU"),
     text("ExternalId", 255, label="External ID")),
)

PRICEBOOK2 = ObjectDef(
    "Pricebook2", "01s", "Price Book", "Price Books",
    (*system_fields(owner=False),
     text("Name", label="Price Book Name", nillable=False, name_field=True),
     flag("IsActive", label="Active"),
     readonly(flag("IsStandard", label="Is Standard Price Book")),
     text("Description", 255)),
)

PRICEBOOK_ENTRY = ObjectDef(
    "PricebookEntry", "01u", "Price Book Entry", "Price Book Entries",
    (*system_fields(owner=False),
     FieldDef("Pricebook2Id", "reference", label="Price Book ID", length=18, nillable=False, updateable=False,
              reference_to=("Pricebook2",), relationship_name="Pricebook2", child_relationship="PricebookEntries",
              cascade_delete=True),
     FieldDef("Product2Id", "reference", label="Product ID", length=18, nillable=False, updateable=False,
              reference_to=("Product2",), relationship_name="Product2", child_relationship="PricebookEntries",
              cascade_delete=True),
     readonly(text("Name", label="Product Name", name_field=True)),
     readonly(text("ProductCode", 255, label="Product Code")),
     num("UnitPrice", "currency", 18, 2, label="List Price", nillable=False),
     flag("IsActive", label="Active"),
     flag("UseStandardPrice", label="Use Standard Price")),
)

OPPORTUNITY_LINE_ITEM = ObjectDef(
    "OpportunityLineItem", "00k", "Opportunity Product", "Opportunity Product",
    (*system_fields(owner=False),
     ref("OpportunityId", "Opportunity", rel="Opportunity", child="OpportunityLineItems", nillable=False,
         updateable=False, cascade_delete=True),
     FieldDef("PricebookEntryId", "reference", label="Price Book Entry ID", length=18, nillable=False,
              updateable=False, reference_to=("PricebookEntry",), relationship_name="PricebookEntry",
              child_relationship="OpportunityLineItems"),
     readonly(ref("Product2Id", "Product2", rel="Product2")),
     readonly(text("ProductCode", 255, label="Product Code")),
     readonly(text("Name", 376, label="Opportunity Product Name", name_field=True)),
     num("Quantity", "double", 12, 2, nillable=False),
     num("UnitPrice", "currency", 18, 2, label="Sales Price"),
     readonly(num("ListPrice", "currency", 18, 2, label="List Price")),
     readonly(num("Subtotal", "currency", 18, 2)),
     num("TotalPrice", "currency", 18, 2, label="Total Price"),
     num("Discount", "percent", 18, 2),
     FieldDef("ServiceDate", "date", label="Date"),
     text("Description", 255, label="Line Description"),
     readonly(num("SortOrder", "int", 9, 0, label="Sort Order"))),
)
