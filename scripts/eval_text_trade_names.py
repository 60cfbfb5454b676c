"""Employer linking by trade name (字号) on real company names hidden in a 350,000-name
registry.

The real names are the registered company names (ending in 有限公司, 股份有限公司 …) that
annotators marked as companies in CLUENER2020's train split (real news sentences; see
text/data/README.md). They are added to the deterministic made-up registry of
benchmarks/text_link.py (350,000 Qingdao-style names) and looked for in a worker's sentence
that names each one three ways: the full name, trade name + industry (国联运输 for
柳州国联运输集团有限公司) and trade name + 公司 (国联公司). Sentences of the same split that
name no company, organisation or government body check that no employer is linked there.

    .venv/bin/python scripts/eval_text_trade_names.py [--cluener FILE] [--size 350000]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.text_link import made_up_registry

from laborwatch.text.link import Linker
from laborwatch.text.names import name_parts
from laborwatch.text.registry import RegistryEntry

DEFAULT_CLUENER = Path("/work/shared/data/cluener2020/train.json")
REGISTERED = re.compile(r"(有限公司|有限责任公司|股份有限公司)$")
CONFIDENT = 0.5
SENTENCE = "我在{mention}上班，已经三个月没发工资了，老板一直拖着不给。"


def real_names(cluener: Path) -> tuple[list[str], list[str]]:
    """Registered company names marked in the split, and sentences naming no organisation."""
    names: set[str] = set()
    unnamed: list[str] = []
    with cluener.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            labels = record["label"]
            names.update(name for name in labels.get("company", {}) if REGISTERED.search(name))
            if not {"company", "organization", "government"} & set(labels):
                unnamed.append(record["text"])
    kept = sorted(n for n in names if len(name_parts(n).trade_name) >= 2 and "（" not in n[:-6])
    return kept, unnamed


def evaluate(
    linker: Linker, real: dict[str, str], unique: set[str]
) -> tuple[dict[str, object], list[dict[str, object]]]:
    results: dict[str, Counter] = {}
    misses: list[dict[str, object]] = []
    for code, name in real.items():
        parts = name_parts(name)
        forms = {"full name": name, "trade name + 公司": parts.trade_name + "公司"}
        if parts.industry:
            forms["trade name + industry"] = parts.trade_name + parts.industry
        for kind, mention in forms.items():
            counts = results.setdefault(kind, Counter())
            candidates = linker.link(SENTENCE.format(mention=mention))
            ranked = sorted(candidates, key=lambda c: -c.confidence)
            counts["texts"] += 1
            counts["top1"] += bool(ranked) and ranked[0].credit_code == code
            counts["among_candidates"] += any(c.credit_code == code for c in candidates)
            if not ranked or ranked[0].credit_code != code:
                misses.append(
                    {
                        "kind": kind,
                        "mention": mention,
                        "name": name,
                        "found": [(c.name, round(c.confidence, 3)) for c in ranked[:3]],
                    }
                )
            if code in unique:
                counts["unique_texts"] += 1
                counts["unique_top1"] += bool(ranked) and ranked[0].credit_code == code
    figures: dict[str, object] = {
        kind: {
            "texts": c["texts"],
            "top1": round(c["top1"] / c["texts"], 3),
            "among_candidates": round(c["among_candidates"] / c["texts"], 3),
            "unique_trade_name_texts": c["unique_texts"],
            "unique_trade_name_top1": round(c["unique_top1"] / max(1, c["unique_texts"]), 3),
        }
        for kind, c in results.items()
    }
    return figures, misses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cluener", type=Path, default=DEFAULT_CLUENER)
    parser.add_argument("--size", type=int, default=350_000)
    parser.add_argument("--unnamed", type=int, default=200)
    args = parser.parse_args()
    names, unnamed = real_names(args.cluener)
    real = {f"REAL{index:014d}": name for index, name in enumerate(names)}
    entries = made_up_registry(args.size) + [
        RegistryEntry(credit_code=code, name=name, short_names=(), former_names=())
        for code, name in real.items()
    ]
    holders = Counter(name_parts(entry.name).trade_name for entry in entries)
    unique = {code for code, name in real.items() if holders[name_parts(name).trade_name] == 1}
    started = time.perf_counter()
    linker = Linker(entries)
    built = time.perf_counter() - started
    texts = unnamed[: args.unnamed]
    wrongly = [
        (text, [(c.matched_text, c.name, c.confidence) for c in found])
        for text in texts
        if (found := [c for c in linker.link(text) if c.confidence >= CONFIDENT])
    ]
    figures, misses = evaluate(linker, real, unique)
    report = {
        "registry": len(entries),
        "real_names": len(real),
        "linker_built_seconds": round(built, 1),
        "by_mention": figures,
        "misses": misses,
        "texts_naming_no_organisation": len(texts),
        "of_which_linked_at_confidence_0_5": len(wrongly),
        "linked": wrongly,
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
