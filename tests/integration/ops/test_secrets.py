"""Secrets never appear: a full sync, a write-back, `runs`, `quality report`, `check`, `metrics` and deliberately
failing credentials on the four sandboxes, with sentinel secrets (tests/support/sentinels.py), JSON logs at DEBUG and
the token cache on; then every output is searched for the sentinels and for the access tokens the CRMs issued:
stdout, stderr (logs, errors, tracebacks), the --json documents, every row of every table of the store, the store's
files as bytes, and every file the commands left in their working directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select

import store
from store.tables import lead_score, source_link, token_cache
from store.tokens import TokenStore, new_key
from tests.support.sentinels import SENTINELS, Crm, sandboxes, write_config

CRMHUB = str(Path(sys.executable).parent / "crmhub")
KINDS = ("hubspot", "salesforce", "dynamics", "marketo")
WRITEBACK = {
    "hubspot": ("contacts", "contact", "{lead_score: crmhub_score, lead_grade: crmhub_grade}"),
    "salesforce": ("Lead", "lead", "{lead_score: Crmhub_Score__c, lead_grade: Crmhub_Grade__c}"),
    "dynamics": ("contacts", "contact", "{lead_score: crmhub_score, lead_grade: crmhub_grade}"),
    "marketo": ("leads", "lead", "{lead_score: crmhubScore}"),
}
WRONG = {name: f"SENTINELwrong{name.title().replace('_', '')}4k" for name in SENTINELS}


@pytest.fixture(scope="module")
def crms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Crm]]:
    with sandboxes(KINDS, tmp_path_factory.mktemp("secrets"), scale=60) as running:
        yield running


class Outputs:
    """Everything the commands printed, kept to be searched."""

    def __init__(self, workdir: Path, env: dict[str, str]) -> None:
        self.workdir, self.env, self.texts = workdir, env, []  # type: list[str]

    def run(self, *args: str, expect: int | None = 0, env: dict[str, str] | None = None) -> dict:
        proc = subprocess.run([CRMHUB, "--log-format", "json", "--log-level", "DEBUG", *args], capture_output=True,
                              text=True, env=env or self.env, cwd=self.workdir, timeout=900)
        self.texts += [proc.stdout, proc.stderr]
        if expect is not None:
            assert proc.returncode == expect, (args, proc.returncode, proc.stdout[-4000:], proc.stderr[-1500:])
        for line in proc.stderr.splitlines():  # the logs are JSON, one object per line (Rich errors aside)
            if line.startswith("{"):
                json.loads(line)
        return json.loads(proc.stdout) if "--json" in args and proc.stdout.strip() else {}


@pytest.mark.timeout(1200)  # about twenty crmhub processes against four sandboxes on a shared 2-core machine
def test_no_secret_in_any_output(crms: dict[str, Crm], tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    db = work / "crmhub.db"
    url = f"sqlite:///{db}"
    key = new_key()
    wb = {k: f"    writeback: {{enabled: true, fields: {WRITEBACK[k][2]}}}\n" for k in KINDS}
    config = write_config(work / "crmhub.yaml", crms, url, writeback=wb)
    env = {**os.environ, **SENTINELS, "CRMHUB_SECRET_KEY": key}
    out = Outputs(work, env)

    synced = out.run("sync", "--config", str(config), "--json")
    assert synced["ok"], synced
    _score(url, crms)
    # Whether every record is accepted is tested elsewhere (test_writeback_crms.py); here each CRM must have taken some,
    # so the write path, its logs and its results were exercised.
    written = out.run("writeback", "--config", str(config), "--json", expect=None)
    updated = {c.connection: sum(w["updated"] for w in written["writebacks"] if w["connection"] == c.connection)
               for c in crms.values()}
    assert all(updated.get(c.connection) for c in crms.values()), written
    out.run("runs", "--config", str(config), "--json")
    out.run("runs", "--config", str(config))
    out.run("quality", "report", "--config", str(config), "--json")
    out.run("metrics", "--config", str(config))
    for crm in crms.values():
        out.run("check", crm.connection, "--config", str(config), "--json")
    out.run("sync", "--config", str(config))  # the Rich table and progress path too

    # Credentials the CRM refuses: every secret replaced by a wrong sentinel; a fresh store, so no cached token.
    wrong_config = write_config(work / "wrong.yaml", crms, f"sqlite:///{work / 'wrong.db'}")
    wrong_env = {**env, **WRONG}
    for crm in crms.values():
        refused = out.run("check", crm.connection, "--config", str(wrong_config), "--json", expect=3, env=wrong_env)
        assert refused["error"]["kind"] == "auth", refused
    out.run("sync", "--config", str(wrong_config), "--json", expect=None, env=wrong_env)

    issued = _issued_tokens(url, key)
    assert len(issued) >= len(KINDS)  # each CRM's token or session was cached, encrypted
    needles = {**SENTINELS, **WRONG, **{f"issued token {i}": t for i, t in enumerate(issued)}}
    haystacks = {f"command output {i}": text for i, text in enumerate(out.texts)}
    haystacks |= {f"table {name}": text for name, text in _table_dump(url).items()}
    haystacks |= {f"file {p.relative_to(work)}": p.read_bytes().decode("latin-1")
                  for p in sorted(work.rglob("*")) if p.is_file() and p.name not in ("crmhub.yaml", "wrong.yaml")}
    leaks = [f"{needle} in {where}" for needle, secret in needles.items() for where, text in haystacks.items()
             if secret in text]
    assert not leaks, leaks
    # Not an empty search: the logs carried the runs, and secret-bearing lines (Marketo's identity call puts the
    # client secret in its URL, which httpx logs) reached the log handler and were masked there.
    assert any("run succeeded" in t for t in out.texts)
    assert any("client_secret=***" in t for t in out.texts)


def _score(url: str, crms: dict[str, Crm]) -> None:
    """Scores for five records of each CRM's lead/contact object (the scoring itself is tested elsewhere)."""
    engine = store.make_engine(url)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        for kind, crm in crms.items():
            obj, entity, _ = WRITEBACK[kind]
            ids = conn.execute(select(source_link.c.canonical_id).where(
                source_link.c.connection == crm.connection, source_link.c.object == obj,
                source_link.c.is_deleted.is_(False)).order_by(source_link.c.source_id).limit(5)).scalars().all()
            assert len(ids) == 5, (kind, ids)
            conn.execute(lead_score.insert(), [{
                "entity": entity, "record_id": cid, "score": 60 + i, "grade": "warm", "engagement": 40.0,
                "intent": 30.0, "fit": 20.0, "probability": None, "reasons": "+12 pricing page visits",
                "contributions": "[]", "model_version": "rules-test", "scored_at": now,
                "valid_until": now + timedelta(days=1)} for i, cid in enumerate(ids)])
    engine.dispose()


def _issued_tokens(url: str, key: str) -> list[str]:
    """The access tokens / sessions the CRMs issued, decrypted from the cache: they must not be in clear anywhere."""
    engine = store.make_engine(url)
    cache = TokenStore(engine, key)
    tokens: list[str] = []
    with engine.connect() as conn:
        for row in conn.execute(select(token_cache)):
            value = json.loads(cache._fernet.decrypt(row.ciphertext))
            if "msal" in value:
                tokens += [t["secret"] for t in json.loads(value["msal"]).get("AccessToken", {}).values()]
            tokens += [value[k] for k in ("access_token",) if value.get(k)]
    engine.dispose()
    return tokens


def _table_dump(url: str) -> dict[str, str]:
    engine = store.make_engine(url)
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        dump = {name: "\n".join(repr(tuple(row)) for row in conn.execute(select(table)))
                for name, table in meta.tables.items()}
    engine.dispose()
    return dump
