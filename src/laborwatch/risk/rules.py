"""The versioned rules configuration (data/rules-v1.toml) read into typed, checked objects."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GRADES = ("blue", "yellow", "orange", "red")  # level 1..4; 0 is "none"
GRADE_LEVEL = {grade: index + 1 for index, grade in enumerate(GRADES)}
NO_GRADE = "none"
DEFAULT_RULES = Path(__file__).parent / "data" / "rules-v1.toml"


class RulesError(ValueError):
    """The configuration is inconsistent; the message names the rule and the problem."""


@dataclass(frozen=True)
class Rule:
    id: str
    risk_type: str
    indicator: str
    thresholds: dict[str, float]  # grade → lowest value at which the rule reaches it
    weight: float
    department: str
    sets_grade: bool = False  # the rule's level is a floor for the risk type's grade
    floor_from: str = GRADES[0]  # ... from this grade up (lower levels only earn points)

    @property
    def floor_level(self) -> int:
        """The lowest level that is a floor for the grade; 5 (none) unless `sets_grade`."""
        return GRADE_LEVEL[self.floor_from] if self.sets_grade else len(GRADES) + 1

    def level_of(self, value: float) -> int:
        """The level (0-4) the rule reaches for a value; the scalar twin of the SQL."""
        reached = [GRADE_LEVEL[g] for g, threshold in self.thresholds.items() if value >= threshold]
        return max(reached, default=0)


@dataclass(frozen=True)
class Seasonal:
    industries: tuple[str, ...]
    days_before: int
    multiplier: float
    risk_types: tuple[str, ...]
    spring_festivals: tuple[dt.date, ...]

    def applies_on(self, day: dt.date) -> bool:
        """Whether `day` falls in the days before a Spring Festival (the festival included)."""
        return any(
            0 <= (festival - day).days <= self.days_before for festival in self.spring_festivals
        )


@dataclass(frozen=True)
class RulesConfig:
    version: str
    grades: dict[str, float]  # grade → lowest score
    levels: dict[str, float]  # grade → share of the weight earned
    windows: dict[str, Any]
    seasonal: Seasonal
    risk_types: dict[str, str]  # name → label
    indicators: dict[str, dict[str, str]]  # name → label, unit
    rules: tuple[Rule, ...]

    def grade_of(self, score: float, floor: int = 0) -> str:
        """The grade for a score, at least `floor`; the scalar twin of the SQL."""
        level = max([GRADE_LEVEL[g] for g, low in self.grades.items() if score >= low], default=0)
        level = max(level, floor)
        return GRADES[level - 1] if level else NO_GRADE


ACTIVE_RULES = Path("rules") / "active.toml"


def active_rules(root: Path) -> Path | None:
    """The rules the data directory was told to use (`laborwatch risk fit --activate`), or
    None for the shipped ones."""
    path = root / ACTIVE_RULES
    return path if path.is_file() else None


def load_rules(path: Path | None = None) -> RulesConfig:
    with (path or DEFAULT_RULES).open("rb") as handle:
        raw = tomllib.load(handle)
    return parse_rules(raw)


def parse_rules(raw: dict[str, Any]) -> RulesConfig:
    seasonal = raw["seasonal"]
    config = RulesConfig(
        version=str(raw["version"]),
        grades={grade: float(raw["grades"][grade]) for grade in GRADES},
        levels={grade: float(raw["levels"][grade]) for grade in GRADES},
        windows=dict(raw["windows"]),
        seasonal=Seasonal(
            industries=tuple(seasonal["industries"]),
            days_before=int(seasonal["days_before"]),
            multiplier=float(seasonal["multiplier"]),
            risk_types=tuple(seasonal["risk_types"]),
            spring_festivals=tuple(dt.date.fromisoformat(d) for d in seasonal["spring_festival"]),
        ),
        risk_types={name: entry["label"] for name, entry in raw["risk_types"].items()},
        indicators={name: dict(entry) for name, entry in raw["indicators"].items()},
        rules=tuple(
            Rule(
                id=entry["id"],
                risk_type=entry["risk_type"],
                indicator=entry["indicator"],
                thresholds={grade: float(value) for grade, value in entry["thresholds"].items()},
                weight=float(entry["weight"]),
                department=entry["department"],
                sets_grade=bool(entry.get("sets_grade", False)),
                floor_from=str(entry.get("floor_from", GRADES[0])),
            )
            for entry in raw["rules"]
        ),
    )
    _check(config)
    return config


def _check(config: RulesConfig) -> None:
    seen: set[str] = set()
    for rule in config.rules:
        where = f"rule {rule.id!r}"
        if rule.id in seen:
            raise RulesError(f"{where}: duplicate id")
        seen.add(rule.id)
        if rule.risk_type not in config.risk_types:
            raise RulesError(f"{where}: unknown risk type {rule.risk_type!r}")
        if rule.indicator not in config.indicators:
            raise RulesError(f"{where}: unknown indicator {rule.indicator!r}")
        unknown = set(rule.thresholds) - set(GRADES)
        if unknown or not rule.thresholds:
            raise RulesError(f"{where}: thresholds must use grades {GRADES}, got {unknown or '{}'}")
        if rule.floor_from not in GRADES:
            raise RulesError(f"{where}: floor_from must be one of {GRADES}")
        ordered = [rule.thresholds[g] for g in GRADES if g in rule.thresholds]
        if ordered != sorted(ordered):
            raise RulesError(f"{where}: thresholds must rise with the grade")
    scores = [config.grades[g] for g in GRADES]
    if scores != sorted(scores):
        raise RulesError("grades: score thresholds must rise from blue to red")
