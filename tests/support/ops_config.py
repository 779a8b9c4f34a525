"""The ops tests' HubSpot connection: its token, objects and a config file pointing at a running sandbox."""

from __future__ import annotations

from pathlib import Path

from sandbox.common.launcher import SandboxProcess

TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"
OBJECTS = ("owners", "companies", "deals", "contacts")


def write_config(path: Path, sb: SandboxProcess, store_url: str, *, executor: str = "local",
                 broker: str = "redis://127.0.0.1:6379/14") -> Path:
    path.write_text(
        f"version: 1\nstore: {{url: '{store_url}'}}\nscheduler: {{executor: {executor}, broker_url: '{broker}'}}\n"
        f"connections:\n  hs_ops:\n    kind: hubspot\n    base_url: {sb.info.https_url}\n"
        f"    ca_bundle: {sb.info.ca_path}\n    auth: {{flow: private_app, token: {TOKEN}}}\n"
        f"    settle_lag_seconds: 1\n    objects: [{', '.join(OBJECTS)}]\n    schedule: {{interval_minutes: 60}}\n")
    return path
