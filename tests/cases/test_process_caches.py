"""What each process remembers between pushes (lib.process_cache): recognised client tokens and
the SLA policies.

Both are forgotten at once when changed through this process, and re-read after their time
when changed by another process (simulated here by a write that bypasses the services)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from laborwatch.cases import sla
from laborwatch.cases.api import auth as api_auth
from laborwatch.cases.models import ApiClient, SlaPolicy
from laborwatch.cases.services.clients import api_client_reissue, api_client_revoke
from laborwatch.cases.sla import policy_for
from laborwatch.lib import process_cache
from tests.cases.api_support import T0, body, push


class FakeClock:
    """Stands in for the caches' monotonic clock; `advance` moves it on."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(process_cache, "monotonic", fake)
    return fake


def client_queries(context: CaptureQueriesContext) -> int:
    return sum('"cases_apiclient"' in query["sql"] for query in context.captured_queries)


@pytest.mark.usefixtures("frozen")
class TestClientTokens:
    def test_a_recognised_token_is_not_looked_up_again(self, hotline, api_employer, clock):
        assert push(hotline, body(api_employer, external_ref="R-1")).status_code == 201
        with CaptureQueriesContext(connection) as queries:
            assert push(hotline, body(api_employer, external_ref="R-2")).status_code == 201
        assert client_queries(queries) == 0

    def test_revoking_here_refuses_the_next_push(self, hotline, api_employer, clock):
        assert push(hotline, body(api_employer, external_ref="R-1")).status_code == 201
        api_client_revoke(actor=None, client=hotline.client, reason="换系统")
        assert push(hotline, body(api_employer, external_ref="R-2")).status_code == 401

    def test_reissuing_here_refuses_the_old_token_at_once(self, hotline, api_employer, clock):
        assert push(hotline, body(api_employer, external_ref="R-1")).status_code == 201
        api_client_reissue(actor=None, client=hotline.client)
        assert push(hotline, body(api_employer, external_ref="R-2")).status_code == 401

    def test_a_revocation_elsewhere_is_obeyed_within_the_cache_time(
        self, hotline, api_employer, clock
    ):
        assert push(hotline, body(api_employer, external_ref="R-1")).status_code == 201
        # Another process (the api-token command) revokes: this one has not heard of it.
        ApiClient.objects.filter(pk=hotline.client.pk).update(is_active=False)
        clock.advance(api_auth.CLIENT_CACHE_SECONDS - 1)
        assert push(hotline, body(api_employer, external_ref="R-2")).status_code == 201
        clock.advance(1)
        assert push(hotline, body(api_employer, external_ref="R-3")).status_code == 401
        assert push(hotline, body(api_employer, external_ref="R-4")).status_code == 401


class TestSlaPolicies:
    def resolve_days(self) -> int:
        return policy_for(channel="hotline_12351", category="WAGE.ARREARS").resolve_working_days

    def test_read_once_then_from_memory(self, db, clock):
        SlaPolicy.objects.create(channel="hotline_12351", resolve_working_days=10)
        assert self.resolve_days() == 10
        with CaptureQueriesContext(connection) as queries:
            assert self.resolve_days() == 10
        assert queries.captured_queries == []

    def test_a_saved_or_deleted_policy_applies_to_the_next_case(self, db, clock):
        assert self.resolve_days() == 15  # the built-in default
        policy = SlaPolicy.objects.create(channel="hotline_12351", resolve_working_days=10)
        assert self.resolve_days() == 10
        policy.resolve_working_days = 7
        policy.save()
        assert self.resolve_days() == 7
        policy.delete()
        assert self.resolve_days() == 15

    def test_a_change_elsewhere_applies_within_the_cache_time(self, db, clock):
        policy = SlaPolicy.objects.create(channel="hotline_12351", resolve_working_days=10)
        assert self.resolve_days() == 10
        # Another process's change: no signal reaches this one.
        SlaPolicy.objects.filter(pk=policy.pk).update(resolve_working_days=5)
        clock.advance(sla.POLICY_CACHE_SECONDS - 1)
        assert self.resolve_days() == 10
        clock.advance(1)
        assert self.resolve_days() == 5

    @time_machine.travel(T0, tick=False)
    def test_intake_follows_a_policy_changed_between_two_cases(self, db, clock, api_employer):
        from laborwatch.cases.services import case_intake

        def resolve_due(phone: str) -> dt.datetime:
            case = case_intake(
                actor=None,
                channel="hotline_12351",
                caller_name="张三",
                caller_phone=phone,
                description="公司拖欠我三个月工资共18600元。",
                employer_credit_code=api_employer.credit_code,
            ).case
            return case.resolve_due

        default = resolve_due("13812345678")
        SlaPolicy.objects.create(channel="hotline_12351", resolve_working_days=1)
        assert resolve_due("13812345679") < default
