"""Settings come from the environment; production refuses to start unsafely."""

from __future__ import annotations

import os
import subprocess
import sys

LOAD = "import django; django.setup(); from django.conf import settings; print(settings.{name})"


def load(name: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL",
                                                                   "ALLOWED_HOSTS", "DEBUG"}}
    environment.update(DJANGO_SETTINGS_MODULE="smpolicy.web.settings", **env)
    return subprocess.run([sys.executable, "-c", LOAD.format(name=name)], env=environment,
                          capture_output=True, text=True, check=False)


def test_the_demo_runs_on_sqlite_in_the_data_directory(tmp_path) -> None:
    done = load("DATABASES['default']['NAME']", SMPOLICY_DATA_DIR=str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(tmp_path / "smpolicy.sqlite3")


def test_database_url_chooses_postgresql(tmp_path) -> None:
    done = load("DATABASES['default']['ENGINE']", SMPOLICY_DATA_DIR=str(tmp_path),
                DATABASE_URL="postgres://someone@db.example:5432/school")
    assert done.stdout.strip() == "django.db.backends.postgresql"


def test_production_refuses_the_demo_secret(tmp_path) -> None:
    done = load("SECRET_KEY", SMPOLICY_MODE="production", ALLOWED_HOSTS="policy.example",
                SMPOLICY_DATA_DIR=str(tmp_path))
    assert done.returncode != 0
    assert "SECRET_KEY must be set to a long random value in production" in done.stderr


def test_production_needs_allowed_hosts_and_debug_off(tmp_path) -> None:
    secret = "x" * 60
    no_hosts = load("SECRET_KEY", SMPOLICY_MODE="production", SECRET_KEY=secret,
                    SMPOLICY_DATA_DIR=str(tmp_path))
    assert "ALLOWED_HOSTS must name" in no_hosts.stderr
    debug = load("SECRET_KEY", SMPOLICY_MODE="production", SECRET_KEY=secret,
                 ALLOWED_HOSTS="policy.example", DEBUG="1", SMPOLICY_DATA_DIR=str(tmp_path))
    assert "DEBUG must be off in production" in debug.stderr


def test_production_with_a_real_secret_starts_with_secure_cookies(tmp_path) -> None:
    done = load("SESSION_COOKIE_SECURE, settings.MIDDLEWARE[1]", SMPOLICY_MODE="production",
                SECRET_KEY="y" * 60, ALLOWED_HOSTS="policy.example", SMPOLICY_DATA_DIR=str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "whitenoise.middleware.WhiteNoiseMiddleware"]


def test_an_unknown_mode_is_refused(tmp_path) -> None:
    done = load("SECRET_KEY", SMPOLICY_MODE="prod", SMPOLICY_DATA_DIR=str(tmp_path))
    assert "SMPOLICY_MODE must be 'demo' or 'production', not 'prod'" in done.stderr
