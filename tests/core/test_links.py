"""A page links only where its reader may follow: for every persona, every link on the pages
they reach opens (no 404 or 403 behind an ordinary link)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from laborwatch.cases.services import case_merge
from tests.cases.views_support import make_case
from tests.factories import make_worker
from tests.personas import ALL_PERSONAS
from tests.warnings.support import DAY0, only_warning, signal, sync

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<a [^>]*href="(/[^"]*)"')
# Links that start a download (audited) or leave the app's pages.
NOT_FOLLOWED = ("format=xlsx", "/admin/")


def links(page: str) -> set[str]:
    return {
        href.replace("&amp;", "&")
        for href in LINK.findall(page)
        if not any(skip in href for skip in NOT_FOLLOWED)
    }


@pytest.fixture
def city(registry, org_units, centre_staff) -> dict[str, str]:
    """Objects whose pages link across districts and units: a 市南区 warning routed to labour
    inspection, a 黄岛区 worker employed in 市南区, a 市南区 case merged into a 黄岛区 one."""
    sync(DAY0, signal(registry.shinan_enterprise, "orange", "si_arrears"))
    warning = only_warning(enterprise=registry.shinan_enterprise)
    commuter = make_worker(
        employer=registry.shinan_enterprise, district=org_units["huangdao"], name="赵磊"
    )
    kept = make_case(registry.huangdao_enterprise, caller_phone="13912340002")
    merged = make_case(registry.shinan_enterprise)
    case_merge(source=merged, target=kept, actor=centre_staff, reason="同一诉求")
    return {
        "warning": f"/warnings/{warning.pk}/",
        "worker": f"/workers/{commuter.pk}/",
        "case": f"/cases/{merged.number}/",
        "huangdao enterprise": f"/enterprises/{registry.huangdao_enterprise.credit_code}/",
    }


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_every_link_on_a_reachable_page_opens(request, client_for, city, persona) -> None:
    client: Client = client_for(request.getfixturevalue(persona))
    starts = ["/", "/cases/inbox/", "/warnings/", "/enterprises/", "/workers/", *city.values()]
    found: dict[str, str] = {}  # link → the first page it was seen on
    for url in starts:
        response = client.get(url)
        if response.status_code == 200:
            for href in links(response.content.decode()):
                found.setdefault(href, url)
    dead = []
    for href, url in sorted(found.items()):
        status = client.get(href).status_code
        if status not in (200, 302):
            dead.append((url, href, status))
    assert dead == []


@pytest.mark.parametrize(
    ("persona", "linked"), [("liaison", False), ("owner", True), ("leader", True)]
)
def test_the_enterprise_of_a_warning_is_linked_for_those_who_may_open_it(
    request, client_for, city, registry, persona, linked
) -> None:
    """人社局 reads the name of the enterprise of a warning routed to it, with no link."""
    page = client_for(request.getfixturevalue(persona)).get(city["warning"]).content.decode()
    code = registry.shinan_enterprise.credit_code
    name = "青岛海岸电子有限公司"
    shown = f'<a href="/warnings/enterprises/{code}/">{name}</a>' if linked else name
    assert f"<dd>{shown} <code>{code}</code></dd>" in page
    assert (f"/warnings/enterprises/{code}/" in page) is linked


def test_a_worker_employed_in_another_district_names_the_employer_without_a_link(
    client_for, outsider, city, registry
) -> None:
    page = client_for(outsider).get(city["worker"]).content.decode()
    assert "<dd>青岛海岸电子有限公司</dd>" in page
    assert f"/enterprises/{registry.shinan_enterprise.credit_code}/" not in page


def test_the_audit_log_is_in_the_navigation_of_its_readers_only(
    request, client_for, registry
) -> None:
    shown = {
        persona: 'href="/audit/"'
        in client_for(request.getfixturevalue(persona)).get("/").content.decode()
        for persona in ALL_PERSONAS
    }
    assert shown == {persona: persona in ("auditor", "admin_user") for persona in ALL_PERSONAS}


def test_register_an_enterprise_is_offered_to_those_who_may(request, client_for, registry) -> None:
    offered = {
        persona: 'href="/enterprises/new/"'
        in client_for(request.getfixturevalue(persona)).get("/enterprises/").content.decode()
        for persona in ALL_PERSONAS
    }
    assert offered == {
        persona: persona in ("centre_staff", "admin_user") for persona in ALL_PERSONAS
    }
