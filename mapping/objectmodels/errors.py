"""The object-model registry's one error: a configuration error (a person fixes a file or a code), exit code 2."""

from __future__ import annotations

from errors import ConfigError


class ObjectModelError(ConfigError):
    """An object-model file that cannot work, or a model/module code that does not exist: names the file or code."""
