"""In a real browser (Playwright driving Debian's Chromium, which .ci/run installs), each for
the three personas of the command centre (a leader, the centre, a district union): the
dashboard's charts drawn and a figure followed to its list, a notification read, a report
downloaded; the dashboard printed on one A4 landscape page; and a leader's instruction (督办)
on a work order and on a warning, from the leader to the handler's inbox and back."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator

import pytest
import time_machine

from laborwatch.notifications.models import Notice, Notification
from laborwatch.notifications.services import notifications_deliver, notify
from laborwatch.reports.services import report_issue
from tests.conftest import PASSWORD
from tests.dashboard.city import NOW

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]


@pytest.fixture
def browser(monkeypatch) -> Iterator:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread; the test's own database calls
    # stay synchronous (Django's documented switch for such a loop).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def clock() -> Iterator[None]:
    # The clock runs on from the city's "today" (a stopped clock would stop the browser's).
    with time_machine.travel(NOW, tick=True):
        yield


def signed_in(browser, live_server, username: str):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


@pytest.mark.parametrize(
    ("persona", "charts", "received"),
    [("leader", 5, "4"), ("centre_staff", 5, "4"), ("owner", 3, "3")],
)
def test_the_dashboard_draws_its_charts(
    request,
    city,
    live_server,
    browser,
    clock,
    persona,
    charts,
    received,
) -> None:
    user = request.getfixturevalue(persona)
    page = signed_in(browser, live_server, user.username)
    page.wait_for_function(
        f"document.querySelectorAll('[data-chart] svg').length >= {charts}", timeout=15000
    )
    assert page.locator("[data-chart]").count() == charts
    assert page.inner_text("#figure-received .figure-value") == received
    # The funnel's stage names are drawn in the chart itself.
    assert "签收" in page.inner_text(".chart-funnel")
    page.click("#figure-received .figure-value")
    page.wait_for_url("**/cases/?*")
    assert "统计口径：受理维权件次" in page.inner_text(".figure-caption")
    assert page.locator("table.grid tbody tr").count() == int(received)


def test_the_dashboard_prints_on_one_a4_landscape_page(
    city,
    live_server,
    browser,
    clock,
    leader,
) -> None:
    page = signed_in(browser, live_server, leader.username)
    page.wait_for_function("document.querySelectorAll('[data-chart] svg').length >= 5")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", landscape=True, print_background=True, prefer_css_page_size=True)
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert pages == 1


# What each persona is told: the district union as a unit, the leader and the centre in person.
NOTIFIED = {
    "owner": (Notification.Kind.REFERRAL, "工单 GD20250320000009 转办至市南区总工会，请签收。"),
    "leader": (Notification.Kind.INSTRUCTION_REPORT, "张伟 已反馈您对工单 GD20250303000001 的批示"),
    "centre_staff": (Notification.Kind.RUN_FAILED, "定时任务 morning 运行失败：没有可评分的数据。"),
}


@pytest.mark.parametrize("persona", list(NOTIFIED))
def test_a_notification_is_read(
    request, city, live_server, browser, clock, org_units, persona
) -> None:
    user = request.getfixturevalue(persona)
    kind, message = NOTIFIED[persona]
    addressee = {"org_units": [org_units["shinan"]]} if persona == "owner" else {"users": [user]}
    notify(kind=kind, message=message, key=f"browser:{persona}", url="/", now=NOW, **addressee)
    notifications_deliver(now=NOW)  # with the warnings routed to 市南区 in the city's sync
    unread = Notice.objects.filter(user=user, read_at=None).count()
    assert unread >= 1
    page = signed_in(browser, live_server, user.username)
    assert page.inner_text(".badge-count") == str(unread)
    page.click("a.notices")
    page.wait_for_url("**/notifications/")
    row = page.locator("#notices tr", has_text=message)
    row.locator("button").click()
    page.wait_for_url("**/notifications/")
    if unread > 1:
        assert page.inner_text(".badge-count") == str(unread - 1)
    else:
        assert page.locator(".badge-count").count() == 0
    assert "已读" in page.locator("#notices tr", has_text=message).inner_text()
    assert Notice.objects.get(user=user, notification__key=f"browser:{persona}").read_at


@pytest.mark.parametrize("persona", ["leader", "centre_staff", "owner"])
def test_a_report_is_downloaded(
    request, city, live_server, browser, clock, org_units, persona
) -> None:
    user = request.getfixturevalue(persona)
    # A district union reads its own district's reports; the leader and the centre the city's.
    district = org_units["shinan"] if persona == "owner" else None
    report = report_issue(
        kind="monthly", period_start=dt.date(2025, 2, 1), district=district, actor=None, now=NOW
    )
    page = signed_in(browser, live_server, user.username)
    page.click("nav.mainnav >> text=报告")
    page.wait_for_url("**/reports/")
    assert page.locator("a[href$='/docx/']").count() == 1  # its own report, no other
    with page.expect_download() as download:
        page.click(f"a[href='/reports/{report.pk}/docx/']")
    assert download.value.suggested_filename == f"{report.title}（{report.number}）.docx"
    assert report.number.startswith("热线月报〔2025〕")
    with page.expect_download() as pdf:
        page.click(f"a[href='/reports/{report.pk}/pdf/']")
    assert pdf.value.suggested_filename.endswith(".pdf")
    assert pdf.value.path().read_bytes().startswith(b"%PDF")


def _instruct(page, url: str, text: str) -> None:
    page.goto(url)
    form = page.locator("#action-instruct")
    form.locator("textarea[name=text]").fill(text)
    form.locator("input[name=deadline]").fill("2025-03-25")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "督办" in page.inner_text("h1")


def _act_on_instruction(page, action: str, field: str, text: str) -> None:
    form = page.locator(f"#action-{action}")
    form.locator(f"textarea[name={field}]").fill(text)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_a_leaders_instruction_goes_to_the_handler_and_back(
    city, live_server, browser, clock, leader, owner
) -> None:
    case, warning = city.march[1], city.warnings[1]  # both of 市南区, neither with the other
    assert warning.case_id is None
    leader_page = signed_in(browser, live_server, leader.username)
    _instruct(leader_page, f"{live_server.url}/cases/{case.number}/", "请五日内约谈企业并汇报。")
    _instruct(leader_page, f"{live_server.url}/warnings/{warning.pk}/", "请核实用工风险并汇报。")

    # The district union's handler finds both in the inbox, follows each and reports back.
    handler = signed_in(browser, live_server, owner.username)
    handler.goto(f"{live_server.url}/cases/inbox/")
    rows = handler.locator("#instructions tbody tr")
    assert rows.count() == 2
    assert "请五日内约谈企业并汇报" in rows.nth(0).inner_text() + rows.nth(1).inner_text()
    handler.click(f"#instructions a[href='/cases/{case.number}/#instructions']")
    _act_on_instruction(handler, "instruction_report", "report", "已约谈企业，承诺月底前结清。")
    handler.goto(f"{live_server.url}/cases/inbox/")
    handler.click(f"#instructions a[href='/warnings/{warning.pk}/#instructions']")
    _act_on_instruction(handler, "instruction_report", "report", "已核实，企业已补缴社保。")
    assert "已核实，企业已补缴社保。" in handler.inner_text("#instructions + table")

    # The leader reads both reports in the inbox and closes each instruction.
    leader_page.goto(f"{live_server.url}/cases/inbox/")
    assert leader_page.locator("#instructions tbody tr", has_text="已反馈").count() == 2
    for url in (f"/cases/{case.number}/", f"/warnings/{warning.pk}/"):
        leader_page.goto(live_server.url + url)
        _act_on_instruction(leader_page, "instruction_close", "note", "同意，继续跟踪。")
        assert "督办" not in leader_page.inner_text("h1")
    leader_page.goto(f"{live_server.url}/cases/inbox/")
    assert "没有未办结的批示。" in leader_page.inner_text("#instructions")
    closed = [*case.instructions.all(), *warning.instructions.all()]
    assert [(i.state, i.reported_by, i.closed_by) for i in closed] == [
        ("closed", owner, leader),
        ("closed", owner, leader),
    ]


def test_the_inbox_pages_a_long_section_and_keeps_the_others(
    city, live_server, browser, clock, centre_staff
) -> None:
    from laborwatch.cases.views.inbox import SECTION_PAGE_SIZE
    from tests.cases.views_support import make_case

    for offset in range(SECTION_PAGE_SIZE + 3):
        make_case(city.shinan_firm, caller_phone=f"1391235{offset:04d}")
    page = signed_in(browser, live_server, centre_staff.username)
    page.goto(f"{live_server.url}/cases/inbox/?notices=1")
    cases = page.locator("#cases + table tbody tr")
    assert cases.count() == SECTION_PAGE_SIZE
    pager = page.locator("#cases + table + .pager")
    total = int(page.locator(".tile", has_text="我的在办工单").locator("b").inner_text())
    assert total > SECTION_PAGE_SIZE
    assert f"共 {total} 条 · 第 1 / 2 页" in pager.inner_text()
    first_rows = cases.all_inner_texts()
    pager.get_by_role("link", name="下一页").click()
    page.wait_for_url("**/cases/inbox/?notices=1&cases=2#cases")
    assert f"共 {total} 条 · 第 2 / 2 页" in pager.inner_text()
    assert cases.count() == total - SECTION_PAGE_SIZE
    assert not set(cases.all_inner_texts()) & set(first_rows)
