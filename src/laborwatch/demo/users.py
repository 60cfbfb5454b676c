"""Demo accounts: one per role and scope to sign in with, and the staff of every receiving unit.

The replayed history is handled by these accounts: the centre's staff handle the work orders,
district unions and departments sign for and answer what is referred or routed to them. So
every district union and every department that receives referrals or warnings has a staff
account; only the first accounts are listed when the demo starts.
"""

from __future__ import annotations

from laborwatch.core.models import OrgUnit, User
from laborwatch.core.roles import Role
from laborwatch.core.services import user_create
from laborwatch.warnings.policy import DEPARTMENT_UNITS

DEMO_PASSWORD = "laborwatch-demo"

DEMO_USERS = (
    ("admin", Role.ADMIN, None, "系统管理员"),
    ("centre", Role.CENTRE_STAFF, None, "中心值班员"),
    ("shinan", Role.DISTRICT_STAFF, "shinan", "市南区工会专干"),
    ("huangdao", Role.DISTRICT_STAFF, "huangdao", "黄岛区工会专干"),
    ("hrss", Role.DEPARTMENT_LIAISON, "hrss-inspection", "人社监察联络员"),
    ("leader", Role.LEADER, None, "市总领导"),
    ("shinan_leader", Role.LEADER, "shinan", "市南区总工会领导"),
    ("auditor", Role.AUDITOR, None, "审计员"),
)

# Departments the replayed work orders are referred to, by handling method.
REFERRAL_DEPARTMENTS = {"joint": ("hrss-inspection", "housing"), "legal_aid": ("legal-aid",)}


def ensure_demo_users() -> list[User]:
    """Create the demo accounts that do not exist yet; return those of DEMO_USERS in order."""
    shown = [
        _ensure(username, role, unit_code, display_name)
        for username, role, unit_code, display_name in DEMO_USERS
    ]
    for unit in _units_without_staff():
        if unit.kind == OrgUnit.Kind.DISTRICT:
            _ensure(unit.code, Role.DISTRICT_STAFF, unit.code, f"{unit.label}工会专干")
        else:
            _ensure(unit.code, Role.DEPARTMENT_LIAISON, unit.code, f"{unit.label}联络员")
    return shown


def _ensure(username: str, role: str, unit_code: str | None, display_name: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    return user_create(
        actor=None,
        username=username,
        password=DEMO_PASSWORD,
        role=role,
        org_unit=OrgUnit.objects.get(code=unit_code) if unit_code else None,
        display_name=display_name,
    )


def _receiving_department_codes() -> set[str]:
    routed = {code for codes in DEPARTMENT_UNITS.values() for code in codes}
    referred = {code for codes in REFERRAL_DEPARTMENTS.values() for code in codes}
    return routed | referred


def _units_without_staff() -> list[OrgUnit]:
    receiving = OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT) | OrgUnit.objects.filter(
        kind=OrgUnit.Kind.DEPARTMENT, code__in=_receiving_department_codes()
    )
    staffed = User.objects.filter(is_active=True, org_unit__isnull=False).values("org_unit")
    return list(
        receiving.filter(is_active=True).exclude(pk__in=staffed).order_by("sort_order", "code")
    )


def unit_staff() -> dict[int, User]:
    """The staff member who acts for each district union and department, by org-unit id."""
    staff: dict[int, User] = {}
    receiving = User.objects.filter(
        is_active=True, role__in=[Role.DISTRICT_STAFF, Role.DEPARTMENT_LIAISON]
    )
    for user in receiving.order_by("pk"):
        if user.org_unit_id is not None:
            staff.setdefault(user.org_unit_id, user)
    return staff
