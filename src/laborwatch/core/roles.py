"""Roles and what each may do; one place so views, services and tests agree."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # An account made in the admin site: it sees nothing until an administrator gives a role.
    NONE = "", _("No role yet")
    ADMIN = "admin", _("Administrator")
    CENTRE_STAFF = "centre_staff", _("Centre staff")
    DISTRICT_STAFF = "district_staff", _("District union staff")
    DEPARTMENT_LIAISON = "department_liaison", _("Department liaison")
    LEADER = "leader", _("Leader")
    AUDITOR = "auditor", _("Auditor")


# The centre's own staff: they act on every work order, event and warning of the city.
CENTRE_ROLES = frozenset({Role.ADMIN, Role.CENTRE_STAFF})
CITY_WIDE_ROLES = frozenset({Role.ADMIN, Role.CENTRE_STAFF, Role.LEADER, Role.AUDITOR})
# Roles whose work needs the clear ID number and phone (calling the worker, filing papers).
REVEAL_ROLES = frozenset({Role.ADMIN, Role.CENTRE_STAFF, Role.DISTRICT_STAFF})
READ_ONLY_ROLES = frozenset({Role.NONE, Role.LEADER, Role.AUDITOR})
AUDIT_LOG_ROLES = frozenset({Role.ADMIN, Role.AUDITOR})
