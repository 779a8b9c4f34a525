"""The demo's last act: how to open the web console on the demo's store, with a demo admin and a demo rep whose
credentials are printed (access/demo_accounts.py makes them)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from access import Accounts
from access.demo_accounts import ADMIN, REP, make_demo_accounts
from hub.context import App

URL = "http://127.0.0.1:8000/"


def console_block(app: App, cfg_path: Path) -> dict[str, Any]:
    made = make_demo_accounts(app.engine, Accounts(app.engine))
    secret = secrets.token_urlsafe(48)
    command = f"CRMHUB_WEB_SECRET={secret} .venv/bin/crmhub serve --config {cfg_path}"
    out = app.out
    out.info("[bold]The web console on the demo's store[/]")
    out.info(f"  {command}")
    out.info(f"  then open {URL} — admin: {ADMIN} / {made.admin_password}; "
             f"rep: {REP} / {made.rep_password} (sees only {made.rep_name}'s records)")
    return {"command": command, "url": URL, "admin": {"username": ADMIN, "password": made.admin_password},
            "rep": {"username": REP, "password": made.rep_password, "crm_user_id": made.rep_user_id}}
