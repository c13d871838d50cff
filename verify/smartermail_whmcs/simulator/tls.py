"""Throwaway CA and server certificate (trustme) for the simulator's HTTPS mode."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CertFiles:
    ca: Path
    chain: Path
    key: Path


def write_cert_files(cert_dir: Path) -> CertFiles:
    """Write ca.pem, server.pem (leaf + chain) and server.key for 127.0.0.1 and localhost."""
    import trustme  # imported here: plain-HTTP use needs no third-party package

    cert_dir.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA(organization_name="smartermail-whmcs simulator test CA")
    leaf = ca.issue_cert("127.0.0.1", "localhost", "::1")
    files = CertFiles(cert_dir / "ca.pem", cert_dir / "server.pem", cert_dir / "server.key")
    ca.cert_pem.write_to_path(str(files.ca))
    files.chain.write_bytes(b"".join(blob.bytes() for blob in leaf.cert_chain_pems))
    leaf.private_key_pem.write_to_path(str(files.key))
    files.key.chmod(0o600)
    return files


def server_context(files: CertFiles) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(str(files.chain), str(files.key))
    return context
