"""What a refused row or file says, in the user's language: the engine's codes
(opinion/engine/records.py) and the app's own checks, each with its message."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.opinion.engine.records import RowError

ROW_REASONS: dict[str, Promise] = {
    "missing": gettext_lazy("required and empty"),
    "bad_date": gettext_lazy("not a date and time (write it like 2026-05-01 10:30)"),
    "bad_number": gettext_lazy("not a whole number of at least 0 (1.2万 is accepted)"),
    "too_long": gettext_lazy("too long"),
    "empty_text": gettext_lazy("the text is empty"),
    "bad_platform": gettext_lazy("unknown platform"),
    "bad_url": gettext_lazy("not an http or https link"),
    "no_identity": gettext_lazy("neither a post id nor a link: the post cannot be identified"),
    "bad_row": gettext_lazy("not a record"),
    "bad_value": gettext_lazy("must be text or a number"),
    # The app's own checks (services/intake.py).
    "in_future": gettext_lazy("later than now"),
    "too_large": gettext_lazy("too large a number"),
}

FILE_REASONS: dict[str, Promise] = {
    "empty": gettext_lazy("the file is empty"),
    "unknown_format": gettext_lazy("the file is not a JSONL, CSV or XLSX table"),
    "encoding": gettext_lazy("the file's encoding cannot be recognised (use UTF-8 or GBK)"),
    "truncated": gettext_lazy("the file is incomplete (cut off in the middle of a record)"),
    "missing_columns": gettext_lazy("required columns are missing"),
    "not_records": gettext_lazy("the lines of the JSONL file are not objects"),
}


def row_message(error: RowError) -> str:
    """第 3 行「发布时间」：不是日期时间（应如 2026-05-01 10:30）（2026-13-01）"""
    reason = str(ROW_REASONS.get(error.code, error.code))
    if error.field:
        message = _("Row %(row)d, field “%(field)s”: %(reason)s") % {
            "row": error.row,
            "field": error.field,
            "reason": reason,
        }
    else:
        message = _("Row %(row)d: %(reason)s") % {"row": error.row, "reason": reason}
    if error.value:
        message += _(" (given: %(value)s)") % {"value": error.value}
    return message


def file_message(code: str, detail: str = "") -> str:
    reason = str(FILE_REASONS.get(code, code))
    message = _("The file was refused whole: %(reason)s.") % {"reason": reason}
    if detail:
        message += " " + detail
    return message
