"""Control characters are refused at every input: the web forms (the intake API has its own
tests in tests/cases/test_api_errors.py), with tab and line breaks allowed in multi-line text."""

from __future__ import annotations

import pytest
import time_machine

from laborwatch.cases.models import Case
from laborwatch.core.models import AuditEvent
from laborwatch.lib.control_characters import first_control_character
from laborwatch.workers.models import Worker
from tests.cases.test_views_intake import VALID
from tests.cases.views_support import T0, fresh, make_case, post_action

MESSAGE = "含有控制字符（第 2 个字符，U+001B），请删除后重试。"


@pytest.mark.parametrize(
    ("text", "multiline", "found"),
    [
        ("张三", False, None),
        ("X\x1b\x0bY", False, (2, "\x1b")),
        ("a\tb", False, (2, "\t")),
        ("a\tb\r\nc", True, None),
        ("a\x0bb", True, (2, "\x0b")),
        ("\x00", True, (1, "\x00")),
        ("a\x7f", True, (2, "\x7f")),
        ("a\x85", True, (2, "\x85")),
        ("全角　空格", False, None),
    ],
)
def test_first_control_character(text, multiline, found) -> None:
    assert first_control_character(text, multiline=multiline) == found


@pytest.mark.django_db
def test_intake_form_refuses_a_control_character_and_names_the_field(
    registry, centre_staff, client_for
):
    before = (Case.objects.count(), Worker.objects.count(), AuditEvent.objects.count())
    with time_machine.travel(T0, tick=False):
        response = client_for(centre_staff).post(
            "/cases/new/?channel=walk_in",
            VALID | {"caller_name": "X\x1b\x0bY", "description": "拖欠\x00工资"},
        )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["caller_name"] == [MESSAGE]
    assert errors["description"] == ["含有控制字符（第 3 个字符，U+0000），请删除后重试。"]
    assert MESSAGE in response.content.decode()
    assert (Case.objects.count(), Worker.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.django_db
def test_intake_form_keeps_line_breaks_in_the_description(registry, centre_staff, client_for):
    with time_machine.travel(T0, tick=False):
        response = client_for(centre_staff).post(
            "/cases/new/?channel=walk_in", VALID | {"description": "第一行\r\n\t第二行"}
        )
    assert response.status_code == 302
    assert Case.objects.get().description == "第一行\r\n\t第二行"


@pytest.mark.django_db
def test_a_note_with_a_control_character_is_refused(registry, owner, client_for):
    case = make_case(registry.shinan_enterprise)
    notes = AuditEvent.objects.filter(action="case.note")
    response = post_action(client_for(owner), case, "note", note="补充\x1b[31m材料")
    assert response.status_code == 400
    assert not notes.exists()
    assert fresh(case).version == case.version
    response = post_action(client_for(owner), case, "note", note="补充材料\n第二行")
    assert response.status_code == 302
    assert notes.get().reason == "补充材料\n第二行"


@pytest.mark.django_db
def test_worker_and_enterprise_forms_refuse_control_characters(registry, centre_staff, client_for):
    client = client_for(centre_staff)
    response = client.post("/workers/new/", {"name": "X\x1bY", "phone": "13912340077"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [MESSAGE]
    response = client.get("/enterprises/", {"q": "海\x1b岸"})
    assert response.status_code == 200
    assert response.context["form"].errors["q"] == [MESSAGE]
