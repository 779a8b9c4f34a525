"""``crmhub config check`` as a service: the config file checked against everything crmhub ships, with no network.

The schema (config/) knows the shape of crmhub.yaml; the names an admin writes in it — objects, CRM fields,
canonical fields, transforms, quality rules — are checked against the shipped mappings and suites (the
Catalogue), so that each mistake is reported here, at its key path, rather than half-way through a sync.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from config import Catalogue, ConfigProblem, CrmhubConfig, check_config, load_config
from mapping.catalogue import defined_mapping_problems, entity_fields, shipped_objects, transform_names
from quality.suite import load_suites, quality_catalogue


def shipped_catalogue() -> Catalogue:
    quality = quality_catalogue(load_suites())
    return Catalogue(objects=shipped_objects(), entities=entity_fields(), transforms=transform_names(),
                     rules=quality.rules, rule_params=quality.rule_params, expectations=quality.expectations,
                     resolve=defined_mapping_problems)


def check_config_file(path: Path, *, env: Mapping[str, str] | None = None) -> list[ConfigProblem]:
    """Every error and warning in the config file."""
    return check_config(path, env=env, catalogue=shipped_catalogue())


def load_checked_config(path: Path, *, env: Mapping[str, str] | None = None) -> CrmhubConfig:
    """The config, refused (ConfigError) on any error ``crmhub config check`` would report."""
    return load_config(path, env=env, catalogue=shipped_catalogue())
