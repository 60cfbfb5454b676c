"""Build the monthly report's Chinese font: a TrueType subset of Noto Sans CJK SC (SIL OFL 1.1).

The subset covers GB 2312 (all 6,763 hanzi and its symbols), ASCII, CJK and full-width
punctuation (U+3000–U+303F, U+FF00–U+FFEF) and every character written in the report code and
templates, the taxonomy, the city data and the synthetic city's name lists. Its CFF outlines are
converted to quadratic TrueType (glyf) outlines once here, so ReportLab can embed the file as it
is and nothing converts fonts at run time. The OFL text, with the copyright line read from the
source font's name table, is written next to it.

    .venv/bin/python scripts/build_report_font.py \
        .venv/lib/python3.11/site-packages/mplfonts/fonts/NotoSansCJKsc-Regular.otf \
        [--out src/laborwatch/reports/fonts/NotoSansSC-subset.ttf]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "laborwatch"
DEFAULT_OUT = PACKAGE / "reports" / "fonts" / "NotoSansSC-subset.ttf"
# Quadratic approximation error of the cubic outlines, in font units (of 1000 per em).
MAX_CURVE_ERROR = 1.0

# Files whose every character the report may print.
TEXT_SOURCES = [
    *sorted((PACKAGE / "reports").rglob("*.py")),
    *sorted((PACKAGE / "reports" / "templates").rglob("*.html")),
    PACKAGE / "text" / "data" / "demand_taxonomy.csv",
    PACKAGE / "core" / "data" / "qingdao.json",
    *sorted(p for p in (PACKAGE / "synth" / "data").iterdir() if p.is_file()),
    # Labels the report takes from models and translations elsewhere in the package.
    *sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts),
    *sorted(PACKAGE.rglob("zh_Hans/LC_MESSAGES/django.po")),
]

OFL = """\
This Font Software is licensed under the SIL Open Font License, Version 1.1.
This license is copied below, and is also available with a FAQ at:
https://openfontlicense.org


-----------------------------------------------------------
SIL OPEN FONT LICENSE Version 1.1 - 26 February 2007
-----------------------------------------------------------

PREAMBLE
The goals of the Open Font License (OFL) are to stimulate worldwide
development of collaborative font projects, to support the font creation
efforts of academic and linguistic communities, and to provide a free and
open framework in which fonts may be shared and improved in partnership
with others.

The OFL allows the licensed fonts to be used, studied, modified and
redistributed freely as long as they are not sold by themselves. The
fonts, including any derivative works, can be bundled, embedded,
redistributed and/or sold with any software provided that any reserved
names are not used by derivative works. The fonts and derivatives,
however, cannot be released under any other type of license. The
requirement for fonts to remain under this license does not apply
to any document created using the fonts or their derivatives.

DEFINITIONS
"Font Software" refers to the set of files released by the Copyright
Holder(s) under this license and clearly marked as such. This may
include source files, build scripts and documentation.

"Reserved Font Name" refers to any names specified as such after the
copyright statement(s).

"Original Version" refers to the collection of Font Software components as
distributed by the Copyright Holder(s).

"Modified Version" refers to any derivative made by adding to, deleting,
or substituting -- in part or in whole -- any of the components of the
Original Version, by changing formats or by porting the Font Software to a
new environment.

"Author" refers to any designer, engineer, programmer, technical
writer or other person who contributed to the Font Software.

PERMISSION & CONDITIONS
Permission is hereby granted, free of charge, to any person obtaining
a copy of the Font Software, to use, study, copy, merge, embed, modify,
redistribute, and sell modified and unmodified copies of the Font
Software, subject to the following conditions:

1) Neither the Font Software nor any of its individual components,
in Original or Modified Versions, may be sold by itself.

2) Original or Modified Versions of the Font Software may be bundled,
redistributed and/or sold with any software, provided that each copy
contains the above copyright notice and this license. These can be
included either as stand-alone text files, human-readable headers or
in the appropriate machine-readable metadata fields within text or
binary files as long as those fields can be easily viewed by the user.

3) No Modified Version of the Font Software may use the Reserved Font
Name(s) unless explicit written permission is granted by the corresponding
Copyright Holder. This restriction only applies to the primary font name as
presented to the users.

