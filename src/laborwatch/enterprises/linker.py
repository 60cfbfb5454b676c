"""The registry linker of the text engine, built once per process from the enterprise registry.

Rebuilt when the registry changes through a service here (`forget_registry`) or after
REFRESH_SECONDS, so another process's change is seen too.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings

from laborwatch.enterprises.models import Enterprise
from laborwatch.text.link import Candidate, Linker

REFRESH_SECONDS = 600
_lock = threading.Lock()
_linker: Linker | None = None
_built_at = 0.0


def forget_registry() -> None:
    global _linker
    with _lock:
        _linker = None


def registry_linker() -> Linker | None:
    """The linker over the whole registry, or None when text linking is switched off."""
    global _linker, _built_at
    if not getattr(settings, "LABORWATCH_TEXT_LINKING", True):
        return None
    with _lock:
        if _linker is None or time.monotonic() - _built_at > REFRESH_SECONDS:
            rows = Enterprise.objects.values("credit_code", "name", "short_names", "former_names")
            _linker = Linker.from_rows(rows.iterator(chunk_size=5000))
            _built_at = time.monotonic()
        return _linker


def employer_mentions(text: str, *, limit: int = 5) -> list[Candidate]:
    """Registered enterprises the text speaks of, most confident first."""
    linker = registry_linker()
    if linker is None or not text.strip():
        return []
    seen: dict[str, Candidate] = {}
    for candidate in linker.link(text):
        best = seen.get(candidate.credit_code)
        if best is None or candidate.confidence > best.confidence:
            seen[candidate.credit_code] = candidate
    ranked = sorted(seen.values(), key=lambda c: (-c.confidence, c.credit_code))
    return ranked[:limit]
