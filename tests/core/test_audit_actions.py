"""Every audit action the code records has a Chinese name (the audit log, its export and the
work order's timeline show names, never codes)."""

from __future__ import annotations

import ast
from pathlib import Path

from django.utils.translation import override

import laborwatch
from laborwatch.core.audit_actions import AUDIT_ACTION_LABELS, audit_action_label, target_type_label
from laborwatch.opinion.models import EventAlert
from laborwatch.opinion.transitions import TRANSITIONS as OPINION_TRANSITIONS
from laborwatch.warnings.models import WarningStep
from laborwatch.warnings.services.sync import AUDIT_ACTIONS as SYNC_ACTIONS

SOURCE = Path(laborwatch.__file__).parent
# Actions built at run time: the f-string's fixed part → the names it is completed with.
DYNAMIC_PREFIXES = {"case.", "warning.", "opinion_event."}


def _strings(node: ast.AST) -> set[str]:
    return {
        c.value for c in ast.walk(node) if isinstance(c, ast.Constant) and isinstance(c.value, str)
    }


def actions_in_source() -> set[str]:
    """Every action a service can record, read from the code itself.

    - `action="x.y"` keywords anywhere (conditional expressions included);
    - `f"case.{action}"` completed with the action (third argument) of every `_transition(...)`
      call;
    - `f"warning.{kind}"` completed with the loop's step kinds;
    - the daily sync's table of event kinds to actions;
    - `f"opinion_event.{…}"` completed with the opinion table's actions and the alert kinds.
    A new f-string prefix fails the test: say here how it is completed.
    """
    found: set[str] = set()
    transitions: set[str] = set()
    prefixes: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "action":
                if isinstance(node.value, ast.JoinedStr):
                    prefixes |= _strings(node.value)
                else:
                    found |= {s for s in _strings(node.value) if "." in s}
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "_transition":
                # _transition(case, actor, "action", expected_version, now, ...)
                transitions |= _strings(node.args[2])
    assert prefixes == DYNAMIC_PREFIXES, "a new computed audit action: complete it here"
    found |= {f"case.{action}" for action in transitions}
    found |= {f"warning.{kind}" for kind in WarningStep.Kind.values}
    found |= set(SYNC_ACTIONS.values())
    found |= {f"opinion_event.{action}" for action in OPINION_TRANSITIONS}
    found |= {f"opinion_event.{kind}" for kind in EventAlert.Kind.values}
    return found


def test_every_recorded_action_has_a_name_and_no_name_is_stale() -> None:
    in_use = actions_in_source()
    assert {"case.ledger_export", "warning.release", "case.accept", "warning.closure"} <= in_use
    assert sorted(in_use - set(AUDIT_ACTION_LABELS)) == []
    assert sorted(set(AUDIT_ACTION_LABELS) - in_use) == []


def test_action_names_are_chinese() -> None:
    with override("zh-hans"):
        assert audit_action_label("case.ledger_export") == "导出欠薪线索台账"
        assert audit_action_label("warning.release") == "预警解除抑制"
        untranslated = [a for a, label in AUDIT_ACTION_LABELS.items() if str(label).isascii()]
    assert untranslated == []


def test_an_unknown_action_shows_as_recorded() -> None:
    assert audit_action_label("legacy.thing") == "legacy.thing"


def test_target_types_are_named_by_their_model() -> None:
    with override("zh-hans"):
        assert target_type_label("cases.case") == "工单"
        assert target_type_label("warnings.warning") == "预警"
    assert target_type_label("not a model") == "not a model"
