"""The seed's 82 object models, as data: one ``models/<code>.yaml`` each, and the 13 modules that use them.

A model is held in one of three ways: rows of a canonical entity (all of them, or those a ``where`` selects: a Sale
is an opportunity with ``is_won``), the output of a crmhub engine (``computed_by``, planned engines named with their
issue), or a CRM custom object an admin maps to it in config (``custom_object``). ``docs/object-models.md`` says more.

The seed's API for models: ``get_object_model("CUSTOMER").metadata_["modules"]``, ``get_module("INSIDE_SALES")
.object_models``; the shipped files are read once per process (they do not change while it runs).
"""

from __future__ import annotations

from functools import cache

from mapping.objectmodels.errors import ObjectModelError
from mapping.objectmodels.loader import load_registry
from mapping.objectmodels.registry import ModelField, Module, ObjectModel, Registry

__all__ = ["ModelField", "Module", "ObjectModel", "ObjectModelError", "Registry", "get_module", "get_object_model",
           "load_registry", "shipped_registry"]


@cache
def shipped_registry() -> Registry:
    """The registry crmhub ships (mapping/objectmodels/), checked against the canonical model."""
    return load_registry()


def get_object_model(code: str) -> ObjectModel:
    return shipped_registry().object_model(code)


def get_module(code: str) -> Module:
    return shipped_registry().module(code)
