"""lib.prepared: a read built once, run with each call's values, answers as the queryset does."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from laborwatch.enterprises.models import Enterprise
from laborwatch.lib.prepared import Param, PreparedRead, adapt_datetime, concrete_attnames
from laborwatch.workers.models import Worker
from tests.factories import make_enterprise, make_worker

pytestmark = pytest.mark.django_db

NAME = Param("name", "\0name\0")
REFUSED = r"'name' (is rewritten by a lookup|does not appear as given)"


def _by_name(name: str):
    return Enterprise.objects.filter(name=name).order_by().values_list("credit_code", "district")


def test_each_call_binds_its_own_values_and_builds_once(org_units) -> None:
    first = make_enterprise(org_units["shinan"], name="青岛甲制造有限公司")
    second = make_enterprise(org_units["licang"], name="青岛乙制造有限公司")
    builds = []

    def build(name: str):
        builds.append(name)
        return _by_name(name)

    read = PreparedRead(build, NAME)
    assert read.rows(name=first.name) == [(first.credit_code, org_units["shinan"].pk)]
    assert read.rows(name=second.name) == [(second.credit_code, org_units["licang"].pk)]
    assert read.rows(name="没有这家公司") == []
    assert builds == ["\0name\0%_\\"]  # built once, with the sample (LIKE's specials added)


def test_rows_are_converted_as_the_queryset_converts_them(org_units) -> None:
    """JSON lists, dates and times come back as Python values (on SQLite the database gives
    strings), equal to what the queryset itself returns."""
    enterprise = make_enterprise(
        org_units["shinan"], former_names=["青岛老厂"], established_on=dt.date(2001, 5, 6)
    )
    fields = ("former_names", "established_on", "updated_at")
    read = PreparedRead(
        lambda code: Enterprise.objects.filter(credit_code=code).values_list(*fields),
        Param("code", "\0code\0"),
    )
    expected = list(Enterprise.objects.filter(pk=enterprise.pk).values_list(*fields))
    assert read.rows(code=enterprise.credit_code) == expected
    former, established, updated = read.rows(code=enterprise.credit_code)[0]
    assert former == ["青岛老厂"]
    assert established == dt.date(2001, 5, 6)
    assert isinstance(updated, dt.datetime) and timezone.is_aware(updated)


@pytest.mark.parametrize("naive", [False, True], ids=["aware", "naive-is-local-time"])
def test_a_datetime_parameter_is_adapted_as_the_lookup_adapts_it(org_units, naive) -> None:
    """Aware, or naive and then Beijing wall-clock time, as the ORM reads it."""
    enterprise = make_enterprise(org_units["shinan"])
    stamp = Enterprise.objects.values_list("updated_at", flat=True).get(pk=enterprise.pk)
    if naive:
        stamp = timezone.make_naive(stamp, timezone.get_default_timezone())
    read = PreparedRead(
        lambda since: Enterprise.objects.filter(updated_at__gte=since).values_list("pk"),
        Param("since", dt.datetime(1901, 2, 3, 4, 5, 6, 7, tzinfo=dt.UTC), adapt_datetime),
    )
    assert read.rows(since=stamp) == [(enterprise.pk,)]
    assert read.rows(since=stamp + dt.timedelta(microseconds=1)) == []


def test_none_is_refused_rather_than_compared_with_null(org_units) -> None:
    read = PreparedRead(_by_name, NAME)
    with pytest.raises(ValueError, match="'name' is None"):
        read.rows(name=None)


def test_a_lookup_that_escapes_the_value_is_refused_where_it_does(org_units) -> None:
    """iexact is LIKE with escaping on SQLite (refused: a bare '_' would match any
    character); on PostgreSQL it is UPPER(col) = UPPER(value), which binds as it is."""
    enterprise = make_enterprise(org_units["shinan"], name="青岛_丁公司")
    make_enterprise(org_units["shinan"], name="青岛甲丁公司")
    read = PreparedRead(
        lambda name: Enterprise.objects.filter(name__iexact=name).values_list("pk"), NAME
    )
    if connection.vendor == "sqlite":
        with pytest.raises(ValueError, match=REFUSED):
            read.rows(name=enterprise.name)
    else:
        assert read.rows(name=enterprise.name) == [(enterprise.pk,)]


def test_a_parameter_used_twice_is_bound_in_both_places(org_units) -> None:
    enterprise = make_enterprise(org_units["shinan"], name="青岛丙制造有限公司")
    other = make_enterprise(org_units["shinan"])
    read = PreparedRead(
        lambda name: (
            Enterprise.objects.filter(Q(name=name) | Q(credit_code=name))
            .order_by("pk")
            .values_list("pk")
        ),
        NAME,
    )
    assert read.rows(name=enterprise.name) == [(enterprise.pk,)]
    assert read.rows(name=other.credit_code) == [(other.pk,)]


def test_a_parameter_a_lookup_rewrites_is_refused(org_units) -> None:
    """contains sends '%value%': binding the bare value would silently ask something else."""
    read = PreparedRead(
        lambda name: Enterprise.objects.filter(search_text__contains=name).values_list("pk"),
        NAME,
    )
    with pytest.raises(ValueError, match=REFUSED):
        read.rows(name="青岛")


def test_a_sample_missing_from_the_sql_is_refused(org_units) -> None:
    read = PreparedRead(
        lambda name: Enterprise.objects.filter(name="固定名称").values_list("pk"), NAME
    )
    with pytest.raises(ValueError, match="'name' does not appear"):
        read.rows(name="任意")


def test_one_statement_per_call(org_units) -> None:
    enterprise = make_enterprise(org_units["shinan"])
    read = PreparedRead(_by_name, NAME)
    read.rows(name=enterprise.name)
    with CaptureQueriesContext(connection) as queries:
        read.rows(name=enterprise.name)
    assert len(queries) == 1


def test_an_instance_from_a_row_decrypts_and_defers_as_the_orm_does(org_units) -> None:
    """Encrypted fields come back in clear through their converters; an instance made from
    some of the fields loads the others when asked, like .only()."""
    worker = make_worker(district=org_units["shinan"], phone="13912345678")
    fields = concrete_attnames(Worker)
    read = PreparedRead(
        lambda digest: Worker.objects.filter(phone_digest=digest).values_list(*fields),
        Param("digest", "\0digest\0"),
    )
    (row,) = read.rows(digest=worker.phone_digest)
    found = Worker.from_db(Worker.objects.db, fields, row)
    assert (found.pk, found.phone, found.id_number) == (worker.pk, "13912345678", worker.id_number)
    assert found._state.adding is False and found._state.db == Worker.objects.db
    partial = Worker.from_db(Worker.objects.db, ["id", "name"], [worker.pk, worker.name])
    assert partial.get_deferred_fields() >= {"phone", "district_id"}
    assert partial.district_id == org_units["shinan"].pk  # loaded on access


def test_each_thread_compiles_its_own(org_units, transactional_db) -> None:
    """A server thread never shares a compiler (or its connection) with another."""
    enterprise = make_enterprise(org_units["shinan"])
    builds = []

    def build(name: str):
        builds.append(threading.get_ident())
        return _by_name(name)

    read = PreparedRead(build, NAME)
    answers = []

    def push() -> None:
        try:
            answers.append(read.rows(name=enterprise.name))
        finally:
            connection.close()

    read.rows(name=enterprise.name)
    worker = threading.Thread(target=push)
    worker.start()
    worker.join()
    assert answers == [[(enterprise.credit_code, org_units["shinan"].pk)]]
    assert len(builds) == 2 and builds[0] != builds[1]
