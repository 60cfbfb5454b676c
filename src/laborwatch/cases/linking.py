"""Employer linking at intake: credit code, a confirmed alias, names, then the text engine.

Returns the linked enterprise when one match is certain, else candidates for the handler to
confirm. Everything matched in memory comes from the registry's one linking index
(enterprises.linker) and is checked here against the registry as it is now. An unknown
employer stays as told and can be linked later; each confirmation teaches an alias
(EmployerAlias) so the same told name links at once next time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from laborwatch.core.models import OrgUnit
from laborwatch.enterprises.linker import (
    closest_names,
    employer_mentions,
    enterprises_known_as,
)
from laborwatch.enterprises.models import Enterprise
from laborwatch.lib.codes import credit_code_problem, normalize_code
from laborwatch.text.names import is_anonymised

MAX_CANDIDATES = 5
FUZZY_MIN_SCORE = 80
AUTO_LINK_CONFIDENCE = 0.95
LINKER_KINDS = {"full": "name", "former": "former_name", "short": "short_name", "fuzzy": "fuzzy"}


# How a candidate was found (Candidate.method), as the handler confirming it reads it.
MATCH_METHOD_LABELS: dict[str, Promise] = {
    "credit_code": _("Credit code"),
    "alias": _("Name confirmed before"),
    "name": _("Full name"),
    "former_name": _("Former name"),
    "short_name": _("Short name"),
    "fuzzy": _("Similar name"),
    "text": _("Named in the description"),
}


@dataclass(frozen=True)
class Candidate:
    credit_code: str
    name: str
    method: str  # a key of MATCH_METHOD_LABELS
    confidence: float

    @property
    def method_label(self) -> str:
        label = MATCH_METHOD_LABELS.get(self.method)
        return str(label) if label is not None else self.method


@dataclass
class EmployerMatch:
    enterprise: Enterprise | None = None
    candidates: list[Candidate] = field(default_factory=list)


def caller_context(district: OrgUnit | None, project_name: str = "") -> str:
    """What intake knows of where the caller works besides the text: the district union the
    case is filed under and the project named. The text engine ranks the firms sharing a
    trade name by the place and industry words found here (国联运输 in 李沧区 before 黄岛区)."""
    parts = [district.name, district.short_name] if district is not None else []
    return " ".join(part for part in [*parts, project_name.strip()] if part)


def link_employer(
    *, credit_code: str = "", name: str = "", description: str = "", context: str = ""
) -> EmployerMatch:
    """The employer a caller names: by credit code, a confirmed alias, the registered name,
    former and short names, then the text engine over the told name or the description.
    `context` (caller_context) ranks the firms that share a trade name."""
    code = normalize_code(credit_code)
    if code and credit_code_problem(code) is None:
        by_code = _first(credit_code=code)
        if by_code is not None:
            return EmployerMatch(by_code, [Candidate(code, by_code.name, "credit_code", 1.0)])
    name = name.strip()
    usable = bool(name) and not is_anonymised(name)  # a real name, not "某公司"
    if usable:
        known = _first(aliases__name=name)
        if known is not None:
            return EmployerMatch(known, [Candidate(known.credit_code, known.name, "alias", 1.0)])
        # Two, to tell one match from several.
        exact = list(_enterprises(name=name)[:2])
        if len(exact) == 1:
            found = exact[0]
            return EmployerMatch(found, [Candidate(found.credit_code, found.name, "name", 1.0)])
    candidates = _name_candidates(name) if usable else []
    if not candidates:
        candidates = _text_candidates(name if usable else "", description, context)
    if not candidates and usable:
        candidates = _near_misses(name)
    if len(candidates) == 1 and candidates[0].confidence >= AUTO_LINK_CONFIDENCE:
        linked = _first(credit_code=candidates[0].credit_code)
        if linked is not None:  # unless deleted since the candidates were read
            return EmployerMatch(linked, candidates)
    return EmployerMatch(None, candidates)


def _enterprises(**lookups: Any) -> QuerySet[Enterprise]:
    """Enterprises matching exact lookups, with the district intake files the case under.

    By unique keys or an exact name: no ORDER BY.
    """
    return Enterprise.objects.select_related("district").filter(**lookups).order_by()


def _first(**lookups: Any) -> Enterprise | None:
    return next(iter(_enterprises(**lookups)[:1]), None)


def _name_candidates(name: str) -> list[Candidate]:
    """Registered former and short names equal to the told name.

    The registry linker's name index says which enterprises to read; their rows as they are
    now decide, as a scan of the registry would.
    """
    codes = enterprises_known_as(name)
    if codes is None:
        rows = Enterprise.objects.filter(search_text__contains=name)[:50]
    elif codes:
        rows = Enterprise.objects.filter(credit_code__in=codes)
    else:
        return []
    found: dict[str, Candidate] = {}
    for enterprise in rows:
        if name in enterprise.former_names:
            found[enterprise.credit_code] = Candidate(
                enterprise.credit_code, enterprise.name, "former_name", 0.95
            )
        elif name in enterprise.short_names:
            found[enterprise.credit_code] = Candidate(
                enterprise.credit_code, enterprise.name, "short_name", 0.8
            )
    ranked = sorted(found.values(), key=lambda c: (-c.confidence, c.name))
    return ranked[:MAX_CANDIDATES]


def _text_candidates(name: str, description: str, context: str = "") -> list[Candidate]:
    """Near misses in the told name (empty when it names nobody), else enterprises the
    description itself names; `context` ranks the firms sharing a trade name."""
    mentions = employer_mentions(name, context=context) if name else []
    method_of = LINKER_KINDS
    if not mentions and description:
        mentions = employer_mentions(description, context=context)
        method_of = {kind: "text" for kind in LINKER_KINDS}
    registered = _registered_now([m.credit_code for m in mentions])
    return [
        Candidate(m.credit_code, m.name, method_of.get(m.match_kind, "text"), m.confidence)
        for m in mentions
        if m.credit_code in registered
    ][:MAX_CANDIDATES]


def _near_misses(name: str) -> list[Candidate]:
    """Last resort: the registered names the told name most resembles."""
    matches = closest_names(name, limit=MAX_CANDIDATES, min_score=FUZZY_MIN_SCORE)
    registered = _registered_now([code for code, _, _ in matches])
    return [
        Candidate(code, full, "fuzzy", round(score / 100 * 0.9, 3))
        for code, full, score in matches
        if code in registered
    ]


def _registered_now(codes: list[str]) -> set[str]:
    """The linking index may be a few minutes behind the registry: keep what is registered now."""
    if not codes:
        return set()
    return set(
        Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", flat=True)
    )
