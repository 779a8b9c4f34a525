"""The object-model registry's one error: a mapping error, so the CLI reports it as a configuration problem."""

from __future__ import annotations

from mapping.spec import MappingError


class ObjectModelError(MappingError):
    """An object-model file that cannot work, or a model/module code that does not exist: names the file or code."""
