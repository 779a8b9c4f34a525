"""Serve one sandbox app over HTTPS and HTTP on loopback, then announce where in a ready file."""

from __future__ import annotations

import asyncio
import json
import os
import socket
from pathlib import Path
from typing import Any

import uvicorn
from starlette.types import ASGIApp

from sandbox.common.tls import make_certs


def _bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Without it Nagle's algorithm and delayed ACKs add ~45 ms to every loopback round trip (accepted sockets
    # inherit the option on Linux).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _config(app: ASGIApp, **tls: Any) -> uvicorn.Config:
    return uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="off", timeout_keep_alive=30,
        timeout_graceful_shutdown=1,  # idle keep-alive TLS clients must not hold a stop for 10 s
        **tls
    )


def serve(
    app: ASGIApp,
    *,
    name: str,
    state_dir: Path,
    host: str = "127.0.0.1",
    https_port: int = 0,
    http_port: int = 0,
    ready_file: Path | None = None,
) -> None:
    """Block serving ``app``; write ``{name, https_url, http_url, ca_path, pid}`` to ``ready_file`` once listening."""
    certs = make_certs(state_dir / "tls")
    tls_sock, plain_sock = _bind(host, https_port), _bind(host, http_port)
    https = uvicorn.Server(
        _config(app, ssl_certfile=str(certs.cert_path), ssl_keyfile=str(certs.key_path))
    )
    http = uvicorn.Server(_config(app))
    info = {
        "name": name,
        "https_url": f"https://{host}:{tls_sock.getsockname()[1]}",
        "http_url": f"http://{host}:{plain_sock.getsockname()[1]}",
        "ca_path": str(certs.ca_path),
        "pid": os.getpid(),
    }

    async def main() -> None:
        tasks = [
            asyncio.create_task(https.serve(sockets=[tls_sock])),
            asyncio.create_task(http.serve(sockets=[plain_sock])),
        ]
        while not (https.started and http.started):
            await asyncio.sleep(0.01)
        if ready_file is not None:
            tmp = ready_file.with_suffix(".tmp")
            tmp.write_text(json.dumps(info))
            tmp.replace(ready_file)  # atomic: a reader never sees half a file
        print(json.dumps(info), flush=True)
        await asyncio.gather(*tasks)

    asyncio.run(main())
