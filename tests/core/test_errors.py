"""Error pages are Chinese, inside the site frame, and say what to do; the interface is
Chinese whatever language the browser asks for, unless the user chose another."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client

from laborwatch.core.models import AuditEvent
from tests.personas import ALL_PERSONAS
from tests.warnings.support import DAY0, only_warning, signal, sync

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
NAVIGATION = '<nav class="mainnav">'


def error_page(response: HttpResponse, status: int) -> str:
    """The page's text, after checking its status and that no English default page slipped in."""
    assert response.status_code == status
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page
    assert "Not Found" not in page and "Forbidden" not in page and "Server Error" not in page
    return page


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_404_is_chinese_in_the_frame_for_every_persona(
    request, client_for, registry, persona
) -> None:
    client = client_for(request.getfixturevalue(persona))
    page = error_page(client.get("/warnings/999999/", **ENGLISH_BROWSER), 404)
    assert "<h1>页面不存在</h1>" in page
    assert "不在您所在区市或部门的范围内" in page
    assert NAVIGATION in page
    assert 'href="/cases/inbox/">打开我的待办</a>' in page


def test_404_for_a_visitor_offers_sign_in() -> None:
    page = error_page(Client().get("/no-such-page/"), 404)
    assert "<h1>页面不存在</h1>" in page
    assert 'href="/login/">登录</a>' in page
    assert NAVIGATION not in page


def test_audit_log_refused_to_a_district_user_is_a_framed_chinese_404(client_for, owner) -> None:
    assert "<h1>页面不存在</h1>" in error_page(client_for(owner).get("/audit/"), 404)


def test_403_is_chinese_in_the_frame(client_for, leader, registry) -> None:
    """A leader reads a warning but may not sign for it: the refusal says what to do."""
    sync(DAY0, signal(registry.shinan_enterprise, "orange"))
    warning = only_warning(enterprise=registry.shinan_enterprise)
    events = AuditEvent.objects.count()
    page = error_page(client_for(leader).post(f"/warnings/{warning.pk}/acknowledge/"), 403)
    assert "<h1>无权操作</h1>" in page
    assert "请联系系统管理员" in page
    assert NAVIGATION in page
    assert AuditEvent.objects.count() == events


@pytest.mark.urls("tests.core.error_urls")
def test_500_is_chinese_in_the_frame(centre_staff) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(centre_staff)
    page = error_page(client.get("/fail/", **ENGLISH_BROWSER), 500)
    assert "<h1>系统出错了</h1>" in page
    assert "请稍后重试" in page
    assert NAVIGATION in page


@pytest.mark.urls("tests.core.error_urls")
def test_500_page_still_answers_when_its_frame_fails(settings, centre_staff, caplog) -> None:
    engine = settings.TEMPLATES[0]
    processors = [*engine["OPTIONS"]["context_processors"], "tests.core.error_urls.broken_frame"]
    settings.TEMPLATES = [
        {**engine, "OPTIONS": {**engine["OPTIONS"], "context_processors": processors}}
    ]
    client = Client(raise_request_exception=False)
    client.force_login(centre_staff)
    page = error_page(client.get("/fail/"), 500)
    assert "<h1>系统出错了</h1>" in page
    assert NAVIGATION not in page
    assert 'href="/login/">登录</a>' in page
    assert "the error page could not be rendered with the request" in caplog.text


def test_csrf_failure_is_chinese(centre_staff) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(centre_staff)
    events = AuditEvent.objects.count()
    page = error_page(client.post("/workers/new/", {"name": "张伟"}), 403)
    assert "<h1>表单已过期</h1>" in page
    assert "请刷新页面后重新提交" in page
    assert AuditEvent.objects.count() == events


def test_an_english_browser_gets_chinese(client_for, centre_staff) -> None:
    response = client_for(centre_staff).get("/", HTTP_ACCEPT_LANGUAGE="en-US,en")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in page
    assert response["Content-Language"] == "zh-hans"
    assert "<h1>驾驶舱 · 全市</h1>" in page


def test_the_language_switch_still_chooses_english(client_for, centre_staff) -> None:
    client = client_for(centre_staff)
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert switched.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "<h1>Command dashboard · Whole city</h1>" in page
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "<h1>驾驶舱 · 全市</h1>" in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_an_unknown_language_cookie_falls_back_to_chinese(client_for, centre_staff) -> None:
    client = client_for(centre_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert '<html lang="zh-hans">' in client.get("/").content.decode()
