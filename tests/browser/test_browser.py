"""In a real browser (Playwright driving Debian's Chromium, which .ci/run installs): the
dashboard's charts drawn for three personas and a figure followed to its list, the dashboard
printed on one A4 landscape page, a notification read, a report downloaded."""

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


def test_a_notification_is_read(city, live_server, browser, clock, owner, org_units) -> None:
    notify(
        kind=Notification.Kind.REFERRAL,
        message="工单 GD20250320000009 转办至市南区总工会，请签收。",
        key="referral:9",
        url="/cases/",
        org_units=[org_units["shinan"]],
        now=NOW,
    )
    notifications_deliver(now=NOW)  # with the warnings routed to 市南区 in the city's sync
    unread = Notice.objects.filter(user=owner, read_at=None).count()
    page = signed_in(browser, live_server, owner.username)
    assert page.inner_text(".badge-count") == str(unread)
    page.click("a.notices")
    page.wait_for_url("**/notifications/")
    row = page.locator("#notices tr", has_text="转办至市南区总工会")
    row.locator("button").click()
    page.wait_for_url("**/notifications/")
    assert page.inner_text(".badge-count") == str(unread - 1)
    assert "已读" in page.locator("#notices tr", has_text="转办至市南区总工会").inner_text()


def test_a_report_is_downloaded(city, live_server, browser, clock, leader) -> None:
    report = report_issue(kind="monthly", period_start=dt.date(2025, 2, 1), actor=None, now=NOW)
    page = signed_in(browser, live_server, leader.username)
    page.click("nav.mainnav >> text=报告")
    page.wait_for_url("**/reports/")
    with page.expect_download() as download:
        page.click(f"a[href='/reports/{report.pk}/docx/']")
    assert download.value.suggested_filename.endswith("（热线月报〔2025〕1号）.docx")
    with page.expect_download() as pdf:
        page.click(f"a[href='/reports/{report.pk}/pdf/']")
    assert pdf.value.suggested_filename.endswith(".pdf")
