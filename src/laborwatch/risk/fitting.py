"""Rules that learn from verification: the weights of each risk type's rules fitted on verified
warnings (核实: 属实 true, 不属实 not true), checked on a held-out later period.

A sample is one verified warning: its enterprise's indicator values on the day it opened and
whether it was found true. For each risk type a logistic regression (scikit-learn) is fitted
on the level each rule reached (as the share of its weight it earns, rules `levels`), with
no rule allowed a negative weight (a rule that fires more often at unfounded warnings gets
none; one that fired at no verified warning keeps its weight: nothing was learnt of it).
The fitted coefficients become the rules' weights on a points scale where a score of 80,
the red line, means a fitted chance of at least `red_precision` (80%) that the warning is
true; so the evidence shown stays per rule (its points), and the grades keep their lines.
The thresholds of each rule, and the grade a legal red line sets (`sets_grade`: ten and
twenty workers, a month unpaid, the large-scale layoff), stay as they are.

The samples are split by date: the oldest (1 − held_out_share) fit, the newest check. The
report gives, per risk type and lowest grade, precision (share of the warned that were true)
and recall (share of the true that were warned) of the held-out samples under the rules
before and after. Pure: numpy, scikit-learn, no I/O but the text returned.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from laborwatch.risk.rules import GRADE_LEVEL, GRADES, NO_GRADE, Rule, RulesConfig

RED_PRECISION = 0.8
HELD_OUT_SHARE = 0.3
MIN_SAMPLES = 20  # of each outcome, to fit a risk type at all
REPORTED_GRADES = ("yellow", "orange", "red")


@dataclass(frozen=True)
class Sample:
    risk_type: str
    credit_code: str
    on: dt.date  # the day the warning opened: the indicator values are of that day
    values: Mapping[str, float | None]
    confirmed: bool  # 属实


@dataclass
class GradeFigures:
    warned: int = 0
    true_warned: int = 0
    confirmed: int = 0

    @property
    def precision(self) -> float:
        return self.true_warned / self.warned if self.warned else 0.0

    @property
    def recall(self) -> float:
        return self.true_warned / self.confirmed if self.confirmed else 0.0


@dataclass
class TypeFit:
    risk_type: str
    train: int
    held_out: int
    fitted: bool
    reason: str = ""  # why not fitted
    weights_before: dict[str, float] = field(default_factory=dict)
    weights_after: dict[str, float] = field(default_factory=dict)
    before: dict[str, GradeFigures] = field(default_factory=dict)
    after: dict[str, GradeFigures] = field(default_factory=dict)


@dataclass
class Fit:
    config: RulesConfig
    types: list[TypeFit]
    split_on: dt.date | None  # the first day of the held-out period


def rule_levels(rule: Rule, value: float | None) -> int:
    return 0 if value is None or math.isnan(value) else rule.level_of(float(value))


def score_of(config: RulesConfig, risk_type: str, values: Mapping[str, float | None]) -> tuple:
    """(score, grade) of one enterprise and risk type: the scalar twin of the SQL (without
    the Spring Festival weight)."""
    points, floor = 0.0, 0
    for rule in config.rules:
        if rule.risk_type != risk_type:
            continue
        level = rule_levels(rule, values.get(rule.indicator))
        if level:
            points += rule.weight * config.levels[GRADES[level - 1]]
            if level >= rule.floor_level:
                floor = max(floor, level)
    score = min(100.0, round(points, 1))
    return score, config.grade_of(score, floor) if points > 0 else NO_GRADE


def _shares(config: RulesConfig, rules: Sequence[Rule], samples: Sequence[Sample]) -> np.ndarray:
    shares = np.zeros((len(samples), len(rules)))
    for row, sample in enumerate(samples):
        for column, rule in enumerate(rules):
            level = rule_levels(rule, sample.values.get(rule.indicator))
            shares[row, column] = config.levels[GRADES[level - 1]] if level else 0.0
    return shares


def _figures(config: RulesConfig, samples: Sequence[Sample]) -> dict[str, GradeFigures]:
    figures = {grade: GradeFigures() for grade in REPORTED_GRADES}
    for sample in samples:
        _, grade = score_of(config, sample.risk_type, sample.values)
        level = GRADE_LEVEL.get(grade, 0)
        for lowest, figure in figures.items():
            figure.confirmed += sample.confirmed
            if level >= GRADE_LEVEL[lowest]:
                figure.warned += 1
                figure.true_warned += sample.confirmed
    return figures


def _fit_weights(shares: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, float]:
    """Non-negative logistic coefficients (dropping the negative ones and fitting again)
    and the intercept."""
    from sklearn.linear_model import LogisticRegression

    kept = np.ones(shares.shape[1], dtype=bool)
    coefficients = np.zeros(shares.shape[1])
    intercept = 0.0
    for _ in range(shares.shape[1] + 1):
        used = kept & (shares.std(axis=0) > 0)
        model = LogisticRegression(C=10.0, max_iter=1000)  # mild: the red line stays honest
        model.fit(shares[:, used], labels)
        coefficients = np.zeros(shares.shape[1])
        coefficients[used] = model.coef_[0]
        intercept = float(model.intercept_[0])
        negative = coefficients < 0
        if not negative.any():
            break
        kept &= ~negative
    return np.maximum(coefficients, 0.0), intercept


def fit_rules(
    samples: Sequence[Sample],
    config: RulesConfig,
    *,
    version: str,
    held_out_share: float = HELD_OUT_SHARE,
    red_precision: float = RED_PRECISION,
    min_samples: int = MIN_SAMPLES,
) -> Fit:
    """The rules with weights fitted per risk type (see the module docstring)."""
    ordered = sorted(samples, key=lambda s: (s.on, s.credit_code, s.risk_type))
    split_index = int(len(ordered) * (1 - held_out_share))
    split_on = ordered[split_index].on if split_index < len(ordered) else None
    train = [s for s in ordered if split_on is None or s.on < split_on]
    test = [s for s in ordered if split_on is not None and s.on >= split_on]
    weights = {rule.id: rule.weight for rule in config.rules}
    types: list[TypeFit] = []
    for risk_type in config.risk_types:
        rules = [rule for rule in config.rules if rule.risk_type == risk_type]
        own = [s for s in train if s.risk_type == risk_type]
        held = [s for s in test if s.risk_type == risk_type]
        result = TypeFit(risk_type, len(own), len(held), fitted=False)
        result.weights_before = {rule.id: rule.weight for rule in rules}
        labels = np.array([s.confirmed for s in own], dtype=int)
        if min(labels.sum(), len(labels) - labels.sum()) < min_samples:
            result.reason = (
                f"属实与不属实的核实各需至少 {min_samples} 条"
                f"（现有 {labels.sum()} / {len(labels) - labels.sum()}）"
            )
            result.weights_after = dict(result.weights_before)
            types.append(result)
            continue
        shares = _shares(config, rules, own)
        coefficients, intercept = _fit_weights(shares, labels)
        # 80 points, the red line, is where the fitted chance of 属实 reaches red_precision.
        logit = math.log(red_precision / (1 - red_precision))
        scale = 80.0 / max(logit - intercept, 0.5)
        for column, (rule, coefficient) in enumerate(zip(rules, coefficients, strict=True)):
            if not shares[:, column].any():
                continue  # no verified warning fired it: nothing learnt, its weight stays
            weight = round(float(coefficient) * scale, 1)
            # a legal red line keeps setting its grade: it must earn a point to be scored
            weights[rule.id] = max(weight, 1.0) if rule.sets_grade else weight
        result.fitted = True
        result.weights_after = {rule.id: weights[rule.id] for rule in rules}
        types.append(result)
    fitted = dataclasses.replace(
        config,
        version=version,
        rules=tuple(dataclasses.replace(rule, weight=weights[rule.id]) for rule in config.rules),
    )
    for result in types:
        held = [s for s in test if s.risk_type == result.risk_type]
        result.before = _figures(config, held)
        result.after = _figures(fitted, held)
    return Fit(fitted, types, split_on)


def rules_text(original: str, fit: Fit) -> str:
    """The rules file `original` with the fitted version and weights (comments kept)."""
    weights = {rule.id: rule.weight for rule in fit.config.rules}
    text = re.sub(
        r'^version = "[^"]*"', f'version = "{fit.config.version}"', original, flags=re.MULTILINE
    )
    blocks = text.split("[[rules]]")
    for index, block in enumerate(blocks[1:], start=1):
        match = re.search(r'^id = "([^"]+)"', block, flags=re.MULTILINE)
        if match is None or match[1] not in weights:
            continue
        blocks[index] = re.sub(
            r"^weight = [0-9.]+", f"weight = {weights[match[1]]:g}", block, flags=re.MULTILINE
        )
    header = (
        f"# Weights fitted on verified warnings (laborwatch risk fit) from {fit.config.version}.\n"
    )
    return header + "[[rules]]".join(blocks)


def format_fit(fit: Fit, labels: Mapping[str, str]) -> str:
    """The report: per risk type, the weights before and after and the held-out figures."""
    lines = [
        f"拟合规则版本：{fit.config.version}；留出期自 {fit.split_on or '—'} 起（按核实样本日期）",
    ]
    for result in fit.types:
        label = labels.get(result.risk_type, result.risk_type)
        lines.append(f"{label}：拟合样本 {result.train} 条，留出样本 {result.held_out} 条")
        if not result.fitted:
            lines.append(f"  未拟合，沿用原权重：{result.reason}")
        changed = [
            f"{rule} {result.weights_before[rule]:g}→{result.weights_after[rule]:g}"
            for rule in result.weights_before
            if result.weights_before[rule] != result.weights_after[rule]
        ]
        if changed:
            lines.append("  权重：" + "，".join(changed))
        for grade in REPORTED_GRADES if result.held_out else ():
            before, after = result.before[grade], result.after[grade]
            lines.append(
                f"  {grade} 及以上：精确率 {before.precision:.2f}→{after.precision:.2f}，"
                f"召回率 {before.recall:.2f}→{after.recall:.2f}"
                f"（留出期预警 {before.warned}→{after.warned}，属实 {after.confirmed}）"
            )
    return "\n".join(lines)
