"""The run log (运行记录): every run of the scheduled jobs, for the centre."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from laborwatch.core.http import AuthenticatedRequest
from laborwatch.core.roles import Role
from laborwatch.lib.paging import render_list_page
from laborwatch.schedule.jobs import JOBS
from laborwatch.schedule.models import JobRun

RUN_LOG_ROLES = frozenset({Role.ADMIN, Role.CENTRE_STAFF, Role.AUDITOR})


@login_required
def run_log(request: AuthenticatedRequest) -> HttpResponse:
    if request.user.role not in RUN_LOG_ROLES:
        raise Http404
    runs = JobRun.objects.all()
    job = request.GET.get("job", "")
    if job in JOBS:
        runs = runs.filter(job=job)
    if request.GET.get("status") in JobRun.Status.values:
        runs = runs.filter(status=request.GET["status"])
    return render_list_page(
        request,
        "schedule/runs.html",
        runs,
        {
            "jobs": [(name, item.label) for name, item in JOBS.items()],
            "labels": {name: item.label for name, item in JOBS.items()},
            "job": job,
            "latest_failed": {
                name: JobRun.objects.filter(job=name).order_by("-started_at").first()
                for name in JOBS
            },
        },
    )
