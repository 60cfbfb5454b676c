"""Response headers: a Content-Security-Policy the pages keep (no inline script or style),
Permissions-Policy, no caching of what the app answers, and the HTTPS settings (HSTS, Secure
cookies) one variable turns on. The probe found none of these."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

import laborwatch

pytestmark = pytest.mark.django_db

SOURCE = Path(laborwatch.__file__).parent
CSP = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
}


def _headers_of_every_kind(client, registry, owner) -> dict[str, object]:
    from tests.cases.views_support import make_case

    case = make_case(registry.shinan_enterprise)
    worker = registry.shinan_worker.pk
    return {
        "login page": Client().get("/login/"),
        "home": client.get("/"),
        "case page": client.get(f"/cases/{case.number}/"),
        "worker page": client.get(f"/workers/{worker}/"),
        "reveal": client.post(f"/workers/{worker}/reveal/", {"reason": "核实身份"}),
        "case export": client.get("/cases/?format=xlsx"),
        "worker export": client.get("/workers/?format=xlsx"),
        "ledger export": client.get("/cases/ledger/?format=xlsx"),
        "not found": client.get("/cases/GD-nothing/"),
        "api": Client().get("/api/v1/cases/GD1", HTTP_AUTHORIZATION="Bearer nothing"),
    }


def test_every_response_of_the_app_has_the_security_headers(registry, owner, client_for):
    responses = _headers_of_every_kind(client_for(owner), registry, owner)
    for kind, response in responses.items():
        assert response.status_code in (200, 401, 404), kind
        assert set(response["Content-Security-Policy"].split("; ")) == CSP, kind
        assert "camera=()" in response["Permissions-Policy"], kind
        assert "geolocation=()" in response["Permissions-Policy"], kind
        assert "no-store" in response["Cache-Control"], kind
        assert response["X-Content-Type-Options"] == "nosniff", kind
        assert response["Referrer-Policy"] == "same-origin", kind
        assert response["X-Frame-Options"] == "DENY", kind
    # Plain http on a laptop: no HSTS, and the cookies may travel without TLS.
    assert "Strict-Transport-Security" not in responses["home"]
    login = Client().post("/login/", {"username": "owner", "password": "test-password-123"})
    assert "secure" not in str(login.cookies["sessionid"]).lower()


def test_static_files_stay_cacheable(db):
    response = Client().get("/static/laborwatch/app.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I), "inline script"),
    (re.compile(r"<style", re.I), "style element"),
    (re.compile(r"\sstyle=\"", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+=", re.I), "event handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_served_template_has_inline_script_or_style():
    """The CSP allows no inline script or style; a template that used one would break in the
    browser. The daily report's template is a file written for download, not a page."""
    found = []
    for path in SOURCE.rglob("templates/**/*.html"):
        if path.parts[-2] == "reports":
            continue
        text = path.read_text(encoding="utf-8")
        found += [
            f"{path.relative_to(SOURCE)}: {what}"
            for pattern, what in INLINE
            if pattern.search(text)
        ]
    assert found == []


def _settings_under(environment: dict[str, str]) -> dict[str, object]:
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps({k: getattr(settings, k) for k in ("
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', "
        "'SECURE_SSL_REDIRECT', 'SECURE_PROXY_SSL_HEADER', 'SESSION_COOKIE_AGE')}))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("LABORWATCH_HTTPS")}
    env |= {"DJANGO_SETTINGS_MODULE": "laborwatch.config.settings", **environment}
    output = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output)


def test_https_deployments_turn_on_secure_cookies_and_hsts_with_variables(tmp_path):
    data = {"LABORWATCH_DATA_DIR": str(tmp_path)}
    assert _settings_under(data) == {
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_SSL_REDIRECT": False,
        "SECURE_PROXY_SSL_HEADER": None,
        "SESSION_COOKIE_AGE": 8 * 3600,
    }
    assert _settings_under(
        data
        | {
            "LABORWATCH_HTTPS": "1",
            "LABORWATCH_HSTS_SECONDS": "31536000",
            "LABORWATCH_SSL_REDIRECT": "1",
            "LABORWATCH_PROXY_HTTPS_HEADER": "1",
            "LABORWATCH_SESSION_HOURS": "2",
        }
    ) == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SESSION_COOKIE_AGE": 2 * 3600,
    }


def test_https_responses_carry_hsts(settings, db):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = Client().get("/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000"
