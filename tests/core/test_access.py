"""scope_q: which district's rows each role sees, through the enterprise and worker querysets."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from laborwatch.enterprises.access import enterprises_visible_to
from laborwatch.workers.access import workers_visible_to

CITY_WIDE = ["centre_staff", "leader", "auditor", "admin_user"]


def _names(queryset) -> set[str]:
    return set(queryset.values_list("name", flat=True))


@pytest.mark.parametrize("persona", ["owner", "colleague"])
def test_shinan_staff_see_only_shinan(request, registry, persona) -> None:
    user = request.getfixturevalue(persona)
    assert _names(enterprises_visible_to(user)) == {"青岛海岸电子有限公司"}
    assert _names(workers_visible_to(user)) == {"张伟"}


def test_huangdao_staff_see_only_huangdao(registry, outsider) -> None:
    assert _names(enterprises_visible_to(outsider)) == {"青岛西海岸造船有限公司"}
    assert _names(workers_visible_to(outsider)) == {"王芳"}


def test_department_liaison_sees_nothing(registry, liaison) -> None:
    assert enterprises_visible_to(liaison).count() == 0
    assert workers_visible_to(liaison).count() == 0


@pytest.mark.parametrize("persona", CITY_WIDE)
def test_city_wide_roles_see_everything(request, registry, persona) -> None:
    user = request.getfixturevalue(persona)
    assert user.is_city_wide
    assert _names(enterprises_visible_to(user)) == {
        "青岛海岸电子有限公司",
        "青岛西海岸造船有限公司",
    }
    assert _names(workers_visible_to(user)) == {"张伟", "王芳"}


def test_inactive_user_sees_nothing(registry, owner, centre_staff) -> None:
    for user in (owner, centre_staff):
        user.is_active = False
        assert enterprises_visible_to(user).count() == 0
        assert workers_visible_to(user).count() == 0


def test_anonymous_sees_nothing(registry) -> None:
    assert enterprises_visible_to(AnonymousUser()).count() == 0
    assert workers_visible_to(AnonymousUser()).count() == 0


def test_worker_without_district_only_city_wide(org_units, owner, centre_staff) -> None:
    from tests.factories import make_worker

    make_worker(name="无单位职工")
    assert _names(workers_visible_to(owner)) == set()
    assert _names(workers_visible_to(centre_staff)) == {"无单位职工"}


@pytest.mark.parametrize(
    ("persona", "reveal", "write", "audit_log"),
    [
        ("owner", True, True, False),
        ("liaison", False, True, False),
        ("centre_staff", True, True, False),
        ("leader", False, False, False),
        ("auditor", False, False, True),
        ("admin_user", True, True, True),
    ],
)
def test_role_capabilities(request, persona, reveal, write, audit_log) -> None:
    user = request.getfixturevalue(persona)
    assert (user.can_reveal_personal_data, user.can_write, user.can_read_audit_log) == (
        reveal,
        write,
        audit_log,
    )
