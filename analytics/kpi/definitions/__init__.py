"""One YAML per KPI (``<code lowercased>.yaml``): a package so the files ship with crmhub.

It also holds the registry document's Python API, so its "Usage Example" runs with crmhub's import path::

    from analytics.kpi.definitions import setup_all_relationships, get_module, get_kpi, get_object_model

    setup_all_relationships()             # the KPI files into a store (default: in memory), relationships built
    get_module("INSIDE_SALES").kpis       # Module, Kpi and ObjectModel: SQLAlchemy classes on the registry tables
    get_kpi("CUSTOMER_LIFETIME_VALUE_CLV").metadata_["modules"]
    get_object_model("CUSTOMER").metadata_["modules"]

``setup_all_relationships(engine)`` loads into that store instead (``analytics.kpi.seed`` says more).
"""

from analytics.kpi.orm import Kpi, Module, ObjectModel
from analytics.kpi.seed import SeedApi

__all__ = ["Kpi", "Module", "ObjectModel", "SeedApi", "get_kpi", "get_module", "get_object_model",
           "setup_all_relationships"]

# The seed's API is module-level by design; this one default instance is the only state behind it (seed.SeedApi).
_DEFAULT = SeedApi()
setup_all_relationships = _DEFAULT.setup_all_relationships
get_module = _DEFAULT.get_module
get_kpi = _DEFAULT.get_kpi
get_object_model = _DEFAULT.get_object_model
