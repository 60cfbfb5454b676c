"""The registry linker of the text engine, built once per process from the enterprise registry,
with an index of former and short names beside it.

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
# A former or short name, exactly as registered → credit codes of the enterprises bearing it.
_other_names: dict[str, list[str]] = {}
_built_at = 0.0


def forget_registry() -> None:
    global _linker
    with _lock:
        _linker = None


def registry_linker() -> Linker | None:
    """The linker over the whole registry, or None when text linking is switched off."""
    if not getattr(settings, "LABORWATCH_TEXT_LINKING", True):
        return None
    with _lock:
        _build_if_stale()
        return _linker


def enterprises_known_as(name: str) -> list[str] | None:
    """Credit codes of enterprises with `name` among their former or short names, as of the
    last build; None when text linking (and so the index) is switched off."""
    if not getattr(settings, "LABORWATCH_TEXT_LINKING", True):
        return None
    with _lock:
        _build_if_stale()
        return list(_other_names.get(name, ()))


def _build_if_stale() -> None:
    """Build the linker and the name index; the caller holds the lock."""
    global _linker, _other_names, _built_at
    if _linker is not None and time.monotonic() - _built_at <= REFRESH_SECONDS:
        return
    rows = list(Enterprise.objects.values("credit_code", "name", "short_names", "former_names"))
    other_names: dict[str, list[str]] = {}
    for row in rows:
        for name in dict.fromkeys([*row["former_names"], *row["short_names"]]):
            if isinstance(name, str):
                other_names.setdefault(name, []).append(row["credit_code"])
    _linker = Linker.from_rows(rows)
    _other_names = other_names
    _built_at = time.monotonic()


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
