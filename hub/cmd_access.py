"""``crmhub users add|list|set-role|disable|enrol-mfa`` and ``crmhub tokens create|list|revoke``: the web console's
accounts and API tokens. The service is ``access``; these read options, prompt for passwords and print.

Passwords never come as an argument (it would sit in the shell's history and the process list): a prompt, or
``--password-env VAR`` naming an environment variable. A token or an enrolment URI is printed once, at creation.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import typer

from access import Accounts, Tokens
from access.audit import CLI
from access.roles import ROLES, parse_role
from errors import ConfigError
from hub.cmd_audit import checkpoint_if_due
from hub.context import config_option, failures, json_option, open_app, settings
from hub.output import Output

users_app = typer.Typer(no_args_is_help=True, help="The web console's accounts: add, list, set roles, disable, MFA.")
tokens_app = typer.Typer(no_args_is_help=True, help="API tokens for /api/v1: create (shown once), list, revoke.")
ROLE_HELP = f"One of {', '.join(ROLES)}."
CRM_USER_HELP = "The crm_user id (of the store) whose scope a manager or rep sees."


def _password(env: str | None, *, as_json: bool) -> str:
    if env:
        found = os.environ.get(env)
        if not found:
            raise ConfigError(f"--password-env {env}: the environment variable {env} is not set or empty")
        return found
    if not sys.stdin.isatty() and as_json:
        raise ConfigError("no terminal to prompt for the password: pass --password-env VAR")
    typed: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    return typed


def _print_account(out: Output, doc: dict[str, Any], verb: str) -> None:
    if out.as_json:
        out.json({"account": doc})
    else:
        link = f", crm_user {doc['crm_user_id']}" if doc["crm_user_id"] else ""
        out.info(f"{verb} {doc['username']} ({doc['role']}{link})")


def _once(out: Output, doc: dict[str, Any], line: str) -> None:
    """A document with a secret shown this once: written past the output's redaction on purpose."""
    if out.as_json:
        sys.stdout.write(json.dumps({"ok": True, **doc}, indent=2) + "\n")
    else:
        sys.stdout.write(line + "\n")


@users_app.command("add")
def users_add(username: str = typer.Argument(..., help="Sign-in name: lowercase letters, digits, . _ @ -."),
              role: str = typer.Option(..., "--role", "-r", help=ROLE_HELP),
              crm_user: str = typer.Option(None, "--crm-user", help=CRM_USER_HELP),
              name: str = typer.Option("", "--name", help="Display name (default: the username)."),
              password_env: str = typer.Option(None, "--password-env", help="Read the password from this "
                                               "environment variable instead of a prompt."),
              config: Path = config_option(), as_json: bool = json_option()) -> None:
    """Add an account (prompts for its password)."""
    out = Output(as_json=as_json)
    with failures(out):
        checked = parse_role(role, where="--role")
        password = _password(password_env, as_json=as_json)
        ctx = open_app(config, out)
        account = Accounts(ctx.engine).create(username, password, role=checked, crm_user_id=crm_user,
                                              display_name=name, actor=CLI)
        checkpoint_if_due(ctx.engine, out)
    _print_account(out, account.public(), "added")


@users_app.command("list")
def users_list(config: Path = config_option(), as_json: bool = json_option()) -> None:
    """Every account: role, crm_user, MFA, disabled."""
    out = Output(as_json=as_json)
    with failures(out):
        accounts = [a.public() for a in Accounts(open_app(config, out).engine).list()]
    if as_json:
        out.json({"count": len(accounts), "accounts": accounts})
        return
    out.table(f"Accounts: {len(accounts)}", ["username", "name", "role", "crm_user", "mfa", "disabled"],
              [(a["username"], a["display_name"], a["role"], a["crm_user_id"], "yes" if a["mfa_enrolled"] else "no",
                a["disabled_at"] or "") for a in accounts])


