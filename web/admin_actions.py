"""The admin console's two actions, shared by its form posts and its API: replay quarantined records, retry the
write-back's dead letters. Each is refused unless the account's role may act, needs crmhub.yaml (the app was
started with it), and leaves one audit row saying who asked, what was open before and what the action did."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr

from access import CONSOLE_ACTORS, Account, Actor, log_action, require_role
from config import CrmhubConfig
from errors import ConfigError, CrmhubError
from sync.admin import open_quarantined, replay_quarantined, retry_writeback, writeback_status
from sync.admin_connections import check_connection
from web.services import WebServices


def config_of(web: WebServices, what: str) -> CrmhubConfig:
    if web.cfg is None:
        raise ConfigError(f"{what} needs crmhub.yaml: start the console with `crmhub serve --config crmhub.yaml`")
    return web.cfg


def replay(web: WebServices, account: Account, *, connection: str | None, rule: str | None) -> dict[str, Any]:
    require_role(account, CONSOLE_ACTORS, "replaying quarantined records")
    cfg = config_of(web, "a replay")
    if connection is not None:
        cfg.connection(connection)  # an unknown name is a ConfigError naming the connections there are
    before = {"open": open_quarantined(web.engine, connection=connection, rule=rule)}
    counts = replay_quarantined(web.engine, cfg, connection=connection, rule=rule)
    result = {"streams": [c.as_dict() for c in counts], "landed": sum(c.landed for c in counts),
              "still_quarantined": sum(c.still_quarantined for c in counts)}
    log_action(web.engine, at=web.now(), actor=Actor(account.id, account.username), action="quarantine.replay",
               target=f"quarantine:{connection or '*'}:{rule or '*'}", before=before,
               after={"landed": result["landed"], "still_quarantined": result["still_quarantined"]})
    return result


def retry(web: WebServices, account: Account, *, connection: str) -> dict[str, Any]:
    require_role(account, CONSOLE_ACTORS, "retrying the write-back's dead letters")
    cfg = config_of(web, "a retry")
    cfg.connection(connection)
    mine = [r for r in writeback_status(web.engine) if r["connection"] == connection]
    before = {"dead": sum(r["dead"] for r in mine), "retryable": sum(r["retryable"] for r in mine)}
    key = SecretStr(web.secret_key) if web.secret_key else None
    summaries = retry_writeback(web.engine, cfg, [connection], secret_key=key)
    result = {"streams": [s.as_dict() for s in summaries]}
    log_action(web.engine, at=web.now(), actor=Actor(account.id, account.username), action="writeback.retry",
               target=f"writeback:{connection}", before=before,
               after={"streams": [{"object": s.object, "status": s.status, "updated": s.updated,
                                              "failed": s.failed, "conflicts": s.conflicts} for s in summaries]})
    return result


def check(web: WebServices, account: Account, *, connection: str) -> dict[str, Any]:
    """``crmhub check``: the connection's credentials and API limits. A refusal (bad credentials, an unreachable
    CRM) is the result, not an error page: it is what the admin came to learn."""
    require_role(account, CONSOLE_ACTORS, "checking a connection")
    cfg = config_of(web, "a check")
    cfg.connection(connection)
    key = SecretStr(web.secret_key) if web.secret_key else None
    try:
        result = check_connection(cfg, connection, engine=web.engine, secret_key=key)
    except CrmhubError as exc:
        result = {"ok": False, "connection": connection, "error": getattr(exc, "message", str(exc))}
    log_action(web.engine, at=web.now(), actor=Actor(account.id, account.username), action="connection.check",
               target=f"connection:{connection}", before=None,
               after={"ok": result["ok"], "error": result.get("error")})
    return result
