"""``python -m bench.section <module> <function> [--quick]``: one benchmark of another owner in a fresh process
(its memory is its own). The function is called with ``quick``; rows it returns are saved under the module's
name (a dict is one row), and a function that saves its own sections returns None."""

from __future__ import annotations

import importlib
import sys

from bench.common import save


def main() -> None:
    module, function = sys.argv[1], sys.argv[2]
    rows = getattr(importlib.import_module(module), function)(quick="--quick" in sys.argv[3:])
    if isinstance(rows, dict):  # one row
        rows = [rows]
    if isinstance(rows, list) and rows and isinstance(rows[0], dict):
        save(module.rsplit(".", 1)[-1], rows)


if __name__ == "__main__":
    main()
