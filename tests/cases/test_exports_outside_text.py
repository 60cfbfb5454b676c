"""End to end: text from outside (an API push, a registry entry, a reveal reason) reaches every
Excel export as text, never as a live formula, and no stored character breaks an export.

The probe's reproduction: a caller named "X\\x1b\\x0bY" pushed through the API made every export
in its scope answer 500, and `=HYPERLINK(...)` names were written as formulas. The push is
refused now (control characters are refused at every input); rows stored before that, written
here straight into the table, still export.
"""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from laborwatch.enterprises.models import Enterprise
from laborwatch.workers.models import Worker
from laborwatch.workers.services import worker_reveal
from tests.cases.api_support import body, push, row_counts
from tests.factories import make_enterprise
from tests.warnings.support import DAY0, signal, sync

LINK = '=HYPERLINK("http://evil.example/x","点这里")'
EMPLOYER_LINK = '=HYPERLINK("http://evil.example/e","单位")'
ADDRESS = "@SUM(1+1)*cmd|' /C calc'!A0"
REASON = '+HYPERLINK("http://evil.example/r")'

EXPORTS = {
    "cases": "/cases/?format=xlsx",
    "ledger": "/cases/ledger/?format=xlsx",
    "workers": "/workers/?format=xlsx",
    "enterprises": "/enterprises/?format=xlsx",
    "audit": "/audit/?format=xlsx",
    "warnings": "/warnings/?format=xlsx",
}
# Which outside text each export carries.
EXPECTED = {
    "cases": {LINK, EMPLOYER_LINK},
    "ledger": {LINK, EMPLOYER_LINK},
    "workers": {LINK},
    "enterprises": {LINK, ADDRESS},
    "audit": {REASON},
    "warnings": {LINK},
}


def _cells(response) -> list:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [cell for row in sheet.iter_rows() for cell in row]


@pytest.fixture
def outside_text(hotline, org_units, admin_user):
    """A pushed case whose caller and employer are formulas, an enterprise whose name and
    address are, a warning on it, and a reveal whose reason is."""
    response = push(
        hotline,
        body(
            category="WAGE.ARREARS.STAFF",
            **{"caller.name": LINK, "employer": {"name": EMPLOYER_LINK}},
        ),
    )
    assert response.status_code == 201, response.json()
    enterprise = make_enterprise(org_units["shinan"], name=LINK, address=ADDRESS)
    sync(DAY0, signal(enterprise, "red"))
    worker_reveal(actor=admin_user, worker=Worker.objects.get(name=LINK), reason=REASON)
    return enterprise


@pytest.mark.parametrize("export", list(EXPORTS))
def test_outside_text_is_written_as_text_in_every_export(
    export, outside_text, admin_user, client_for
):
    cells = _cells(client_for(admin_user).get(EXPORTS[export]))
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    outside = {cell.value: cell for cell in cells if cell.value in EXPECTED[export]}
    assert set(outside) == EXPECTED[export]
    for cell in outside.values():
        assert (cell.data_type, cell.quotePrefix) == ("s", True)


def test_the_probe_push_is_refused_and_creates_nothing(hotline, org_units):
    before = row_counts()
    response = push(hotline, body(**{"caller.name": "X\x1b\x0bY"}))
    assert response.status_code == 422
    assert response.json()["detail"][0]["code"] == "control_character"
    assert row_counts() == before


@pytest.mark.parametrize("export", list(EXPORTS))
def test_control_characters_stored_earlier_do_not_break_an_export(
    export, outside_text, admin_user, client_for
):
    # As the probe left them: written before inputs refused control characters.
    Worker.objects.filter(name=LINK).update(name="X\x1b\x0bY")
    Enterprise.objects.filter(pk=outside_text.pk).update(name="X\x1b\x0bY", address="路\x0c")
    values = {cell.value for cell in _cells(client_for(admin_user).get(EXPORTS[export]))}
    if export in ("cases", "ledger", "workers", "enterprises", "warnings"):
        assert "XY" in values
    assert not any(isinstance(v, str) and ("\x1b" in v or "\x0b" in v) for v in values)
