"""Employer linking at intake: credit code, a confirmed alias, names, then the text engine.

Returns the linked enterprise when one match is certain, else candidates for the handler to
confirm. An unknown employer stays as told and can be linked later; each confirmation teaches
an alias (EmployerAlias) so the same told name links at once next time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz, process

from laborwatch.core.models import OrgUnit
from laborwatch.enterprises.linker import employer_mentions, enterprises_known_as
from laborwatch.enterprises.models import Enterprise
from laborwatch.lib.codes import credit_code_problem, normalize_code
from laborwatch.lib.prepared import Param, PreparedRead, concrete_attnames
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


def link_employer(*, credit_code: str = "", name: str = "", description: str = "") -> EmployerMatch:
    code = normalize_code(credit_code)
    if code and credit_code_problem(code) is None:
        by_code = _BY_CODE.rows(code=code)
        if by_code:
            enterprise = _with_district(by_code[0])
            return EmployerMatch(enterprise, [Candidate(code, enterprise.name, "credit_code", 1.0)])
    name = name.strip()
    usable = bool(name) and not is_anonymised(name)  # a real name, not "某公司"
    if usable:
        known = _BY_ALIAS.rows(name=name)
        if known:
            found = _with_district(known[0])
            return EmployerMatch(found, [Candidate(found.credit_code, found.name, "alias", 1.0)])
        exact = _BY_NAME.rows(name=name)
        if len(exact) == 1:
            found = _with_district(exact[0])
            return EmployerMatch(found, [Candidate(found.credit_code, found.name, "name", 1.0)])
    candidates = _name_candidates(name) if usable else []
    if not candidates:
        candidates = _text_candidates(name if usable else "", description)
    if not candidates and usable:
        candidates = _near_misses(name)
    if len(candidates) == 1 and candidates[0].confidence >= AUTO_LINK_CONFIDENCE:
        linked = _BY_CODE.rows(code=candidates[0].credit_code)
        if linked:  # unless deleted since the candidates were read
            return EmployerMatch(_with_district(linked[0]), candidates)
    return EmployerMatch(None, candidates)


# Every pushed work order links its employer by one of these: each is built and compiled once
# per process (lib.prepared). Intake files the case under the employer's district, so the
# district comes in the same row. By unique keys or an exact name: no ORDER BY.
ENTERPRISE_FIELDS = concrete_attnames(Enterprise)
DISTRICT_FIELDS = concrete_attnames(OrgUnit)


def _enterprise_rows(enterprises: QuerySet[Enterprise]) -> QuerySet[Enterprise, tuple[Any, ...]]:
    district = [f"district__{name}" for name in DISTRICT_FIELDS]
    return enterprises.order_by().values_list(*ENTERPRISE_FIELDS, *district)


def _with_district(row: tuple[Any, ...]) -> Enterprise:
    db, split = Enterprise.objects.db, len(ENTERPRISE_FIELDS)
    enterprise = Enterprise.from_db(db, ENTERPRISE_FIELDS, row[:split])
    enterprise.district = OrgUnit.from_db(db, DISTRICT_FIELDS, row[split:])
    return enterprise


_BY_CODE = PreparedRead(
    lambda code: _enterprise_rows(Enterprise.objects.filter(credit_code=code))[:1],
    Param("code", "\0credit_code\0"),
)
_BY_ALIAS = PreparedRead(
    lambda name: _enterprise_rows(Enterprise.objects.filter(aliases__name=name))[:1],
    Param("name", "\0alias\0"),
)
# Two, to tell one match from several.
_BY_NAME = PreparedRead(
    lambda name: _enterprise_rows(Enterprise.objects.filter(name=name))[:2],
    Param("name", "\0name\0"),
)


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


def _text_candidates(name: str, description: str) -> list[Candidate]:
    """Near misses in the told name (empty when it names nobody), else enterprises the
    description itself names."""
    mentions = employer_mentions(name) if name else []
    method_of = LINKER_KINDS
    if not mentions and description:
        mentions = employer_mentions(description)
        method_of = {kind: "text" for kind in LINKER_KINDS}
    # The linker may be a few minutes behind the registry: keep what is registered now.
    registered = set(
        Enterprise.objects.filter(credit_code__in=[m.credit_code for m in mentions]).values_list(
            "credit_code", flat=True
        )
    )
    return [
        Candidate(m.credit_code, m.name, method_of.get(m.match_kind, "text"), m.confidence)
        for m in mentions
        if m.credit_code in registered
    ][:MAX_CANDIDATES]


def _near_misses(name: str) -> list[Candidate]:
    """Last resort: fuzzy-compare with names sharing a two-character piece of the told name.

    Catches what the linker's distinctiveness filter skips in a small registry; bounded to a
    few hundred names per piece so it stays cheap on a large one.
    """
    pool: dict[str, str] = {}
    for start in range(0, max(len(name) - 1, 1), 2):
        piece = name[start : start + 2]
        if len(piece) < 2:
            continue
        rows = Enterprise.objects.filter(name__contains=piece).values_list("credit_code", "name")
        pool.update(rows[:200])
    matches = process.extract(
        name, pool, scorer=fuzz.WRatio, limit=MAX_CANDIDATES, score_cutoff=FUZZY_MIN_SCORE
    )
    return [
        Candidate(code, full, "fuzzy", round(score / 100 * 0.9, 3)) for full, score, code in matches
    ]
