"""``python -m sandbox NAME [--seed --scale --profile --option k=v ...]``: serve one CRM sandbox until stopped."""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path

from sandbox.common.admin import Harness
from sandbox.common.launcher import SANDBOXES
from sandbox.common.middleware import SandboxMiddleware
from sandbox.common.server import serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("name", choices=SANDBOXES)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scale", type=int, default=1000, help="size of the seeded data (contacts/leads/accounts)")
    parser.add_argument("--profile", default="strict", help="strict (the real limits) or unlimited (benchmarks)")
    parser.add_argument("--option", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--state-dir", type=Path, required=True)
    parser.add_argument("--https-port", type=int, default=0)
    parser.add_argument("--http-port", type=int, default=0)
    parser.add_argument("--ready-file", type=Path)
    args = parser.parse_args(argv)
    options = dict(opt.split("=", 1) for opt in args.option)
    harness = Harness(args.name)
    module = importlib.import_module(f"sandbox.{args.name}.app")
    app = module.create_app(seed=args.seed, scale=args.scale, profile=args.profile, options=options, harness=harness)
    args.state_dir.mkdir(parents=True, exist_ok=True)
    serve(
        SandboxMiddleware(app, calls=harness.calls, faults=harness.faults),
        name=args.name, state_dir=args.state_dir, https_port=args.https_port, http_port=args.http_port,
        ready_file=args.ready_file,
    )


if __name__ == "__main__":
    main()