@users_app.command("set-role")
def users_set_role(username: str = typer.Argument(...), role: str = typer.Argument(..., help=ROLE_HELP),
                   crm_user: str = typer.Option(None, "--crm-user", help=CRM_USER_HELP),
                   config: Path = config_option(), as_json: bool = json_option()) -> None:
    """Change an account's role (and the crm_user whose scope it has)."""
    out = Output(as_json=as_json)
    with failures(out):
        checked = parse_role(role)
        engine = open_app(config, out).engine
        account = Accounts(engine).set_role(username, checked, crm_user_id=crm_user, actor=CLI)
        checkpoint_if_due(engine, out)
    _print_account(out, account.public(), "now")


@users_app.command("disable")
def users_disable(username: str = typer.Argument(...), config: Path = config_option(),
                  as_json: bool = json_option()) -> None:
    """Disable an account: refused at sign-in; its sessions and API tokens stop working at once."""
    out = Output(as_json=as_json)
    with failures(out):
        engine = open_app(config, out).engine
        account = Accounts(engine).disable(username, actor=CLI)
        checkpoint_if_due(engine, out)
    _print_account(out, account.public(), "disabled")


@users_app.command("enrol-mfa")
def users_enrol_mfa(username: str = typer.Argument(...), config: Path = config_option(),
                    as_json: bool = json_option()) -> None:
    """Give an account a new TOTP seed (stored encrypted with CRMHUB_SECRET_KEY); prints the otpauth:// URI once."""
    out = Output(as_json=as_json)
    with failures(out):
        key = settings().secret_key  # CRMHUB_SECRET_KEY: the seed is stored encrypted with it
        engine = open_app(config, out).engine
        accounts = Accounts(engine, secret_key=key.get_secret_value() if key else None)
        enrolment = accounts.enrol_mfa(username, actor=CLI)
        checkpoint_if_due(engine, out)
    _once(out, {"username": username, "otpauth_uri": enrolment.uri},
          f"add this to the authenticator app (shown once):\n{enrolment.uri}")


@tokens_app.command("create")
def tokens_create(username: str = typer.Argument(..., help="The account the token acts as."),
                  name: str = typer.Option(..., "--name", "-n", help="What uses the token (e.g. 'BI export')."),
                  config: Path = config_option(), as_json: bool = json_option()) -> None:
    """Create an API token; prints it once (only its SHA-256 is kept)."""
    out = Output(as_json=as_json)
    with failures(out):
        engine = open_app(config, out).engine
        token, secret = Tokens(engine).create(username, name, actor=CLI)
        checkpoint_if_due(engine, out)
    _once(out, {"token": token.public(), "secret": secret},
          f"token {token.id} for {token.username} (shown once; send it as 'Authorization: Bearer ...'):\n{secret}")


@tokens_app.command("list")
def tokens_list(username: str = typer.Option(None, "--user", "-u", help="Only this account's tokens."),
                config: Path = config_option(), as_json: bool = json_option()) -> None:
    """API tokens: id, account, name, created, last used, revoked (never the token)."""
    out = Output(as_json=as_json)
    with failures(out):
        tokens = [t.public() for t in Tokens(open_app(config, out).engine).list(username)]
    if as_json:
        out.json({"count": len(tokens), "tokens": tokens})
        return
    out.table(f"API tokens: {len(tokens)}", ["#id", "username", "name", "created", "last used", "revoked"],
              [(t["id"], t["username"], t["name"], t["created_at"], t["last_used_at"] or "", t["revoked_at"] or "")
               for t in tokens])


@tokens_app.command("revoke")
def tokens_revoke(token_id: int = typer.Argument(..., help="The token's id (`crmhub tokens list`)."),
                  config: Path = config_option(), as_json: bool = json_option()) -> None:
    """Revoke an API token: refused from its next request on."""
    out = Output(as_json=as_json)
    with failures(out):
        engine = open_app(config, out).engine
        token = Tokens(engine).revoke(token_id, actor=CLI)
        checkpoint_if_due(engine, out)
    if as_json:
        out.json({"token": token.public()})
    else:
        out.info(f"revoked token {token.id} ({token.name}) of {token.username}")