4) The name(s) of the Copyright Holder(s) or the Author(s) of the Font
Software shall not be used to promote, endorse or advertise any
Modified Version, except to acknowledge the contribution(s) of the
Copyright Holder(s) and the Author(s) or with their explicit written
permission.

5) The Font Software, modified or unmodified, in part or in whole,
must be distributed entirely under this license, and must not be
distributed under any other license. The requirement for fonts to
remain under this license does not apply to any document created
using the Font Software.

TERMINATION
This license becomes null and void if any of the above conditions are
not met.

DISCLAIMER
THE FONT SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND,
EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO ANY WARRANTIES OF
MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT
OF COPYRIGHT, PATENT, TRADEMARK, OR OTHER RIGHT. IN NO EVENT SHALL THE
COPYRIGHT HOLDER BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY,
INCLUDING ANY GENERAL, SPECIAL, INDIRECT, INCIDENTAL, OR CONSEQUENTIAL
DAMAGES, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING
FROM, OUT OF THE USE OR INABILITY TO USE THE FONT SOFTWARE OR FROM
OTHER DEALINGS IN THE FONT SOFTWARE.
"""


def gb2312() -> set[str]:
    """Every character of GB 2312: symbols in rows 0xA1–0xA9, hanzi in rows 0xB0–0xF7."""
    characters = set()
    for rows in (range(0xA1, 0xAA), range(0xB0, 0xF8)):
        for row in rows:
            for cell in range(0xA1, 0xFF):
                try:
                    characters.add(bytes([row, cell]).decode("gb2312"))
                except UnicodeDecodeError:
                    continue
    return characters


def wanted_characters(sources: Iterable[Path]) -> set[str]:
    characters = gb2312()
    characters |= {chr(c) for c in range(0x20, 0x7F)}
    characters |= {chr(c) for c in range(0x3000, 0x3040)}
    characters |= {chr(c) for c in range(0xFF00, 0xFFF0)}
    for path in sources:
        characters |= set(path.read_text(encoding="utf-8"))
    return {c for c in characters if c.isprintable() or c == "\u3000"}


def cff_to_glyf(font: TTFont) -> None:
    """Cubic CFF outlines → quadratic glyf outlines (what fontTools' otf2ttf example does)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_CURVE_ERROR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    for table in ("CFF ", "VORG"):
        if table in font:
            del font[table]
    glyf.compile(font)
    metrics = font["hmtx"].metrics
    for name, glyph in glyphs.items():
        metrics[name] = (metrics[name][0], getattr(glyph, "xMin", 0))
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attribute in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attribute, 0)
    maxp.maxZones = 1
    maxp.compile(font)
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font.sfntVersion = "\000\001\000\000"


def build(source: Path, out: Path) -> TTFont:
    options = subset.Options()
    options.desubroutinize = True
    options.name_IDs = ["*"]
    options.notdef_outline = True
    # Horizontal Simplified Chinese only: no `locl` (Japanese, Korean, Traditional forms) and no
    # vertical-writing alternates, which would otherwise pull in thousands of glyphs.
    options.layout_features = ["ccmp", "liga", "kern", "halt", "palt"]
    options.recalc_timestamp = False  # the same source gives the same bytes
    font = TTFont(str(source), lazy=False, recalcTimestamp=False)
    if "CFF " not in font:
        raise SystemExit(f"{source}: expected CFF outlines (Noto Sans CJK SC .otf)")
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=sorted(ord(c) for c in wanted_characters(TEXT_SOURCES)))
    subsetter.subset(font)
    cff_to_glyf(font)
    out.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(out))
    return font


def licence_text(font: TTFont) -> str:
    copyright_line = font["name"].getDebugName(0)
    return (
        f"{copyright_line}\n\n"
        "NotoSansSC-subset.ttf is a Modified Version of Noto Sans CJK SC Regular: a subset of its\n"
        "glyphs with the outlines converted to TrueType, made by scripts/build_report_font.py.\n\n"
        f"{OFL}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="NotoSansCJKsc-Regular.otf")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    font = build(args.source, args.out)
    (args.out.parent / "OFL.txt").write_text(licence_text(font), encoding="utf-8")
    glyphs = len(font.getGlyphOrder())
    size = args.out.stat().st_size
    print(f"{args.out}: {glyphs} glyphs, {len(font.getBestCmap())} characters, {size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
