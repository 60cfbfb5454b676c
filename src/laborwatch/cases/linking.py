"""Employer linking at intake: credit code, then names (current, former, short), then fuzzy.

Returns the linked enterprise when one match is certain, else candidates for the handler to
confirm. An unknown employer stays as told and can be linked later.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from rapidfuzz import fuzz, process

from laborwatch.enterprises.models import Enterprise
from laborwatch.lib.codes import credit_code_problem, normalize_code

FUZZY_MIN_SCORE = 80
MAX_CANDIDATES = 5
ANONYMISED_MARKERS = ("某", "XX", "xx", "××")


@dataclass(frozen=True)
class Candidate:
    credit_code: str
    name: str
    method: str  # credit_code / name / former_name / short_name / fuzzy
    confidence: float


@dataclass
class EmployerMatch:
    enterprise: Enterprise | None = None
    candidates: list[Candidate] = field(default_factory=list)


def link_employer(*, credit_code: str = "", name: str = "") -> EmployerMatch:
    code = normalize_code(credit_code)
    if code and credit_code_problem(code) is None:
        enterprise = _enterprises().filter(credit_code=code).first()
        if enterprise is not None:
            return EmployerMatch(enterprise, [Candidate(code, enterprise.name, "credit_code", 1.0)])
    name = name.strip()
    if not name or any(marker in name for marker in ANONYMISED_MARKERS):
        return EmployerMatch()
    exact = list(_enterprises().filter(name=name)[:2])
    if len(exact) == 1:
        return EmployerMatch(
            exact[0], [Candidate(exact[0].credit_code, exact[0].name, "name", 1.0)]
        )
    candidates = _name_candidates(name)
    if len(candidates) == 1 and candidates[0].confidence >= 0.95:
        return EmployerMatch(_enterprises().get(credit_code=candidates[0].credit_code), candidates)
    return EmployerMatch(None, candidates)


def _enterprises() -> QuerySet[Enterprise]:
    # Intake files the case under the employer's district: fetch it in the same query.
    return Enterprise.objects.select_related("district")


def _name_candidates(name: str) -> list[Candidate]:
    found: dict[str, Candidate] = {}
    for enterprise in Enterprise.objects.filter(search_text__contains=name)[:50]:
        if name in enterprise.former_names:
            found[enterprise.credit_code] = Candidate(
                enterprise.credit_code, enterprise.name, "former_name", 0.95
            )
        elif name in enterprise.short_names:
            found[enterprise.credit_code] = Candidate(
                enterprise.credit_code, enterprise.name, "short_name", 0.8
            )
    if found:
        ranked = sorted(found.values(), key=lambda c: (-c.confidence, c.name))
        return ranked[:MAX_CANDIDATES]
    # Near misses: compare against names sharing a two-character piece of the told name.
    pool: dict[str, str] = {}
    for start in range(0, max(len(name) - 1, 1), 2):
        piece = name[start : start + 2]
        if len(piece) < 2:
            continue
        for code, full in Enterprise.objects.filter(name__contains=piece).values_list(
            "credit_code", "name"
        )[:200]:
            pool[code] = full
    matches = process.extract(
        name, pool, scorer=fuzz.WRatio, limit=MAX_CANDIDATES, score_cutoff=FUZZY_MIN_SCORE
    )
    return [
        Candidate(code, full, "fuzzy", round(score / 100 * 0.9, 3)) for full, score, code in matches
    ]
