"""Settings come from the environment; production refuses to start unsafely."""

from __future__ import annotations

import os
import subprocess
import sys

# A real key's shape: long, of many characters (secrets.token_urlsafe(64) makes such).
REAL_SECRET = "q7Vb2-Lr9ZkXw4HsT_mN8pEa3YcJ6fUd1GiOoRtKzWyQeBxCvAn5SlMhPjIgDuF0"
CLEARED = {"SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "DEBUG", "EMAIL_USE_TLS", "EMAIL_USE_SSL",
           "EMAIL_HOST", "EMAIL_PORT", "EMAIL_TIMEOUT", "CONN_MAX_AGE", "TRUSTED_PROXIES",
           "SESSION_COOKIE_AGE", "LOG_LEVEL", "TIME_ZONE", "SITE_URL", "MEDIA_ROOT",
           "SMPOLICY_MODE", "CSRF_TRUSTED_ORIGINS", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"}
LOAD = "import django; django.setup(); from django.conf import settings; print(settings.{name})"


def load(name: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in CLEARED}
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
    secret = REAL_SECRET
    no_hosts = load("SECRET_KEY", SMPOLICY_MODE="production", SECRET_KEY=secret,
                    SMPOLICY_DATA_DIR=str(tmp_path))
    assert "ALLOWED_HOSTS must name" in no_hosts.stderr
    debug = load("SECRET_KEY", SMPOLICY_MODE="production", SECRET_KEY=secret,
                 ALLOWED_HOSTS="policy.example", DEBUG="1", SMPOLICY_DATA_DIR=str(tmp_path))
    assert "DEBUG must be off in production" in debug.stderr


def test_production_with_a_real_secret_starts_with_secure_cookies(tmp_path) -> None:
    done = load("SESSION_COOKIE_SECURE, settings.MIDDLEWARE[1]", SMPOLICY_MODE="production",
                SECRET_KEY=REAL_SECRET, ALLOWED_HOSTS="policy.example", SMPOLICY_DATA_DIR=str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "whitenoise.middleware.WhiteNoiseMiddleware"]


def test_an_unknown_mode_is_refused(tmp_path) -> None:
    done = load("SECRET_KEY", SMPOLICY_MODE="prod", SMPOLICY_DATA_DIR=str(tmp_path))
    assert "SMPOLICY_MODE must be 'demo' or 'production', not 'prod'" in done.stderr


# -- the strict reader ----------------------------------------------------------------------------


def test_email_use_tls_reads_words_not_only_1(tmp_path) -> None:
    # EMAIL_USE_TLS=true once meant off: only "1" was read as on.
    for word, shown in [("true", "True"), ("TRUE", "True"), ("yes", "True"), ("1", "True"),
                        ("false", "False"), ("no", "False"), ("0", "False"), ("off", "False")]:
        done = load("EMAIL_USE_TLS", EMAIL_USE_TLS=word, SMPOLICY_DATA_DIR=str(tmp_path))
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == shown, word


def test_a_boolean_that_is_no_word_names_the_variable(tmp_path) -> None:
    done = load("EMAIL_USE_TLS", EMAIL_USE_TLS="ture", SMPOLICY_DATA_DIR=str(tmp_path))
    assert done.returncode != 0
    assert "ImproperlyConfigured: EMAIL_USE_TLS is wrong: must be true or false" in done.stderr
    assert "'ture'" in done.stderr
    debug = load("DEBUG", DEBUG="maybe", SMPOLICY_DATA_DIR=str(tmp_path))
    assert "DEBUG is wrong: must be true or false" in debug.stderr


def test_numbers_are_checked(tmp_path) -> None:
    cases = {
        "CONN_MAX_AGE": ("sixty", "not a valid integer"),
        "EMAIL_PORT": ("70000", "less than or equal to 65535"),
        "SESSION_COOKIE_AGE": ("-5", "greater than or equal to 60"),
        "EMAIL_TIMEOUT": ("0", "greater than or equal to 1"),
    }
    for name, (value, reason) in cases.items():
        done = load(name, SMPOLICY_DATA_DIR=str(tmp_path), **{name: value})
        assert done.returncode != 0, name
        assert f"{name} is wrong: must be" in done.stderr or f"{name} is wrong: {reason}" in \
            done.stderr, done.stderr
        assert reason in done.stderr, done.stderr


def test_every_default_still_holds(tmp_path) -> None:
    names = ("EMAIL_USE_TLS, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT, settings.CONN_MAX_AGE "
             "if hasattr(settings, 'CONN_MAX_AGE') else settings.DATABASES['default']['CONN_MAX_AGE'], "
             "settings.SESSION_COOKIE_AGE, settings.TIME_ZONE, settings.DEBUG, settings.ALLOWED_HOSTS, "
             "settings.SITE_URL, settings.TRUSTED_PROXIES, settings.EMAIL_BACKEND, "
             "settings.LOGGING['root']['level']")
    done = load(names, SMPOLICY_DATA_DIR=str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "True 587 10 60 28800 Europe/London False ['127.0.0.1', 'localhost'] "
        "http://127.0.0.1:8000 [] django.core.mail.backends.console.EmailBackend WARNING"
    )


def test_values_are_read_and_lists_split_on_commas(tmp_path) -> None:
    done = load(
        "ALLOWED_HOSTS, settings.CSRF_TRUSTED_ORIGINS, settings.EMAIL_TIMEOUT, "
        "settings.EMAIL_BACKEND, settings.SESSION_COOKIE_AGE, settings.LOGGING['root']['level'], "
        "settings.TRUSTED_PROXIES",
        SMPOLICY_DATA_DIR=str(tmp_path), ALLOWED_HOSTS=" a.example , b.example,,",
        CSRF_TRUSTED_ORIGINS="https://a.example", EMAIL_TIMEOUT="30", EMAIL_HOST="smtp.example",
        SESSION_COOKIE_AGE="3600", LOG_LEVEL="info", TRUSTED_PROXIES="127.0.0.1, 10.0.0.0/8",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "['a.example', 'b.example'] ['https://a.example'] 30 "
        "django.core.mail.backends.smtp.EmailBackend 3600 INFO ['127.0.0.1', '10.0.0.0/8']"
    )


def test_an_empty_variable_counts_as_unset(tmp_path) -> None:
    done = load("EMAIL_PORT, settings.DEBUG", EMAIL_PORT="", DEBUG=" ", SMPOLICY_DATA_DIR=str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["587", "False"]


def test_other_mistakes_name_their_variable(tmp_path) -> None:
    cases = {
        "TRUSTED_PROXIES": ("10.0.0.0/8,proxy.example", "TRUSTED_PROXIES is wrong: 'proxy.example'"),
        "TIME_ZONE": ("London", "TIME_ZONE is wrong: 'London' is not a time zone name"),
        "LOG_LEVEL": ("loud", "LOG_LEVEL is wrong: must be one of DEBUG"),
        "SITE_URL": ("policy.example", "SITE_URL is wrong"),
        "CSRF_TRUSTED_ORIGINS": ("policy.example", "CSRF_TRUSTED_ORIGINS is wrong"),
        "DATABASE_URL": ("nosuchdb://x", "DATABASE_URL is wrong"),
    }
    for name, (value, message) in cases.items():
        done = load("DEBUG", SMPOLICY_DATA_DIR=str(tmp_path), **{name: value})
        assert done.returncode != 0, name
        assert message in done.stderr, done.stderr


def test_a_database_password_is_never_printed(tmp_path) -> None:
    done = load("DEBUG", SMPOLICY_DATA_DIR=str(tmp_path), DATABASE_URL="nosuchdb://u:s3cretpw@h/d")
    assert "DATABASE_URL is wrong" in done.stderr
    assert "s3cretpw" not in done.stderr


def test_tls_and_ssl_together_are_refused(tmp_path) -> None:
    done = load("EMAIL_USE_SSL", EMAIL_USE_TLS="yes", EMAIL_USE_SSL="yes", SMPOLICY_DATA_DIR=str(tmp_path))
    assert "EMAIL_USE_TLS and EMAIL_USE_SSL are both on" in done.stderr
    ssl_only = load("EMAIL_USE_TLS, settings.EMAIL_USE_SSL", EMAIL_USE_SSL="1",
                    SMPOLICY_DATA_DIR=str(tmp_path))
    assert ssl_only.stdout.split() == ["False", "True"]


# -- production's refusals ------------------------------------------------------------------------


def production(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {"SMPOLICY_MODE": "production", "SECRET_KEY": REAL_SECRET,
            "ALLOWED_HOSTS": "policy.example", "SMPOLICY_DATA_DIR": str(tmp_path)}
    return load("ALLOWED_HOSTS", **{**base, **env})


def test_production_refuses_the_demo_secret_in_any_spacing_or_case(tmp_path) -> None:
    from smpolicy.web.settings import DEMO_SECRET_KEY

    for variant in (DEMO_SECRET_KEY + " ", " " + DEMO_SECRET_KEY, DEMO_SECRET_KEY.upper(),
                    DEMO_SECRET_KEY + "\t\n", DEMO_SECRET_KEY[:20] + " " + DEMO_SECRET_KEY[20:]):
        done = production(tmp_path, SECRET_KEY=variant)
        assert done.returncode != 0, repr(variant)
        assert "it is the demo secret, which is public" in done.stderr


def test_production_refuses_short_or_low_variety_keys(tmp_path) -> None:
    short = production(tmp_path, SECRET_KEY="Short-but-random-8Fq2")
    assert "it has 21 characters; it needs at least 50" in short.stderr
    for dull in ("x" * 60, "abab" * 20, "django-insecure-" + REAL_SECRET):
        done = production(tmp_path, SECRET_KEY=dull)
        assert done.returncode != 0, dull
        assert "SECRET_KEY must be set to a long random value in production" in done.stderr


def test_production_refuses_wildcard_hosts(tmp_path) -> None:
    for hosts in ("*", "policy.example,*", "*.example", ".com", ".", ".sch.uk"):
        done = production(tmp_path, ALLOWED_HOSTS=hosts)
        assert done.returncode != 0, hosts
        assert "ALLOWED_HOSTS is wrong for production" in done.stderr, hosts
    subdomains = production(tmp_path, ALLOWED_HOSTS=".straits.sch.uk,policy.example")
    assert subdomains.returncode == 0, subdomains.stderr
    assert subdomains.stdout.strip() == "['.straits.sch.uk', 'policy.example']"


def test_the_demo_accepts_any_host_list(tmp_path) -> None:
    # Only production refuses a wildcard: a developer's machine may need one.
    done = load("ALLOWED_HOSTS", ALLOWED_HOSTS="*", SMPOLICY_DATA_DIR=str(tmp_path))
    assert done.stdout.strip() == "['*']"


def test_uploads_spool_inside_the_data_directory(tmp_path) -> None:
    done = load("FILE_UPLOAD_TEMP_DIR", SMPOLICY_DATA_DIR=str(tmp_path))
    assert done.returncode == 0, done.stderr
    spool = done.stdout.strip()
    assert spool.startswith(str(tmp_path) + os.sep)
    assert os.path.isdir(spool)
