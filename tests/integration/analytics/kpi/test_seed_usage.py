"""The registry document's "Usage Example" runs as written against crmhub, with crmhub's import path, and prints
the document's figures: Inside Sales with 47 KPIs and 16 object models, CLV in 8 modules, Customer in 12."""

from __future__ import annotations

import ast
import contextlib
import io
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from analytics.kpi.definitions import SeedApi, get_module
from analytics.kpi.loader import shipped_kpi_registry
from store.tables import kpi_module, module_object_model

REPO = Path(__file__).resolve().parents[4]
SEED_FILE = next((p / "shared" / "spec" / "analytics-registry.md" for p in REPO.parents
                  if (p / "shared" / "spec" / "analytics-registry.md").is_file()), REPO.parent / "shared" / "spec")
SEED_IMPORT = "from definitions import setup_all_relationships, get_module, get_kpi, get_object_model"
CRMHUB_IMPORT = "from analytics.kpi.definitions import setup_all_relationships, get_module, get_kpi, get_object_model"

# The document's example, verbatim but for its first line (the seed's package is ``definitions``; crmhub's is
# ``analytics.kpi.definitions``). test_the_example_is_the_documents_own keeps the two the same.
EXAMPLE = '''\
from analytics.kpi.definitions import setup_all_relationships, get_module, get_kpi, get_object_model

# Initialize all relationships
setup_all_relationships()

# Access any module
inside_sales = get_module("INSIDE_SALES")
print(f"Module: {inside_sales.name}")
print(f"KPIs: {len(inside_sales.kpis)}")
print(f"Object Models: {len(inside_sales.object_models)}")

# Access shared KPIs
clv_kpi = get_kpi("CUSTOMER_LIFETIME_VALUE_CLV")
print(f"KPI: {clv_kpi.name}")
print(f"Used by modules: {clv_kpi.metadata_['modules']}")

# Access shared object models
customer = get_object_model("CUSTOMER")
print(f"Object Model: {customer.name}")
print(f"Used by modules: {customer.metadata_['modules']}")

# Query KPIs by module
for kpi in inside_sales.kpis:
    print(f"  - {kpi.name}")

# Query object models by module
for om in inside_sales.object_models:
    print(f"  - {om.name}")
'''

CLV_MODULES = {"CUST_RETENTION", "INSIDE_SALES", "KEY_ACCT_MGMT", "OUTSIDE_SALES", "SALES_DEV", "SALES_OPERATIONS",
               "SALES_PERFORMANCE", "SALES_STRATEGY"}


def _run_example() -> list[str]:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(EXAMPLE, "usage_example.py", "exec"), {"__name__": "usage_example"})  # the document's code
    return printed.getvalue().splitlines()


@pytest.mark.skipif(not SEED_FILE.is_file(), reason=f"{SEED_FILE} is absent (the shared spec folder)")
def test_the_example_is_the_documents_own() -> None:
    text = SEED_FILE.read_text(encoding="utf-8")
    block = text.split("## Usage Example", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    assert block.startswith(SEED_IMPORT + "\n")
    assert block.replace(SEED_IMPORT, CRMHUB_IMPORT, 1) == EXAMPLE


def test_the_example_prints_the_documents_figures() -> None:
    lines = _run_example()
    assert lines[:3] == ["Module: Inside Sales", "KPIs: 47", "Object Models: 16"]
    assert lines[3].startswith("KPI: Customer Lifetime Value")
    clv_modules = ast.literal_eval(lines[4].removeprefix("Used by modules: "))
    assert lines[4].startswith("Used by modules: ") and set(clv_modules) == CLV_MODULES and len(clv_modules) == 8
    assert lines[5] == "Object Model: Customer"
    customer_modules = ast.literal_eval(lines[6].removeprefix("Used by modules: "))
    assert len(customer_modules) == 12 and "SALES_DEV" not in customer_modules  # "Customer - 12 modules"
    registry = shipped_kpi_registry()
    inside = registry.module("INSIDE_SALES")
    kpi_names = [f"  - {kpi.name}" for kpi in inside.kpis]
    model_names = [f"  - {model.name}" for model in inside.object_models]
    assert lines[7:] == kpi_names + model_names
    assert model_names[:3] == ["  - Lead", "  - Opportunity", "  - Deal"] and model_names[-1] == "  - Lost Sale"


def test_the_objects_relate_both_ways_after_their_session_closed() -> None:
    inside = get_module("INSIDE_SALES")  # set up by the example, or on first use
    for kpi in inside.kpis:
        assert inside in kpi.modules, kpi.code
        assert [m.code for m in kpi.modules] == sorted(kpi.metadata_["modules"]), kpi.code
    order = list(shipped_kpi_registry().modules)
    for model in inside.object_models:
        assert inside in model.modules, model.code
        assert model.metadata_["modules"] == sorted(model.metadata_["modules"], key=order.index), model.code


def test_setup_loads_into_the_store_it_is_given_and_unknown_codes_name_close_matches(sqlite_db: Engine) -> None:
    api = SeedApi()
    assert api.setup_all_relationships(sqlite_db) is sqlite_db
    with sqlite_db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(kpi_module)).scalar_one() == 13
        assert conn.execute(select(func.count()).select_from(module_object_model)).scalar_one() == 189
    with pytest.raises(KeyError, match=r"no module 'INSIDE_SALE' \(did you mean INSIDE_SALES"):
        api.get_module("INSIDE_SALE")
    with pytest.raises(KeyError, match="no object model 'CUSTOMERS'"):
        api.get_object_model("CUSTOMERS")
    with pytest.raises(KeyError, match="no KPI 'NO_SUCH_KPI_AT_ALL'"):
        api.get_kpi("NO_SUCH_KPI_AT_ALL")
    assert api.get_object_model("sales rep").code == "SALES_REPRESENTATIVE"
    assert [m.code for m in api.get_module("BUS_DEV").object_models][:2] == ["LEAD", "OPPORTUNITY"]
