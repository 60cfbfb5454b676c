"""Request and response bodies of the post intake API (they are also its OpenAPI document).

The schema checks the shape only: every field of a post may come as the vendor writes it, and
each post is checked on its own by the intake (engine records.py), so one bad post is refused
with its row and field while the others are kept.
"""

from __future__ import annotations

from ninja import Field, Schema

MAX_BATCH = 1000

Count = int | str | None
COUNT_HELP = "非负整数；也接受“1.2万”“10万+”这样的写法；缺省为 0"


class OpinionPostIn(Schema):
    platform: str | None = Field(
        None,
        description=(
            "平台：weibo / douyin / wechat / toutiao / forum / news / message_board / other，"
            "或中文名称（微博、抖音、微信公众号、今日头条、论坛、新闻网站、留言板）；"
            "缺省时按链接的域名判断"
        ),
    )
    post_id: str | int | None = Field(
        None, description="平台上的帖子编号（最长 200 字）；与 url 至少给出一项，用于识别同一帖子"
    )
    url: str | None = Field(None, description="帖子链接（http 或 https，最长 2000 字）")
    author: str | None = Field(None, description="作者或发布者（最长 200 字）")
    published_at: str | int | None = Field(
        None,
        description=(
            "发布时间（必填）：ISO 8601，如 2026-05-01T10:30:00+08:00，不带时区时按北京时间；"
            "也接受 2026-05-01 10:30 或以秒、毫秒计的时间戳；不得晚于当前时间"
        ),
    )
    title: str | None = Field(None, description="标题（最长 500 字）")
    text: str | None = Field(
        None, description="正文（必填，最长 20000 字）；HTML 标签会被去除，不会被当作网页显示"
    )
    reposts: Count = Field(None, description=f"转发数：{COUNT_HELP}")
    comments: Count = Field(None, description=f"评论数：{COUNT_HELP}")
    likes: Count = Field(None, description=f"点赞数：{COUNT_HELP}")
    views: Count = Field(None, description=f"阅读数：{COUNT_HELP}")
    ip_region: str | None = Field(None, description="IP 属地（省份）")


class PostBatchIn(Schema):
    posts: list[OpinionPostIn] = Field(
        min_length=1, max_length=MAX_BATCH, description=f"帖文，每批 1 至 {MAX_BATCH} 条"
    )


class RowErrorOut(Schema):
    row: int = Field(description="出错帖文在 posts 中的序号，从 1 起")
    field: str = Field(description="出错字段，如 published_at；空表示整条")
    code: str = Field(
        description=(
            "missing / bad_date / bad_number / too_long / empty_text / bad_platform / bad_url / "
            "no_identity / bad_row / bad_value / in_future / too_large"
        )
    )
    message: str


class PostBatchOut(Schema):
    received: int = Field(description="收到的帖文条数")
    stored: int = Field(description="新入库的帖文")
    updated: int = Field(description="已有帖文，互动数有变化（保留历史，用于计算增长）")
    unchanged: int = Field(description="已有帖文，互动数未变")
    refused: int = Field(description="被拒绝的帖文条数，原因见 errors")
    events_created: int = Field(description="新形成的舆情事件")
    events_updated: int = Field(description="因本批帖文而更新的舆情事件")
    errors: list[RowErrorOut]
