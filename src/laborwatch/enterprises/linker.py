"""The registry's linking index: one text-engine `Linker` over the whole registry, built once
into the data dir and opened memory-mapped by every process, through which the application
links every employer name and text.

The index on disk (settings.LINK_INDEX_DIR, `$LABORWATCH_DATA_DIR/text/link_index/`) is
built when the registry is loaded (enterprises_bulk_load), by `laborwatch text link-index`,
or by the first process that finds none or finds it out of step with the registry (rows
indexed gone, or another database). Opening it takes a fraction of a second and its pages
are shared by every worker of a server. Enterprises created or edited after it was built are
indexed by each process in a small index of their own on top (`RegistryIndex`), read again
when the registry's services forget it (`forget_registry`) and at least every
INDEX_CACHE_SECONDS (lib.process_cache); past MAX_CHANGED_ROWS changed rows the index on
disk is rebuilt instead.

The index only proposes: callers check each proposal against the registry as it is now (see
cases.linking), so a process still holding an older index may miss a new name for a while but
never links a removed enterprise.

With LABORWATCH_TEXT_LINKING off no index is built: nothing is found in texts or by
resemblance, and intake finds former and short names by a scan of the registry.
"""

from __future__ import annotations

import fcntl
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q, QuerySet

from laborwatch.enterprises.models import Enterprise
from laborwatch.lib.process_cache import ProcessCache
from laborwatch.text.link import Candidate, Linker, best_per_enterprise

INDEX_CACHE_SECONDS = 600.0
# Beyond this many enterprises changed since the index was built, rebuild it.
MAX_CHANGED_ROWS = 5000
_FIELDS = ("credit_code", "name", "short_names", "former_names")


def index_folder() -> Path:
    return Path(settings.LINK_INDEX_DIR)


@dataclass
class RegistryIndex:
    """The index on disk, and the enterprises changed since it was built (their entries on
    disk, under older names, are set aside)."""

    base: Linker
    changed: Linker | None
    changed_codes: frozenset[str]

    def link(self, text: str, *, context: str = "") -> list[Candidate]:
        found = [
            c
            for c in self.base.link(text, context=context)
            if c.credit_code not in self.changed_codes
        ]
        if self.changed is not None:
            found.extend(self.changed.link(text, context=context))
        return found

    def known_as(self, name: str) -> list[str]:
        codes = [c for c in self.base.known_as(name) if c not in self.changed_codes]
        if self.changed is not None:
            codes.extend(self.changed.known_as(name))
        return codes

    def closest_names(
        self, name: str, *, limit: int, min_score: float
    ) -> list[tuple[str, str, float]]:
        found = [
            match
            for match in self.base.closest_names(name, limit=limit, min_score=min_score)
            if match[0] not in self.changed_codes
        ]
        if self.changed is not None:
            found.extend(self.changed.closest_names(name, limit=limit, min_score=min_score))
        return sorted(found, key=lambda match: (-match[2], match[1]))[:limit]


_index: ProcessCache[None, RegistryIndex] = ProcessCache(
    "registry linking index", seconds=INDEX_CACHE_SECONDS
)


def forget_registry() -> None:
    """After a change to the registry (see ProcessCache.forget)."""
    _index.forget()


def follow_registry_change() -> None:
    """After many registry rows changed: this process's linker forgets them at once, and the
    index on disk that every process opens is rebuilt once the change is committed."""
    forget_registry()
    transaction.on_commit(build_registry_index)


def build_registry_index() -> dict[str, object]:
    """Index the whole registry into the data dir (replacing the index there whole, one
    builder at a time); what was indexed, as of when."""
    folder = index_folder()
    folder.parent.mkdir(parents=True, exist_ok=True)
    with (folder.parent / "link_index.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _build(folder)


def _build(folder: Path) -> dict[str, object]:
    # Rows changed while the index is built are newer than the stamp: they count as changed.
    snapshot = Enterprise.objects.aggregate(as_of=Max("updated_at"), last_id=Max("id"))
    last_id = snapshot["last_id"] or 0
    rows = Enterprise.objects.filter(id__lte=last_id).order_by("id").values(*_FIELDS)
    linker = Linker.from_rows(rows.iterator(chunk_size=5000))
    stamp = snapshot["as_of"].isoformat() if snapshot["as_of"] else ""
    linker.save(folder, registry_as_of=stamp, last_id=last_id)
    return {"folder": str(folder), "enterprises": len(linker.entries), "registry_as_of": stamp}


def _in_step(linker: Linker) -> bool:
    """The rows the index was built from are all still in this registry (none deleted, not
    another database)."""
    last_id = int(linker.meta.get("last_id", -1))
    return Enterprise.objects.filter(id__lte=last_id).count() == len(linker.entries)


def _open_or_build() -> Linker:
    folder = index_folder()
    if (folder / "meta.json").exists():
        linker = Linker.open(folder)
        if _in_step(linker):
            return linker
    build_registry_index()
    return Linker.open(folder)


def _changed_since(linker: Linker) -> QuerySet[Enterprise]:
    stamp = linker.meta.get("registry_as_of", "")
    newer = Q(id__gt=int(linker.meta.get("last_id", 0)))
    if stamp:
        newer |= Q(updated_at__gt=datetime.fromisoformat(stamp))
    return Enterprise.objects.filter(newer)


def _load() -> RegistryIndex:
    base = _open_or_build()
    base.warm()
    changed = _changed_since(base)
    if changed.count() > MAX_CHANGED_ROWS:
        build_registry_index()
        base = Linker.open(index_folder())
        changed = _changed_since(base)
    rows = list(changed.values(*_FIELDS))
    codes = frozenset(row["credit_code"] for row in rows)
    return RegistryIndex(base, Linker.from_rows(rows) if rows else None, codes)


def registry_linker() -> RegistryIndex | None:
    """The index over the whole registry, or None when text linking is switched off."""
    if not getattr(settings, "LABORWATCH_TEXT_LINKING", True):
        return None
    return _index.get(None, _load)


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


def employer_mentions(text: str, *, limit: int = 5, context: str = "") -> list[Candidate]:
    """Registered enterprises the text speaks of, most confident first; `context` (the
    caller's district or street, say) ranks the firms that share a trade name."""
    linker = registry_linker()
    if linker is None or not text.strip():
        return []
    return best_per_enterprise(linker.link(text, context=context), limit=limit)
