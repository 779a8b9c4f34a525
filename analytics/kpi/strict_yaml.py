"""A registry YAML file read from disk: ``yamlfile.read_yaml`` (duplicate keys refused) with the file's name on
the error, as the engine's catalog and single-definition reads report it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from analytics.kpi.errors import KpiDefinitionError
from analytics.kpi.yamlfile import YamlFileError, read_yaml


def load_strict(path: Path) -> Any:
    """The YAML document in ``path``; a duplicate key or a syntax error is a KpiDefinitionError naming the file."""
    try:
        return read_yaml(path.read_text(encoding="utf-8"))
    except YamlFileError as exc:
        raise KpiDefinitionError(f"{path}: {exc}") from None
