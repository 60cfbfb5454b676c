"""The registry's linking index: one text-engine `Linker` per process, built from the enterprise
registry, through which the application links every employer name and text.

Kept for INDEX_CACHE_SECONDS (lib.process_cache) and forgotten by the registry's services
when they change an enterprise (`forget_registry`), so the process that made the change sees
it at once and every other process within that time. The index only proposes: callers check
each proposal against the registry as it is now (see cases.linking), so a process still
holding an older index may miss a new name for a while but never links a removed enterprise.

With LABORWATCH_TEXT_LINKING off no index is built: nothing is found in texts or by
resemblance, and intake finds former and short names by a scan of the registry.
"""

from __future__ import annotations

from django.conf import settings

from laborwatch.enterprises.models import Enterprise
from laborwatch.lib.process_cache import ProcessCache
from laborwatch.text.link import Candidate, Linker

INDEX_CACHE_SECONDS = 600.0
_index: ProcessCache[None, Linker] = ProcessCache(
    "registry linking index", seconds=INDEX_CACHE_SECONDS
)


def forget_registry() -> None:
    """After a change to the registry (see ProcessCache.forget)."""
    _index.forget()


def registry_linker() -> Linker | None:
    """The linker over the whole registry, or None when text linking is switched off."""
    if not getattr(settings, "LABORWATCH_TEXT_LINKING", True):
        return None
    return _index.get(
        None,
        lambda: Linker.from_rows(
            Enterprise.objects.values("credit_code", "name", "short_names", "former_names")
        ),
    )


def enterprises_known_as(name: str) -> list[str] | None:
    """Credit codes of enterprises with `name` among their former or short names, as of the
    index; None when text linking (and so the index) is switched off."""
    linker = registry_linker()
    return None if linker is None else linker.known_as(name)


def closest_names(name: str, *, limit: int, min_score: float) -> list[tuple[str, str, float]]:
    """(credit code, name, score 0–100) of the registered names most like a told name, best
    first; none when text linking is switched off."""
    linker = registry_linker()
    return [] if linker is None else linker.closest_names(name, limit=limit, min_score=min_score)


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
