"""Request and response bodies of the intake API (they are also its OpenAPI document).

The schemas check shape, types, ranges, lengths and formats (phone, credit code and ID
number patterns, known categories), each stated in the OpenAPI document as it is enforced.
What JSON Schema cannot state stays in `case_intake`, answered 422 with its own code: a
check character (`format` gb32100 and gb11643 name the standards), an ID number's impossible
birth date, a date after today (`date_in_future`).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from laborwatch.cases.models import RequestType
from laborwatch.lib.control_characters import code_point, first_control_character
from laborwatch.text.taxonomy import categories

# Dates outside this range are typing mistakes; far ones would also overflow the deadline
# arithmetic (a year-1 call minus the 30-day group window).
EARLIEST_DAY = dt.date(1990, 1, 1)
LATEST_DAY = dt.date(2099, 12, 31)


def _plausible(value: dt.date) -> dt.date:
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise PydanticCustomError(
            "date_out_of_range",
            "date must be between {earliest} and {latest}",
            {"earliest": EARLIEST_DAY.isoformat(), "latest": LATEST_DAY.isoformat()},
        )
    return value


# Written as ISO 8601 text only (a JSON number is not read as a Unix time), the year within
# the range above; the pattern states both.


def _written(value: object) -> object:
    if not isinstance(value, str | dt.date):
        raise PydanticCustomError("date_text", "a date is written as text, like 2026-01-31")
    return value


_YEAR = "(?:199[0-9]|20[0-9]{2})"
DAY_PATTERN = rf"^{_YEAR}-"
Day = Annotated[
    dt.date,
    BeforeValidator(_written),
    AfterValidator(_plausible),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DAY_PATTERN}),
]
Moment = Annotated[
    dt.datetime,
    BeforeValidator(_written),
    AfterValidator(_plausible),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": DAY_PATTERN}),
]

# The same rules as JSON Schema patterns, so the OpenAPI document states what is enforced: no
# control character (a multi-line text allows tab, LF and CR) and, where required, not blank.
_LINE_CHAR = r"[^\u0000-\u001f\u007f-\u009f]"
_TEXT_CHAR = r"[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]"
LINE_PATTERN = f"^{_LINE_CHAR}*$"
FILLED_LINE_PATTERN = rf"^{_LINE_CHAR}*[^\s\u0000-\u001f\u007f-\u009f]{_LINE_CHAR}*$"
FILLED_TEXT_PATTERN = rf"^{_TEXT_CHAR}*[^\s\u0000-\u001f\u007f-\u009f]{_TEXT_CHAR}*$"


def _no_control_characters(*, multiline: bool, filled: bool) -> AfterValidator:
    def check(value: str) -> str:
        found = first_control_character(value, multiline=multiline)
        if found is not None:
            raise PydanticCustomError(
                "control_character",
                "control character {code} at character {position}",
                {"code": code_point(found[1]), "position": found[0]},
            )
        if filled and not value.strip():
            raise PydanticCustomError("blank", "must not be blank")
        return value

    return AfterValidator(check)


# Phones as a hotline system sends them: a mainland mobile number or a landline with its
# area code, optionally after +86 / 0086 (ASCII digits: JSON Schema's \\d is ASCII, Python's is
# not). Codes in capitals, as GB 32100 and GB 11643 write them; empty means not given.
PHONE_PATTERN = r"^(?:\+86|0086)?(?:1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$"
_CREDIT_CHAR = "[0-9A-HJ-NPQRTUWXY]"
CREDIT_CODE_PATTERN = rf"^(?:[1-9ANY]{_CREDIT_CHAR}[0-9]{{6}}{_CREDIT_CHAR}{{10}})?$"
_PROVINCES = "1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|8[12]"
ID_NUMBER_PATTERN = (
    rf"^(?:(?:{_PROVINCES})[0-9]{{4}}(?:19|20)[0-9]{{2}}(?:0[1-9]|1[0-2])"
    r"(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9X])?$"
)


def _documented(
    *, max_length: int, pattern: str, filled: bool = False, format_name: str = ""
) -> WithJsonSchema:
    return WithJsonSchema(
        {
            "type": "string",
            "maxLength": max_length,
            **({"minLength": 1} if filled else {}),
            "pattern": pattern,
            **({"format": format_name} if format_name else {}),
        }
    )


_LINE = _no_control_characters(multiline=False, filled=False)
_FILLED_LINE = _no_control_characters(multiline=False, filled=True)
Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=60),
    _FILLED_LINE,
    _documented(max_length=60, pattern=FILLED_LINE_PATTERN, filled=True),
]
Phone = Annotated[
    str,
    StringConstraints(min_length=1, max_length=30, pattern=PHONE_PATTERN),
    _FILLED_LINE,
    _documented(max_length=30, pattern=PHONE_PATTERN, filled=True),
]
CreditCode = Annotated[
    str,
    StringConstraints(max_length=18, pattern=CREDIT_CODE_PATTERN),
    _documented(max_length=18, pattern=CREDIT_CODE_PATTERN, format_name="gb32100"),
]
IdNumber = Annotated[
    str,
    StringConstraints(max_length=18, pattern=ID_NUMBER_PATTERN),
    _documented(max_length=18, pattern=ID_NUMBER_PATTERN, format_name="gb11643"),
]
EmployerName = Annotated[
    str,
    StringConstraints(max_length=200),
    _LINE,
    _documented(max_length=200, pattern=LINE_PATTERN),
]
Description = Annotated[
    str,
    StringConstraints(min_length=1, max_length=5000),
    _no_control_characters(multiline=True, filled=True),
    _documented(max_length=5000, pattern=FILLED_TEXT_PATTERN, filled=True),
]
# Yuan and fen below a trillion, as a JSON number or a plain decimal string (no exponent).
MAX_AMOUNT = Decimal("999999999999.99")
AMOUNT_TEXT_PATTERN = r"^[0-9]{1,12}(?:\.[0-9]{1,2})?$"


def _plain_amount(value: object) -> object:
    if isinstance(value, str) and re.fullmatch(AMOUNT_TEXT_PATTERN, value) is None:
        raise PydanticCustomError(
            "amount_format", "amount must be yuan with at most two decimals, like 1234.50"
        )
    return value


Amount = Annotated[
    Decimal,
    BeforeValidator(_plain_amount),
    Field(ge=0, le=MAX_AMOUNT, max_digits=14, decimal_places=2),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": float(MAX_AMOUNT), "multipleOf": 0.01},
                {"type": "string", "pattern": AMOUNT_TEXT_PATTERN},
            ]
        }
    ),
]

CATEGORY_CODES = ("", *categories())  # empty: not given, classified from the description


def _known_category(value: str) -> str:
    if value not in CATEGORY_CODES:
        raise PydanticCustomError(
            "unknown_category", "unknown demand category {code}", {"code": value}
        )
    return value


Category = Annotated[
    str,
    AfterValidator(_known_category),
    WithJsonSchema({"type": "string", "enum": list(CATEGORY_CODES)}),
]
ProjectName = EmployerName
AssigningBody = Annotated[
    str,
    StringConstraints(max_length=100),
    _LINE,
    _documented(max_length=100, pattern=LINE_PATTERN),
]
Reference = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    _FILLED_LINE,
    _documented(max_length=64, pattern=FILLED_LINE_PATTERN, filled=True),
]


class CallerIn(BaseModel):
    name: Name = Field(description="来电人姓名")
    phone: Phone = Field(description="手机号或带区号的固定电话，如 0532-88886666")
    id_number: IdNumber | None = Field(None, description="公民身份号码（可选，18 位，末位校验）")


class EmployerIn(BaseModel):
    """Give the credit code, the name, or both."""

    # The server refuses an employer with neither; the document says so.
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {
                    "required": [field],
                    "properties": {field: {"type": "string", "pattern": pattern}},
                }
                for field, pattern in (
                    ("credit_code", CREDIT_CODE_PATTERN.replace(")?$", ")$")),
                    ("name", FILLED_LINE_PATTERN),
                )
            ]
        }
    )

    credit_code: CreditCode | None = Field(None, description="统一社会信用代码（18 位，末位校验）")
    name: EmployerName | None = Field(None, description="用人单位名称（来电人所述）")

    @model_validator(mode="after")
    def _named(self) -> EmployerIn:
        # Checked here, not only in the service, so that a push repeating a known
        # external_ref is held to the same document as a new one.
        if not (self.credit_code or "").strip() and not (self.name or "").strip():
            raise PydanticCustomError("employer_unnamed", "give the credit code or the name")
        return self


class CaseIn(BaseModel):
    external_ref: Reference = Field(description="热线系统的工单编号；同一编号重复推送只建一件工单")
    received_at: Moment | None = Field(
        None, description="来电时间（不得晚于当前时间）；不带时区时按北京时间"
    )
    caller: CallerIn
    employer: EmployerIn
    description: Description = Field(description="诉求内容")
    category: Category | None = Field(
        None,
        description=(
            "诉求类别代码（如 WAGE.ARREARS）。省略时按规则推断：诉求内容提到工资、欠薪或拖欠"
            "则为 WAGE.ARREARS，否则为 CONTRACT.PERFORMANCE"
        ),
    )
    request_type: RequestType = Field(RequestType.HELP, description="诉求类型")
    amount_claimed: Amount = Field(Decimal("0"), description="涉及金额（元）")
    workers_involved: int = Field(1, ge=1, le=100_000, description="涉及人数")
    arrears_from: Day | None = Field(None, description="欠薪起始日期（不得晚于今天）")
    arrears_to: Day | None = Field(None, description="欠薪截止日期（不得晚于今天）")
    project_name: ProjectName | None = Field(None, description="工程项目名称")
    assigned_by: AssigningBody | None = Field(
        None, description="督办单位（仅督办渠道的客户端必填）"
    )
    superior_deadline: Moment | None = Field(None, description="督办时限（仅督办渠道的客户端必填）")


class SlaOut(Schema):
    stage: str = Field(
        description="当前计时环节：accept / contact / feedback / resolve，空为不计时"
    )
    light: str = Field(description="green / yellow / red，空为不计时")
    accept_due: dt.datetime
    feedback_due: dt.datetime
    resolve_due: dt.datetime


class CandidateOut(Schema):
    credit_code: str
    name: str
    method: str = Field(description="credit_code / name / former_name / short_name / fuzzy")
    confidence: float


class EmployerMatchOut(Schema):
    credit_code: str | None = Field(description="已关联的用人单位；无法确定时为 null")
    name: str | None
    candidates: list[CandidateOut] = Field(
        description="供经办人确认的候选单位；仅在新建工单的响应中给出"
    )


class CaseCreatedOut(Schema):
    number: str
    status: str
    created: bool = Field(description="false：同一 external_ref 已推送过，返回原工单")
    sla: SlaOut
    employer: EmployerMatchOut
    possible_duplicate_of: str | None = Field(description="同一职工对同一单位的未结工单编号")
    group: str | None = Field(description="所属群体性案件编号")


class StepOut(Schema):
    step: str
    label: str
    at: dt.datetime


class OutcomeOut(Schema):
    wages_recovered: Decimal
    workers_covered: int
    closure_reason: str
    closure_reason_label: str


class CaseStatusOut(Schema):
    number: str
    external_ref: str
    status: str
    status_label: str
    received_at: dt.datetime
    sla: SlaOut
    progress: list[StepOut] = Field(description="已完成的环节，按时间先后")
    outcome: OutcomeOut | None = Field(description="办结或关闭后给出")
    merged_into: str | None = Field(description="被合并时，合并到的工单编号")


class ErrorItem(Schema):
    field: str = Field(description="出错字段的路径，如 caller.phone；空表示整个请求")
    code: str
    message: str


class ErrorOut(Schema):
    detail: list[ErrorItem]
