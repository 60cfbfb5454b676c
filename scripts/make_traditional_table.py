"""Write text/data/traditional_simplified.tsv: each traditional character that OpenCC's t2s
conversion turns into one other character, and that character. The linker folds text and
registered names through it, so 國聯運輸 finds 国联运输 with offsets kept.

    .venv/bin/python scripts/make_traditional_table.py   (needs the dev extra's opencc)
"""

from __future__ import annotations

from pathlib import Path

import opencc

TABLE = Path(__file__).resolve().parents[1] / "src/laborwatch/text/data/traditional_simplified.tsv"
BLOCKS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


def main() -> None:
    converter = opencc.OpenCC("t2s")
    rows = []
    for first, last in BLOCKS:
        for code in range(first, last + 1):
            character = chr(code)
            simplified = converter.convert(character)
            if len(simplified) == 1 and simplified != character:
                rows.append(f"{character}\t{simplified}\n")
    TABLE.write_text("".join(rows), encoding="utf-8")
    print(f"{len(rows)} characters → {TABLE}")


if __name__ == "__main__":
    main()
