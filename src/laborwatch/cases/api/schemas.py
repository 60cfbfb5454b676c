"""Request and response bodies of the intake API (they are also its OpenAPI document).

The schemas check shape, types, ranges and lengths; business rules (phone and ID formats, the
credit code check character, dates in the future, known categories) stay in `case_intake`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

from laborwatch.cases.models import RequestType
from laborwatch.lib.control_characters import code_point, first_control_character

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


Day = Annotated[dt.date, AfterValidator(_plausible)]
Moment = Annotated[dt.datetime, AfterValidator(_plausible)]

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


def _documented(*, max_length: int, pattern: str, filled: bool = False) -> WithJsonSchema:
    return WithJsonSchema(
        {
            "type": "string",
            "maxLength": max_length,
            **({"minLength": 1} if filled else {}),
            "pattern": pattern,
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
    StringConstraints(min_length=1, max_length=30),
    _FILLED_LINE,
    _documented(max_length=30, pattern=FILLED_LINE_PATTERN, filled=True),
]
Code = Annotated[
    str,
    StringConstraints(max_length=30),
    _LINE,
    _documented(max_length=30, pattern=LINE_PATTERN),
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
Category = Annotated[
    str,
    StringConstraints(max_length=60),
    _LINE,
    _documented(max_length=60, pattern=LINE_PATTERN),
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
    id_number: Code | None = Field(None, description="公民身份号码（可选）")


class EmployerIn(BaseModel):
    """Give the credit code, the name, or both."""

    # The server refuses an employer with neither; the document says so.
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {
                    "required": [field],
                    "properties": {field: {"type": "string", "pattern": FILLED_LINE_PATTERN}},
                }
                for field in ("credit_code", "name")
            ]
        }
    )

    credit_code: Code | None = Field(None, description="统一社会信用代码")
    name: EmployerName | None = Field(None, description="用人单位名称（来电人所述）")


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
    amount_claimed: Decimal = Field(
        Decimal("0"), ge=0, max_digits=14, decimal_places=2, description="涉及金额（元）"
    )
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
