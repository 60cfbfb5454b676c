"""Secrets the embedded default generates once and keeps under the data directory."""

from __future__ import annotations

import base64
import os
from pathlib import Path


def load_or_create_secret(path: Path) -> str:
    """Read a urlsafe-base64 32-byte secret from `path`, creating it (mode 0600) on first use."""
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")
    # O_EXCL: two processes starting at once must not write two different keys.
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secret)
    return secret
