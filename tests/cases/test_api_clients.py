"""API clients: tokens issued once and stored as digests, revocation, the CLI and the admin."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from laborwatch.cases.api.auth import api_client_for_token
from laborwatch.cases.models import ApiClient
from laborwatch.cases.services.clients import (
    api_client_create,
    api_client_reissue,
    api_client_revoke,
)
from laborwatch.cli import main
from laborwatch.core.crypto import digest
from laborwatch.core.models import AuditEvent


def events(action: str) -> list[tuple[str, str, dict | None]]:
    return list(
        AuditEvent.objects.filter(action=action)
        .order_by("pk")
        .values_list("actor_label", "target_label", "after")
    )


class TestServices:
    def test_create_stores_only_the_digest_and_a_hint(self, db, admin_user):
        client, token = api_client_create(
            actor=admin_user, name=" 12351热线 ", channel="hotline_12351"
        )
        assert token.startswith("lw_") and len(token) > 40
        stored = ApiClient.objects.filter(pk=client.pk).values().get()
        assert token not in str(stored)
        assert (stored["name"], stored["token_digest"], stored["token_hint"]) == (
            "12351热线",
            digest(token),
            token[:8],
        )
        assert api_client_for_token(token) == client
        assert events("api_client.create") == [
            (
                "admin",
                "12351热线",
                {"name": "12351热线", "channel": "hotline_12351", "token_hint": token[:8]},
            )
        ]

    @pytest.mark.parametrize(
        ("name", "channel", "field"),
        [
            ("", "hotline_12351", "name"),
            ("x" * 101, "hotline_12351", "name"),
            ("ok", "fax", "channel"),
        ],
    )
    def test_create_refuses_bad_input(self, db, name, channel, field):
        with pytest.raises(ValidationError) as error:
            api_client_create(actor=None, name=name, channel=channel)
        assert list(error.value.message_dict) == [field]
        assert not ApiClient.objects.exists()
        assert not AuditEvent.objects.exists()

    def test_names_are_unique(self, db):
        api_client_create(actor=None, name="12351热线")
        with pytest.raises(ValidationError) as error:
            api_client_create(actor=None, name="12351热线")
        assert error.value.message_dict == {"name": ["已有同名的接口客户端。"]}

    def test_revoke_then_reissue(self, db, admin_user):
        client, token = api_client_create(actor=None, name="12351热线")
        api_client_revoke(actor=admin_user, client=client, reason="系统下线")
        assert api_client_for_token(token) is None
        with pytest.raises(ValidationError):
            api_client_revoke(actor=admin_user, client=client)
        _, fresh = api_client_reissue(actor=admin_user, client=client)
        assert api_client_for_token(token) is None
        assert api_client_for_token(fresh) == ApiClient.objects.get(is_active=True)
        revoked = AuditEvent.objects.get(action="api_client.revoke")
        assert (revoked.actor, revoked.reason, revoked.after) == (
            admin_user,
            "系统下线",
            {"is_active": False, "token_hint": token[:8]},
        )
        assert events("api_client.reissue")[0][2] == {"token_hint": fresh[:8], "is_active": True}

    def test_empty_token_matches_nothing(self, db):
        api_client_create(actor=None, name="12351热线")
        assert api_client_for_token("") is None
        assert api_client_for_token("   ") is None


class TestCommandLine:
    def test_create_list_revoke(self, db, capsys):
        assert main(["api-token", "create", "12351热线"]) == 0
        token = capsys.readouterr().out.strip().splitlines()[-1]
        assert api_client_for_token(token).name == "12351热线"
        assert main(["api-token", "list"]) == 0
        listing = capsys.readouterr().out
        assert "12351热线" in listing and token[:8] in listing and token not in listing
        assert main(["api-token", "revoke", "12351热线", "--reason", "测试"]) == 0
        assert api_client_for_token(token) is None
        assert events("api_client.revoke")[0][0] == "cli"

    def test_errors_exit_1_with_a_chinese_message(self, db, capsys):
        assert main(["api-token", "revoke", "无此客户端"]) == 1
        assert "没有名为 无此客户端 的接口客户端" in capsys.readouterr().err
        assert main(["api-token", "create", "x", "--channel", "fax"]) == 1
        assert "未知的渠道。" in capsys.readouterr().err

    def test_reissue_prints_a_new_token(self, db, capsys):
        main(["api-token", "create", "12351热线"])
        old = capsys.readouterr().out.strip().splitlines()[-1]
        assert main(["api-token", "reissue", "12351热线"]) == 0
        new = capsys.readouterr().out.strip().splitlines()[-1]
        assert new != old
        assert api_client_for_token(old) is None and api_client_for_token(new) is not None


class TestAdmin:
    def test_adding_a_client_shows_its_token_once(self, admin_user, client_for):
        browser = client_for(admin_user)
        response = browser.post(
            "/admin/cases/apiclient/add/",
            {"name": "12351热线", "channel": "hotline_12351"},
            follow=True,
        )
        assert response.status_code == 200
        client = ApiClient.objects.get()
        shown = [str(message) for message in response.context["messages"]]
        token = shown[0].rsplit("：", 1)[-1]
        assert shown[0].startswith("12351热线 的令牌（只显示这一次")
        assert api_client_for_token(token) == client
        assert events("api_client.create")[0][0] == "admin"
        page = browser.get(f"/admin/cases/apiclient/{client.pk}/change/").content.decode()
        assert token not in page and token[:8] in page

    def test_actions_reissue_and_revoke(self, admin_user, client_for):
        client, token = api_client_create(actor=None, name="12351热线")
        browser = client_for(admin_user)
        changelist = "/admin/cases/apiclient/"
        response = browser.post(
            changelist, {"action": "issue_token", "_selected_action": [client.pk]}, follow=True
        )
        fresh = next(str(m) for m in response.context["messages"]).rsplit("：", 1)[-1]
        assert api_client_for_token(token) is None and api_client_for_token(fresh) == client
        browser.post(changelist, {"action": "revoke", "_selected_action": [client.pk]})
        assert api_client_for_token(fresh) is None
        assert [e[0] for e in events("api_client.revoke")] == ["admin"]

    def test_cases_and_referrals_are_read_only(self, admin_user, client_for):
        browser = client_for(admin_user)
        assert browser.get("/admin/cases/case/").status_code == 200
        assert browser.get("/admin/cases/case/add/").status_code == 403
        assert browser.get("/admin/cases/referral/add/").status_code == 403
        assert browser.get("/admin/cases/slapolicy/add/").status_code == 200


def test_the_api_accepts_a_token_from_the_cli(db, capsys, org_units):
    main(["api-token", "create", "12351热线"])
    token = capsys.readouterr().out.strip().splitlines()[-1]
    response = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/cases/GD1")
    assert response.status_code == 404
