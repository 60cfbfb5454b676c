"""Every code the risk engine shows on a page has a Chinese name."""

from __future__ import annotations

from django.utils.translation import override

from laborwatch.risk.rules import load_rules
from laborwatch.warnings import labels


def test_every_rule_of_the_rules_file_has_a_name_and_no_name_is_stale() -> None:
    assert set(labels.RULE_LABELS) == {rule.id for rule in load_rules().rules}


def test_rule_names_are_chinese() -> None:
    with override("zh-hans"):
        assert labels.rule_label("layoff_size") == "裁减人数"
        assert labels.rule_label("headcount_drop") == "参保人数下降"
        untranslated = [rule for rule, label in labels.RULE_LABELS.items() if str(label).isascii()]
    assert untranslated == []


def test_a_rule_unknown_to_this_version_shows_its_id() -> None:
    assert labels.rule_label("rule_of_v2") == "rule_of_v2"
