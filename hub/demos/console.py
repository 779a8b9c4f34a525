"""The demo's last act: how to open the web console on the demo's store, with a demo admin and a demo rep whose
credentials are printed (access/demo_accounts.py makes them).

``crmhub serve`` loads the demo's crmhub.yaml, whose connections name their secrets as ``${DEMO_...}`` variables
that live only in the demo's process; they go, with a fresh CRMHUB_WEB_SECRET, into ``console.env`` beside the
config (owner-only), which the printed command reads."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from access import Accounts
from access.demo_accounts import ADMIN, REP, make_demo_accounts
from hub.context import App

URL = "http://127.0.0.1:8000/"


def console_block(app: App, cfg_path: Path, env: Mapping[str, str]) -> dict[str, Any]:
    """Make the accounts, write console.env (``env``: the demo CRMs' variables) and print how to serve."""
    made = make_demo_accounts(app.engine, Accounts(app.engine))
    env_path = cfg_path.parent / "console.env"
    env_path.touch(mode=0o600)
    lines = {"CRMHUB_WEB_SECRET": secrets.token_urlsafe(48), **env}
    env_path.write_text("".join(f"{k}={v}\n" for k, v in lines.items()), encoding="utf-8")
    command = f"env $(cat {env_path}) .venv/bin/crmhub serve --config {cfg_path}"
    out = app.out
    out.info("[bold]The web console on the demo's store[/]")
    out.info(f"  {command}")
    out.info(f"  then open {URL} — admin: {ADMIN} / {made.admin_password}; "
             f"rep: {REP} / {made.rep_password} (sees only {made.rep_name}'s records)")
    return {"command": command, "url": URL, "admin": {"username": ADMIN, "password": made.admin_password},
            "rep": {"username": REP, "password": made.rep_password, "crm_user_id": made.rep_user_id}}
