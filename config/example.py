"""The commented example config that `crmhub init` writes (shipped as package data next to this module)."""

from __future__ import annotations

from importlib.resources import files


def example_config() -> str:
    return files("config").joinpath("example.yaml").read_text(encoding="utf-8")
