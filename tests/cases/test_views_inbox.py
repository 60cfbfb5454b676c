"""The inbox pages each long section on its own: page 1 with the section's total, the next
page with the rest, an out-of-range page clamped to the last, the other sections' pages and
any other parameter kept in the links, and a query count that does not grow with the rows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from laborwatch.cases.models import Case, InboxItem
from laborwatch.cases.services import case_instruct
from laborwatch.cases.services.inbox import inbox_notify
from laborwatch.cases.views.inbox import SECTION_PAGE_SIZE
from laborwatch.warnings.services import warning_instruct
from tests.cases.views_support import T0, make_case
from tests.warnings.support import DAY0, only_warning, signal, sync

pytestmark = pytest.mark.django_db

EXTRA = 4  # rows past the first page


def make_open_cases(employer, count: int, *, start: int = 0) -> None:
    for offset in range(start, start + count):
        make_case(employer, caller_phone=f"1391234{offset:04d}")


def notify(user, case, count: int) -> None:
    for offset in range(count):
        inbox_notify(
            users=[user], case=case, kind=InboxItem.Kind.URGE, message=f"催办{offset}", now=T0
        )


def urgency_order() -> list[str]:
    rows = Case.objects.filter(handler=None).order_by("next_due_at", "pk")
    return list(rows.values_list("number", flat=True))


def tile(html: str, label: str) -> int:
    match = re.search(r"<b>(\d+)</b><span>" + re.escape(label) + "</span>", html)
    assert match, label
    return int(match.group(1))


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def test_a_long_section_shows_page_one_its_total_and_a_next_link(
    registry, centre_staff, client_for, clock
):
    make_open_cases(registry.shinan_enterprise, SECTION_PAGE_SIZE + EXTRA)
    response = client_for(centre_staff).get("/cases/inbox/")
    assert response.status_code == 200
    section = response.context["sections"]["cases"]
    assert section.page.number == 1
    assert section.page.paginator.count == SECTION_PAGE_SIZE + EXTRA
    assert [case.number for case in section.page] == urgency_order()[:SECTION_PAGE_SIZE]
    html = response.content.decode()
    # The tile's figure is the list's total, not the rows on the page.
    assert tile(html, "我的在办工单") == SECTION_PAGE_SIZE + EXTRA
    assert f"共 {SECTION_PAGE_SIZE + EXTRA} 条 · 第 1 / 2 页" in html
    assert 'href="?cases=2#cases"' in html
    for number in urgency_order()[SECTION_PAGE_SIZE:]:
        assert number not in html


def test_the_next_page_shows_the_rest_and_keeps_the_other_sections(
    registry, centre_staff, client_for, clock
):
    make_open_cases(registry.shinan_enterprise, SECTION_PAGE_SIZE + EXTRA)
    notify(centre_staff, Case.objects.first(), SECTION_PAGE_SIZE + 2)
    response = client_for(centre_staff).get("/cases/inbox/", {"cases": "2", "notices": "2"})
    sections = response.context["sections"]
    assert [case.number for case in sections["cases"].page] == urgency_order()[SECTION_PAGE_SIZE:]
    assert len(sections["notices"].page) == 2
    assert sections["notices"].page.paginator.count == SECTION_PAGE_SIZE + 2
    html = response.content.decode()
    assert tile(html, "未读提醒") == SECTION_PAGE_SIZE + 2
    # The cases' links keep the notices' page, and the other way round.
    assert 'href="?notices=2&amp;cases=1#cases"' in html
    assert 'href="?cases=2&amp;notices=1#notices"' in html
    # Newest notice first, as before, with page 2 holding the two oldest.
    messages = [item.message for item in sections["notices"].page]
    assert messages == ["催办1", "催办0"]


def test_an_out_of_range_or_bad_page_gives_the_last_or_first_page(
    registry, centre_staff, client_for, clock
):
    make_open_cases(registry.shinan_enterprise, SECTION_PAGE_SIZE + EXTRA)
    client = client_for(centre_staff)
    last = client.get("/cases/inbox/", {"cases": "99"}).context["sections"]["cases"].page
    assert last.number == 2
    assert [case.number for case in last] == urgency_order()[SECTION_PAGE_SIZE:]
    first = client.get("/cases/inbox/", {"cases": "x"}).context["sections"]["cases"].page
    assert first.number == 1


def test_the_district_staff_sees_only_their_rows_counted(registry, owner, client_for, clock):
    """The notices of another user are neither listed nor counted."""
    case = make_case(registry.shinan_enterprise)
    notify(owner, case, 3)
    response = client_for(owner).get("/cases/inbox/")
    assert response.context["sections"]["notices"].page.paginator.count == 3
    assert InboxItem.objects.filter(read_at=None).count() == 3
    assert tile(response.content.decode(), "未读提醒") == 3


def test_the_query_count_does_not_grow_with_the_rows(registry, centre_staff, client_for, clock):
    client = client_for(centre_staff)
    make_open_cases(registry.shinan_enterprise, 2)
    notify(centre_staff, Case.objects.first(), 2)
    client.get("/cases/inbox/")  # warms the process caches (labels, settings rows)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/cases/inbox/").status_code == 200
    make_open_cases(registry.shinan_enterprise, 2 * SECTION_PAGE_SIZE, start=2)
    notify(centre_staff, Case.objects.last(), 2 * SECTION_PAGE_SIZE)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/cases/inbox/").status_code == 200
    assert [q["sql"][:40] for q in many] == [q["sql"][:40] for q in few]


def test_the_instructions_page_as_one_list_by_deadline(registry, leader, client_for, clock):
    """A leader's open instructions on work orders and on warnings are one list, nearest
    deadline first, 25 a page: the second page holds the rest, its links keep the other
    sections' pages, and the tile counts them all."""
    case_deadlines = [T0 + dt.timedelta(days=1, hours=hour) for hour in range(SECTION_PAGE_SIZE)]
    cases = [
        make_case(registry.shinan_enterprise, caller_phone=f"1391234{n:04d}")
        for n in range(SECTION_PAGE_SIZE)
    ]
    on_cases = [
        case_instruct(case=case, actor=leader, text=f"批示{n}", deadline=deadline, now=T0)
        for n, (case, deadline) in enumerate(zip(cases, case_deadlines, strict=True))
    ]
    sync(
        DAY0,
        signal(registry.shinan_enterprise, "orange", "si_arrears"),
        signal(registry.huangdao_enterprise, "orange", "si_arrears"),
        now=T0,
    )
    # One warning's deadline falls among the work orders', the other's after them all.
    early, late = (
        warning_instruct(
            warning=only_warning(enterprise=enterprise),
            actor=leader,
            text="核实",
            deadline=deadline,
            now=T0,
        )
        for enterprise, deadline in [
            (registry.shinan_enterprise, case_deadlines[2] + dt.timedelta(minutes=30)),
            (registry.huangdao_enterprise, case_deadlines[-1] + dt.timedelta(days=1)),
        ]
    )
    client = client_for(leader)
    first = client.get("/cases/inbox/", {"cases": "2"})
    section = first.context["sections"]["instructions"]
    expected = [*on_cases[:3], early, *on_cases[3:]]
    assert [(type(i).__name__, i.pk) for i in section.page] == [
        (type(i).__name__, i.pk) for i in expected[:SECTION_PAGE_SIZE]
    ]
    html = first.content.decode()
    assert tile(html, "未办结的领导批示") == SECTION_PAGE_SIZE + 2
    assert f"共 {SECTION_PAGE_SIZE + 2} 条 · 第 1 / 2 页" in html
    assert 'href="?cases=2&amp;instructions=2#instructions"' in html
    assert f'href="/warnings/{early.warning_id}/#instructions"' in html
    assert f'href="/warnings/{late.warning_id}/#instructions"' not in html

    second = client.get("/cases/inbox/", {"instructions": "2", "cases": "2"})
    rest = second.context["sections"]["instructions"].page
    assert [(type(i).__name__, i.pk) for i in rest] == [
        (type(on_cases[-1]).__name__, on_cases[-1].pk),
        (type(late).__name__, late.pk),
    ]
    html = second.content.decode()
    assert f'href="/warnings/{late.warning_id}/#instructions"' in html
    assert f'href="/cases/{cases[-1].number}/#instructions"' in html
    assert 'href="?instructions=2&amp;cases=1#cases"' not in html  # one page of cases only
    assert 'href="?cases=2&amp;instructions=1#instructions"' in html
