"""Production settings pass Django's deployment checks; demo settings refuse to run without DEBUG."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def manage(*args, tmp_path, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("INCIDENTDESK_", "DJANGO_"))}
    environment |= {"INCIDENTDESK_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "incidentdesk.settings"} | env
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], capture_output=True, text=True,
                          env=environment, cwd=tmp_path, timeout=120)


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path,
                    INCIDENTDESK_DEBUG="false", INCIDENTDESK_SECRET_KEY=secrets.token_urlsafe(50),
                    INCIDENTDESK_ALLOWED_HOSTS="incidents.example.org", INCIDENTDESK_AUDIT_KEY=secrets.token_hex(32))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = manage("check", tmp_path=tmp_path, INCIDENTDESK_DEBUG="false")
    assert result.returncode != 0
    assert "INCIDENTDESK_SECRET_KEY is required" in result.stderr


def test_a_misspelt_boolean_is_refused_rather_than_guessed(tmp_path):
    result = manage("check", tmp_path=tmp_path, INCIDENTDESK_DEBUG="no")
    assert result.returncode != 0
    assert "INCIDENTDESK_DEBUG must be true or false" in result.stderr


PRODUCTION = {"INCIDENTDESK_DEBUG": "false", "INCIDENTDESK_SECRET_KEY": "s" * 60,
              "INCIDENTDESK_ALLOWED_HOSTS": "incidents.example.org", "INCIDENTDESK_AUDIT_KEY": "a1" * 32}
FETCH = """
import django, json
django.setup()
from django.test import Client
from django.contrib.staticfiles.storage import staticfiles_storage
client = Client(HTTP_HOST="incidents.example.org")
paths = ["/static/incidentdesk/app.css", "/static/vendor/htmx/htmx.min.js",
         "/static/" + staticfiles_storage.stored_name("incidentdesk/app.css"),
         "/static/ninja/swagger-ui.css", "/static/ninja/swagger-ui-bundle.js"]
login = client.get("/login/", secure=True)
print(json.dumps({"static": {p: client.get(p, secure=True).status_code for p in paths},
                  "login": login.status_code, "page": login.content.decode()}))
"""


def test_production_serves_static_files_after_the_documented_collectstatic(tmp_path):
    """With DEBUG off, the stylesheet, htmx and Swagger UI come from WhiteNoise after collectstatic."""
    import json

    assert manage("migrate", "--verbosity", "0", tmp_path=tmp_path, **PRODUCTION).returncode == 0
    collected = manage("collectstatic", "--noinput", tmp_path=tmp_path, **PRODUCTION)
    assert collected.returncode == 0, collected.stdout + collected.stderr
    result = subprocess.run([sys.executable, "-c", FETCH], capture_output=True, text=True, cwd=tmp_path,
                            timeout=120, env={k: v for k, v in os.environ.items()
                                              if not k.startswith(("INCIDENTDESK_", "DJANGO_"))}
                            | {"INCIDENTDESK_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "incidentdesk.settings",
                               "PYTHONPATH": str(ROOT)} | PRODUCTION)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(seen["static"].values()) == {200}, seen["static"]
    assert seen["login"] == 200
    assert "/static/incidentdesk/app." in seen["page"]
    assert "/static/incidentdesk/app.css" not in seen["page"]


def test_static_files_are_served_with_debug_off_through_the_wsgi_app(tmp_path, settings, db):
    from django.core.management import call_command
    from django.test import Client

    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    call_command("collectstatic", "--noinput", verbosity=0)
    client = Client()  # a fresh handler: WhiteNoise reads STATIC_ROOT when the middleware starts
    response = client.get("/static/incidentdesk/app.css")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)
    assert client.get("/static/vendor/htmx/htmx.min.js").status_code == 200
    assert client.get("/static/incidentdesk/missing.css").status_code == 404
