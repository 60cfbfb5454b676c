"""The REST intake API under /api/v1/: client systems (the 12351 hotline) push work orders.

POST /cases creates a work order through `case_intake` (idempotent on the client and its
external_ref); GET /cases/{number} tells the pushing client where the case stands.
The OpenAPI document is /api/v1/openapi.json, the interactive page /api/v1/docs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja import Status as HttpStatus

from laborwatch.cases.api.auth import ApiClientToken
from laborwatch.cases.api.docs import ASSET_URL_NAME, LocalSwagger, asset_response
from laborwatch.cases.api.errors import JsonOnlyParser, install_error_handlers, service_errors
from laborwatch.cases.api.schemas import CaseCreatedOut, CaseIn, CaseStatusOut, ErrorOut
from laborwatch.cases.models import ApiClient, Case, Status
from laborwatch.cases.services.intake import IntakeResult, case_intake
from laborwatch.cases.statuses import FINISHED_STATUSES

DESCRIPTION = """
12351 热线等外部系统推送工单的接口。

* 认证：每个客户端系统一个令牌，放在请求头 `Authorization: Bearer <令牌>`。令牌由管理员用
  `laborwatch api-token create 名称` 或管理后台签发，只显示一次。
* 幂等：同一客户端以同一 `external_ref` 再次推送，返回原工单（HTTP 200，`created: false`），
  不会新建工单；首次推送返回 HTTP 201。
* 诉求类别：省略 `category` 时由文本引擎按诉求内容自动分类；无论是否填写，工单都记下
  分类建议及其置信度，经办人更正后的类别作为分类器的训练数据。
* 舆情帖文：舆情监测系统（渠道为 public_opinion 的客户端）以 `POST /api/v1/opinion/posts`
  批量推送帖文，见该接口的说明。
* 错误：`{"detail": [{"field": "caller.phone", "code": "...", "message": "..."}]}`，
  `field` 为请求体中的字段路径；格式错误 422，JSON 无法解析 400，
  请求体不是 `application/json` 415，未认证 401。
"""

api = NinjaAPI(
    title="LaborWatch 工单接入接口",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=ApiClientToken(),
    docs=LocalSwagger(),
    parser=JsonOnlyParser(),
)
install_error_handlers(api)

ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 413: ErrorOut, 415: ErrorOut, 422: ErrorOut}


def _client(request: HttpRequest) -> ApiClient:
    return request.auth  # type: ignore[attr-defined]


@api.post(
    "/cases",
    response={201: CaseCreatedOut, 200: CaseCreatedOut, **ERRORS},
    summary="推送工单",
    operation_id="case_push",
)
def case_push(request: HttpRequest, payload: CaseIn) -> HttpStatus:
    client = _client(request)
    try:
        result = case_intake(
            actor=None,
            channel=client.channel,
            api_client=client,
            external_ref=payload.external_ref,
            received_at=payload.received_at,
            caller_name=payload.caller.name,
            caller_phone=payload.caller.phone,
            caller_id_number=payload.caller.id_number or "",
            employer_credit_code=payload.employer.credit_code or "",
            employer_name=payload.employer.name or "",
            description=payload.description,
            category=payload.category or "",
            request_type=payload.request_type,
            amount_claimed=payload.amount_claimed,
            workers_involved=payload.workers_involved,
            arrears_from=payload.arrears_from,
            arrears_to=payload.arrears_to,
            project_name=payload.project_name or "",
            assigned_by=payload.assigned_by or "",
            superior_deadline=payload.superior_deadline,
        )
    except ValidationError as error:
        return HttpStatus(422, {"detail": service_errors(error)})
    return HttpStatus(201 if result.created else 200, _push_answer(result))


@api.get(
    "/cases/{number}",
    response={200: CaseStatusOut, 401: ErrorOut, 404: ErrorOut},
    summary="查询本系统推送的工单进展",
    operation_id="case_status",
)
def case_status(request: HttpRequest, number: str) -> dict[str, Any]:
    # Another client's case and a missing case look the same: 404.
    case = (
        Case.objects.filter(api_client=_client(request), number=number)
        .select_related("merged_into")
        .first()
    )
    if case is None:
        raise Http404
    return _status_answer(case)


@api.get("/docs/assets/{name}", auth=None, include_in_schema=False, url_name=ASSET_URL_NAME)
def docs_asset(request: HttpRequest, name: str) -> HttpResponse:
    return asset_response(name)


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value)


def _sla(case: Case) -> dict[str, Any]:
    return {
        "stage": case.sla_stage,
        "light": case.sla_light(),
        "accept_due": _local(case.accept_due),
        "feedback_due": _local(case.feedback_due),
        "resolve_due": _local(case.resolve_due),
    }


def _push_answer(result: IntakeResult) -> dict[str, Any]:
    case = result.case
    employer, duplicate, group = case.employer, case.possible_duplicate_of, case.group
    return {
        "number": case.number,
        "status": case.status,
        "created": result.created,
        "sla": _sla(case),
        "employer": {
            "credit_code": employer.credit_code if employer else None,
            "name": employer.name if employer else None,
            "candidates": [dataclasses.asdict(c) for c in result.candidates],
        },
        "possible_duplicate_of": duplicate.number if duplicate else None,
        "group": group.number if group else None,
    }


PROGRESS_STEPS = (
    (Status.RECEIVED, "received_at"),
    (Status.ACCEPTED, "accepted_at"),
    (Status.CONTACTED, "worker_contacted_at"),
    (Status.FEEDBACK_GIVEN, "feedback_at"),
    (Status.IN_HANDLING, "handling_started_at"),
    (Status.RESOLVED, "resolved_at"),
    (Status.CLOSED, "closed_at"),
    (Status.CALLED_BACK, "called_back_at"),
    (Status.ARCHIVED, "archived_at"),
)


def _status_answer(case: Case) -> dict[str, Any]:
    reached = sorted(
        ((at, status) for status, field in PROGRESS_STEPS if (at := getattr(case, field))),
        key=lambda pair: pair[0],
    )
    steps = [
        {"step": status.value, "label": str(status.label), "at": _local(at)}
        for at, status in reached
    ]
    outcome = None
    if case.status in FINISHED_STATUSES:
        outcome = {
            "wages_recovered": case.wages_recovered,
            "workers_covered": case.workers_covered,
            "closure_reason": case.closure_reason,
            "closure_reason_label": case.get_closure_reason_display(),
        }
    return {
        "number": case.number,
        "external_ref": case.external_ref,
        "status": case.status,
        "status_label": case.get_status_display(),
        "received_at": _local(case.received_at),
        "sla": _sla(case),
        "progress": steps,
        "outcome": outcome,
        "merged_into": case.merged_into.number if case.merged_into else None,
    }
