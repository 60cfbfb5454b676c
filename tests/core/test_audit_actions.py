"""Every audit action the code records has a Chinese name (the audit log, its export and the
work order's timeline show names, never codes)."""

from __future__ import annotations

import ast
from pathlib import Path

from django.utils.translation import override

import laborwatch
from laborwatch.cases.transitions import TABLE as CASE_TABLE
from laborwatch.core.audit_actions import AUDIT_ACTION_LABELS, audit_action_label, target_type_label
from laborwatch.opinion.models import EventAlert
from laborwatch.opinion.transitions import TABLE as OPINION_TABLE
from laborwatch.warnings.models import WarningStep
from laborwatch.warnings.services.sync import AUDIT_ACTIONS as SYNC_ACTIONS
from laborwatch.warnings.transitions import TABLE as WARNING_TABLE

SOURCE = Path(laborwatch.__file__).parent
# Each loop's transition table, by the app its services live in.
TABLES = {"cases": CASE_TABLE, "opinion": OPINION_TABLE, "warnings": WARNING_TABLE}
# Actions built at run time: the f-string's fixed part → the names it is completed with.
DYNAMIC_PREFIXES = {".", ".note", "opinion_event."}


def _strings(node: ast.AST) -> set[str]:
    return {
        c.value for c in ast.walk(node) if isinstance(c, ast.Constant) and isinstance(c.value, str)
    }


def _taken(node: ast.Call) -> ast.AST | None:
    """The action of a call of a table's `take`: `TABLE.take(obj, "action", …)`, or the work
    order's `_take(case, actor, "action", …)`."""
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr == "take" and len(node.args) >= 2:
        return node.args[1]
    if isinstance(func, ast.Name) and func.id == "_take" and len(node.args) >= 3:
        return node.args[2]
    return None


def actions_in_source() -> set[str]:
    """Every action a service can record, read from the code itself.

    - `action="x.y"` keywords anywhere (conditional expressions included);
    - `f"{audit_prefix}.{action}"` (lib/transitions.py `Table.take`) completed with the action
      of every `take` call, prefixed by the table of the app the call is in; the warning's
      steps are taken by their kind (a variable): completed with the loop's step kinds;
    - `f"{audit_prefix}.note"` for each table with a note action;
    - the daily sync's table of event kinds to actions;
    - `f"opinion_event.{…}"` completed with the alert kinds.
    A new f-string prefix fails the test: say here how it is completed.
    """
    found: set[str] = set()
    prefixes: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        app = path.relative_to(SOURCE).parts[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "action":
                if isinstance(node.value, ast.JoinedStr):
                    prefixes |= _strings(node.value)
                else:
                    found |= {s for s in _strings(node.value) if "." in s}
            if isinstance(node, ast.Call) and (action := _taken(node)) is not None:
                found |= {f"{TABLES[app].audit_prefix}.{name}" for name in _strings(action)}
    assert prefixes == DYNAMIC_PREFIXES, "a new computed audit action: complete it here"
    found |= {f"{t.audit_prefix}.note" for t in TABLES.values() if "note" in t.transitions}
    found |= {f"warning.{kind}" for kind in WarningStep.Kind.values}
    found |= set(SYNC_ACTIONS.values())
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


def test_the_system_actors_of_the_runs_have_chinese_names() -> None:
    """A warning's timeline showed "score" for the daily run that opened it."""
    from laborwatch.core.audit_actions import system_actor_label

    with override("zh-hans"):
        names = [system_actor_label(label) for label in ("score", "schedule", "registry sync")]
    assert names == ["每日预警流水线", "定时任务", "企业名录同步"]
