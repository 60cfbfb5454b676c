"""POST /api/v1/opinion/posts: the monitoring vendor (an API client of channel public_opinion)
pushes a batch of up to 1,000 posts; the same intake service as `laborwatch opinion ingest`.

Mounted on the one intake API (cases/api/endpoints.py: token auth, error shape, OpenAPI
document) by config/urls.py.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja import Status as HttpStatus

from laborwatch.cases.api.errors import error_item
from laborwatch.cases.api.schemas import ErrorOut
from laborwatch.cases.models import ApiClient, Channel
from laborwatch.opinion.api.schemas import PostBatchIn, PostBatchOut
from laborwatch.opinion.messages import row_message
from laborwatch.opinion.services import IngestReport, opinion_ingest_records

router = Router(tags=["舆情"])

DESCRIPTION = """
舆情监测系统批量推送监测到的帖文（每批 1 至 1000 条，请求体不超过 2.5 MB，超过返回 413）。

* 仅限渠道为 public_opinion 的客户端令牌（`laborwatch api-token create 名称 --channel
  public_opinion`），其他客户端返回 403。
* 同一帖子（同一平台的同一帖子编号，或同一链接）再次推送只保存一次，互动数更新并保留历史。
* 逐条检查：有问题的帖文连同序号、字段和原因列在 `errors` 中，其余照常入库（HTTP 200）；
  全部被拒绝时返回 422，`detail` 中的 `field` 形如 `posts.3.published_at`（序号从 0 起）。
* 帖文经劳动关系研判、企业关联后聚合为舆情事件；非劳动关系帖文保留但不进入核实清单。
"""


def _answer(report: IngestReport) -> dict[str, object]:
    return {
        "received": report.rows,
        **report.outcome(),
        "errors": [
            {"row": e.row, "field": e.field, "code": e.code, "message": row_message(e)}
            for e in report.errors
        ],
    }


@router.post(
    "/posts",
    response={200: PostBatchOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 413: ErrorOut,
              422: ErrorOut},
    summary="推送舆情帖文",
    description=DESCRIPTION,
    operation_id="opinion_posts_push",
)  # fmt: skip
def posts_push(request: HttpRequest, payload: PostBatchIn) -> HttpStatus:
    client: ApiClient = request.auth  # type: ignore[attr-defined]
    if client.channel != Channel.PUBLIC_OPINION:
        message = _("Only a client of the public-opinion channel may push posts.")
        return HttpStatus(403, {"detail": [error_item("", "forbidden", message)]})
    records = [post.model_dump(exclude_unset=True) for post in payload.posts]
    report = opinion_ingest_records(records=records, source=client.name)
    if report.refused and report.refused == report.rows:
        items = [
            error_item(f"posts.{e.row - 1}.{e.field}" if e.field else f"posts.{e.row - 1}",
                       e.code, row_message(e))
            for e in report.errors
        ]  # fmt: skip
        return HttpStatus(422, {"detail": items})
    return HttpStatus(200, _answer(report))
