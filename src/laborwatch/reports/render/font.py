"""The Chinese font of the monthly report's charts and PDF, shipped with the package.

Deployments fetch nothing at run time and assume no system font: the charts and the PDF use
`fonts/NotoSansSC-subset.ttf`, a subset of Noto Sans CJK SC (SIL Open Font License 1.1, see
`fonts/OFL.txt`) covering GB 2312, ASCII, CJK and full-width punctuation and every character of
the report code, the taxonomy and the city data. Its outlines are TrueType (glyf), so ReportLab
embeds it as it is. `scripts/build_report_font.py` rebuilds it from the full font.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

FONT_DIR = Path(__file__).parent.parent / "fonts"
FONT_FILE = "NotoSansSC-subset.ttf"
# The name the PDF registers the font under; ReportLab embeds it as `+NotoSansCJKsc-Regular`.
FONT_NAME = "NotoSansCJKsc"


class FontMissingError(RuntimeError):
    pass


@cache
def cjk_font_file() -> Path:
    path = FONT_DIR / FONT_FILE
    if not path.is_file():
        raise FontMissingError(str(path))
    return path
