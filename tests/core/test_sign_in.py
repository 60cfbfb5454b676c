"""Sign-in: throttled by account and by address (django-axes), never locked for good, weak
passwords refused. The probe sent 130 wrong passwords to /login/ and /admin/login/, all
answered, and the right one still worked; 12345678, password and the user name were accepted."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django.utils.translation import override

from laborwatch.core.models import AuditEvent, User
from laborwatch.core.roles import Role
from laborwatch.core.services import user_create
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT
LOCKED = (
    "登录失败次数过多：该账号或本机地址 15 分钟内不能登录。请稍后再试，或请系统管理员解除锁定。"
)
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def sign_in(url: str, username: str, password: str, address: str = "10.1.1.1"):
    client = Client(REMOTE_ADDR=address)
    return client.post(url, {"username": username, "password": password}), client


def fail(url: str, username: str, times: int, address: str = "10.1.1.1") -> None:
    for attempt in range(times):
        response, _client = sign_in(url, username, "wrong-password-x", address)
        assert response.status_code == 200, attempt


def locks() -> list[tuple[str, str, dict]]:
    events = AuditEvent.objects.filter(action="login.lock").order_by("at", "pk")
    return [(e.actor_label, e.target_label, e.after) for e in events]


@pytest.mark.parametrize(
    ("url", "persona"), [("/login/", "owner"), ("/admin/login/", "admin_user")]
)
def test_too_many_failures_lock_the_account_then_the_lock_ends(request, url, persona):
    user = request.getfixturevalue(persona)
    with time_machine.travel(T0, tick=False):
        fail(url, user.username, LIMIT - 1)
        response, _client = sign_in(url, user.username, "wrong-password-x")
        assert response.status_code == 429
        assert LOCKED in response.content.decode()
        # Locked: the right password is refused too, and says why.
        response, client = sign_in(url, user.username, PASSWORD)
        assert response.status_code == 429
        assert LOCKED in response.content.decode()
        assert not response.wsgi_request.user.is_authenticated
    # Attempts during the lock neither prolong it nor write another event.
    with time_machine.travel(T0 + dt.timedelta(minutes=10), tick=False):
        fail_response, _client = sign_in(url, user.username, "wrong-password-x")
        assert fail_response.status_code == 429
    assert locks() == [("axes", user.username, {"ip_address": "10.1.1.1", "minutes": 15})]
    with time_machine.travel(T0 + dt.timedelta(minutes=16), tick=False):
        response, client = sign_in(url, user.username, PASSWORD)
        assert response.status_code == 302
        assert client.get("/").status_code == 200


def test_the_lock_is_by_account_from_any_address(owner):
    with time_machine.travel(T0, tick=False):
        for number in range(LIMIT - 1):
            fail("/login/", "owner", 1, address=f"10.2.0.{number}")
        assert sign_in("/login/", "owner", "wrong-password-x", "10.2.1.1")[0].status_code == 429
        response, _client = sign_in("/login/", "owner", PASSWORD, address="10.9.9.9")
        assert response.status_code == 429


def test_the_lock_is_by_address_for_any_account(owner, colleague):
    with time_machine.travel(T0, tick=False):
        for number in range(LIMIT - 1):
            fail("/login/", f"guess{number}", 1, address="10.3.3.3")
        assert sign_in("/login/", "guess", "wrong-password-x", "10.3.3.3")[0].status_code == 429
        response, _client = sign_in("/login/", "colleague", PASSWORD, address="10.3.3.3")
        assert response.status_code == 429
        # Another computer is not affected.
        response, _client = sign_in("/login/", "colleague", PASSWORD, address="10.4.4.4")
        assert response.status_code == 302


def test_an_administrator_lifts_a_lock_at_once_and_it_is_audited(owner, admin_user, client_for):
    with time_machine.travel(T0, tick=False):
        fail("/login/", "owner", LIMIT - 1)
        assert sign_in("/login/", "owner", PASSWORD + "x")[0].status_code == 429
        assert sign_in("/login/", "owner", PASSWORD)[0].status_code == 429
        admin = client_for(admin_user)
        listing = admin.get("/admin/axes/accessattempt/")
        assert listing.status_code == 200
        assert "owner" in listing.content.decode()
        attempt = AccessAttempt.objects.get(username="owner")
        response = admin.post(
            "/admin/axes/accessattempt/",
            {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
        )
        assert response.status_code == 302
        assert not AccessAttempt.objects.exists()
        assert sign_in("/login/", "owner", PASSWORD)[0].status_code == 302
    event = AuditEvent.objects.get(action="login.unlock")
    assert (event.actor, event.target_label, event.after) == (
        admin_user,
        "owner",
        {"ip_address": "10.1.1.1"},
    )
    assert event.target_id == str(owner.pk)


def test_a_success_before_the_limit_starts_the_count_again(owner):
    with time_machine.travel(T0, tick=False):
        fail("/login/", "owner", LIMIT - 1)
        assert sign_in("/login/", "owner", PASSWORD)[0].status_code == 302
        fail("/login/", "owner", LIMIT - 1)
        assert sign_in("/login/", "owner", PASSWORD)[0].status_code == 302
    assert locks() == []


# --- passwords -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "messages"),
    [
        (
            "12345678",
            [
                "密码太短，至少要有 10 个字符。",
                "这个密码太常见了。",
                "密码只包含数字。",
            ],
        ),
        ("password", ["密码太短，至少要有 10 个字符。", "这个密码太常见了。"]),
        ("zhangwei01", ["密码跟 用户名 太相似了。"]),
        ("qwertyuiop", ["这个密码太常见了。"]),
    ],
)
def test_weak_passwords_are_refused_in_chinese(org_units, password, messages):
    with override("zh-hans"):
        with pytest.raises(ValidationError) as caught:
            user_create(actor=None, username="zhangwei01", password=password, role=Role.LEADER)
        assert caught.value.messages == messages
    assert not User.objects.exists()


def test_a_long_uncommon_password_is_accepted(org_units):
    user = user_create(actor=None, username="wangfang", password="海岸-2026-春季", role=Role.LEADER)
    assert user.check_password("海岸-2026-春季")


def test_the_admin_refuses_a_weak_password_for_a_new_user(admin_user, client_for):
    response = client_for(admin_user).post(
        "/admin/core/user/add/",
        {
            "username": "newbie",
            "password1": "12345678",
            "password2": "12345678",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert "这个密码太常见了。" in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()


def test_sessions_end_after_eight_idle_hours(owner, settings):
    from laborwatch.config import settings as configured

    assert configured.SESSION_COOKIE_AGE == 8 * 3600
    settings.SESSION_COOKIE_AGE = configured.SESSION_COOKIE_AGE
    client = Client()
    with time_machine.travel(T0, tick=False):
        assert (
            client.post("/login/", {"username": "owner", "password": PASSWORD}).status_code == 302
        )
    # Used after seven hours: the session is renewed from then.
    with time_machine.travel(T0 + dt.timedelta(hours=7), tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(T0 + dt.timedelta(hours=14), tick=False):
        assert client.get("/").status_code == 200
    # Eight hours and a minute without a request: signed out.
    with time_machine.travel(T0 + dt.timedelta(hours=22, minutes=1), tick=False):
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
    assert timezone.is_aware(T0)
