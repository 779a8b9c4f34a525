"""``python -m bench [--quick]``: run every benchmark, write bench/results/latest.json, print markdown tables."""

from __future__ import annotations

import argparse

from bench import dynamics_sync, hubspot_sync, marketo_sync, salesforce_sync, scoring


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="smaller volumes: about two minutes")
    args = parser.parse_args()
    hubspot_sync.main(quick=args.quick)
    scoring.main(quick=args.quick)
    dynamics_sync.main(quick=args.quick)
    salesforce_sync.main(quick=args.quick)
    marketo_sync.main(quick=args.quick)


if __name__ == "__main__":
    main()
