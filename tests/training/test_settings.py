"""Production settings: no default secrets, and `check --deploy` is clean with the required
environment set."""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

from django.conf import settings

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


def _production_env(**overrides: str | None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # Start from a clean slate: nothing from the developer's shell may satisfy a check.
        if not key.startswith(("DJANGO_", "SECRET_", "ALLOWED_", "DATABASE_", "CELERY_", "DEBUG"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(60)),
        ALLOWED_HOSTS="belajar.polri.example",
        DATABASE_URL="sqlite:////tmp/x.sqlite3",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, MANAGE, *args],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_no_issues():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def _load_production(env: dict[str, str]) -> subprocess.CompletedProcess:
    """Import the production settings in a fresh interpreter (fast: no app loading)."""
    return subprocess.run(
        [sys.executable, "-c", "import config.settings.production"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_production_settings_load_with_the_required_environment():
    result = _load_production(_production_env())
    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = _load_production(_production_env(SECRET_KEY=None))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_a_short_or_placeholder_secret_key():
    for weak in ("short-key", "insecure-" + "x" * 60):
        result = _load_production(_production_env(SECRET_KEY=weak))
        assert result.returncode != 0, weak
        assert "SECRET_KEY" in result.stderr


def test_production_needs_allowed_hosts_and_a_database():
    for missing in ("ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL"):
        result = _load_production(_production_env(**{missing: None}))
        assert result.returncode != 0, missing
        assert missing in result.stderr
