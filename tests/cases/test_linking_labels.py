"""Every way a registry candidate is found has a Chinese name on the work order's page."""

from __future__ import annotations

import ast
from pathlib import Path

from django.utils.translation import override

from laborwatch.cases import linking
from laborwatch.cases.linking import LINKER_KINDS, MATCH_METHOD_LABELS, Candidate


def methods_in_source() -> set[str]:
    """The string constants passed as the method (third argument) of every Candidate(...)."""
    tree = ast.parse(Path(linking.__file__).read_text(encoding="utf-8"))
    methods: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Candidate":
            method = node.args[2] if len(node.args) > 2 else None
            method = method or next(k.value for k in node.keywords if k.arg == "method")
            methods |= {
                c.value
                for c in ast.walk(method)
                if isinstance(c, ast.Constant) and isinstance(c.value, str)
            }
    return methods


def test_every_match_method_has_a_name_and_no_name_is_stale() -> None:
    in_use = methods_in_source() | set(LINKER_KINDS.values())
    assert in_use == {"credit_code", "alias", "name", "former_name", "short_name", "fuzzy", "text"}
    assert set(MATCH_METHOD_LABELS) == in_use


def test_method_names_are_chinese() -> None:
    with override("zh-hans"):
        assert Candidate("X", "某公司", "short_name", 0.8).method_label == "简称"
        untranslated = [m for m, label in MATCH_METHOD_LABELS.items() if str(label).isascii()]
    assert untranslated == []
