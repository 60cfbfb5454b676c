"""POST /api/v1/opinion/posts: token auth, the public-opinion channel only, batches of up to
1,000, row errors in the answer with the valid rows kept, and its OpenAPI document."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from laborwatch.cases.services.clients import api_client_create
from laborwatch.opinion.models import Event, Post
from tests.opinion.support import T0

pytestmark = pytest.mark.django_db
URL = "/api/v1/opinion/posts"


def http(channel: str = "public_opinion", name: str = "舆情服务商") -> Client:
    _, token = api_client_create(actor=None, name=name, channel=channel)
    return Client(headers={"Authorization": f"Bearer {token}"})


def post(number: int, **fields) -> dict:
    return {
        "platform": "weibo",
        "post_id": number,
        "published_at": "2025-03-05T07:00:00+08:00",
        "text": "青岛海岸电子有限公司拖欠工人工资三个月，工人到厂门口讨薪",
        "reposts": 12,
        **fields,
    }


def push(client: Client, posts: list[dict]):
    return client.post(URL, data={"posts": posts}, content_type="application/json")


@time_machine.travel(T0, tick=False)
def test_a_batch_with_a_bad_row_keeps_the_good_ones(registry):
    client = http()
    response = push(client, [post(1), post(2, published_at="昨天"), post(3, reposts="1.2万")])
    assert response.status_code == 200
    assert response.json() == {
        "received": 3,
        "stored": 2,
        "updated": 0,
        "unchanged": 0,
        "refused": 1,
        "events_created": 1,
        "events_updated": 0,
        "errors": [
            {
                "row": 2,
                "field": "published_at",
                "code": "bad_date",
                "message": "第 2 行「published_at」：不是有效的时间（应如 2026-05-01 10:30）"
                "（所填：昨天）",
            }
        ],
    }
    assert Post.objects.get(post_id="3").reposts == 12000
    again = push(client, [post(1, reposts=50)])
    assert again.json()["updated"] == 1
    assert Post.objects.get(post_id="1").snapshots.count() == 2
    assert Event.objects.get().posts.count() == 2


@time_machine.travel(T0, tick=False)
def test_a_batch_of_bad_rows_only_is_refused(registry):
    response = push(http(), [post(1, text=""), post(2, published_at=None)])
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "posts.0.text", "code": "empty_text", "message": "第 1 行「text」：正文为空"},
        {"field": "posts.1.published_at", "code": "missing",
         "message": "第 2 行「published_at」：必填项为空"},
    ]  # fmt: skip
    assert not Post.objects.exists()


def test_limits_and_shape_are_the_schema_s(registry):
    client = http()
    too_many = push(client, [post(n) for n in range(1001)])
    assert too_many.status_code == 422
    assert too_many.json()["detail"][0]["field"] == "posts"
    assert push(client, []).status_code == 422
    assert client.post(URL, data="{", content_type="application/json").status_code == 400
    assert not Post.objects.exists()


def test_tokens_and_channels(registry):
    assert Client().post(URL, data={"posts": [post(1)]}, content_type="application/json"
                         ).status_code == 401  # fmt: skip
    hotline = push(http(channel="hotline_12351", name="12351热线"), [post(1)])
    assert hotline.status_code == 403
    assert hotline.json()["detail"][0]["message"] == (
        "只有舆情监测渠道（public_opinion）的客户端可以推送帖文。"
    )
    assert not Post.objects.exists()


def test_the_endpoint_is_in_the_openapi_document(db):
    document = Client().get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/opinion/posts"]["post"]
    assert operation["operationId"] == "opinion_posts_push"
    assert set(operation["responses"]) == {"200", "400", "401", "403", "413", "422"}
    assert operation["security"] == [{"ApiClientToken": []}]
    body = document["components"]["schemas"]["PostBatchIn"]["properties"]["posts"]
    assert (body["minItems"], body["maxItems"]) == (1, 1000)
    fields = document["components"]["schemas"]["OpinionPostIn"]["properties"]
    assert set(fields) == {
        "platform", "post_id", "url", "author", "published_at", "title", "text",
        "reposts", "comments", "likes", "views", "ip_region",
    }  # fmt: skip
