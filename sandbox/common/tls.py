"""A throw-away certificate authority for the sandboxes' HTTPS listeners (trustme, not hand-rolled X.509)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import trustme


@dataclass(frozen=True, slots=True)
class CertFiles:
    ca_path: Path
    cert_path: Path
    key_path: Path


def make_certs(directory: Path) -> CertFiles:
    """Generate a CA and a loopback server certificate into ``directory``; the CA file is what clients trust."""
    directory.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA(organization_name="crmhub sandbox CA")
    server = ca.issue_cert("127.0.0.1", "localhost", "::1")
    files = CertFiles(directory / "ca.pem", directory / "server.pem", directory / "server.key")
    ca.cert_pem.write_to_path(str(files.ca_path))
    server.cert_chain_pems[0].write_to_path(str(files.cert_path))
    for extra in server.cert_chain_pems[1:]:
        extra.write_to_path(str(files.cert_path), append=True)
    server.private_key_pem.write_to_path(str(files.key_path))
    return files
