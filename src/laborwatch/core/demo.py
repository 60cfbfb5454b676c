"""Demo accounts, one per role and scope, for the `laborwatch demo` command."""

from __future__ import annotations

from laborwatch.core.models import OrgUnit, User
from laborwatch.core.roles import Role
from laborwatch.core.services import user_create

DEMO_PASSWORD = "laborwatch-demo"

DEMO_USERS = (
    ("admin", Role.ADMIN, None, "系统管理员"),
    ("centre", Role.CENTRE_STAFF, None, "中心值班员"),
    ("shinan", Role.DISTRICT_STAFF, "shinan", "市南区工会专干"),
    ("huangdao", Role.DISTRICT_STAFF, "huangdao", "黄岛区工会专干"),
    ("hrss", Role.DEPARTMENT_LIAISON, "hrss-inspection", "人社监察联络员"),
    ("leader", Role.LEADER, None, "市总领导"),
    ("auditor", Role.AUDITOR, None, "审计员"),
)


def ensure_demo_users() -> list[User]:
    """Create the demo accounts that do not exist yet; return all of them in order."""
    users = []
    for username, role, unit_code, display_name in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            unit = OrgUnit.objects.get(code=unit_code) if unit_code else None
            user = user_create(
                actor=None,
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                org_unit=unit,
                display_name=display_name,
            )
        users.append(user)
    return users
