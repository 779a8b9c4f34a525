"""``crmhub serve``: the web console and the API (web/) on uvicorn, over the configured store."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import typer

from access import SessionRules
from errors import ConfigError
from hub.context import config_option, failures, json_option, open_app, settings
from hub.output import Output


def serve_command(host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
                  port: int = typer.Option(8000, "--port", help="Port to listen on."),
                  https: bool = typer.Option(False, "--https", help="It is reached over https (a TLS proxy in "
                                                                    "front): Secure cookies and HSTS."),
                  config: Path = config_option(), as_json: bool = json_option()) -> None:
    """Serve the web console and the REST API (/api/v1, docs at /api/docs) in the foreground."""
    import uvicorn

    from web import create_app

    out = Output(as_json=as_json)
    with failures(out):
        s = settings()
        if s.web_secret is None:
            raise ConfigError("CRMHUB_WEB_SECRET is not set: it signs the session cookies; set it to a random "
                              "string of at least 32 characters (`python -c 'import secrets; "
                              "print(secrets.token_urlsafe(48))'`)")
        ctx = open_app(config, out)
        rules = SessionRules(idle=timedelta(minutes=s.web_idle_minutes))
        key = s.secret_key.get_secret_value() if s.secret_key is not None else None  # decrypts the TOTP seeds
        app = create_app(ctx.engine, secret=s.web_secret.get_secret_value(), kpi_settings=ctx.cfg.kpi, rules=rules,
                         https=https, secret_key=key, cfg=ctx.cfg)
    url = f"http://{host}:{port}/"
    if as_json:
        out.json({"url": url, "api": f"{url}api/v1", "docs": f"{url}api/docs"})
    else:
        sys.stderr.write(f"crmhub console on {url} (API docs: {url}api/docs); Ctrl-C stops it\n")
    uvicorn.run(app, host=host, port=port, log_level="warning")
