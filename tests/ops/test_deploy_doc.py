"""docs/deploy.md cannot rot: its `sh tested` blocks run here, line by line, with production
settings against a throw-away SQLite database and folders."""

import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "deploy.md"
BIN = Path(sys.executable).parent
BLOCK = re.compile(r"^```sh tested\n(.*?)^```", re.S | re.M)


def doc_commands() -> list[str]:
    commands = []
    for block in BLOCK.findall(DOC.read_text()):
        commands += [
            line.strip() for line in block.splitlines() if line.strip() and not line.startswith("#")
        ]
    return commands


def test_the_doc_has_tested_blocks_for_upgrade_and_process_checks():
    commands = doc_commands()
    for expected in ("manage.py migrate", "collectstatic", "check --deploy", "gunicorn", "celery"):
        assert any(expected in c for c in commands), expected


@pytest.fixture(scope="module")
def production_env(tmp_path_factory) -> dict[str, str]:
    var = tmp_path_factory.mktemp("var")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CELERY_", "PYTEST_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "belajar.polri.example",
            "CSRF_TRUSTED_ORIGINS": "https://belajar.polri.example",
            "DATABASE_URL": f"sqlite:///{var / 'deploy.sqlite3'}",
            # Nothing listens here: none of the tested commands may need the broker.
            "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
            "CACHE_URL": "locmemcache://",
            "POLRI_VAR_DIR": str(var),
            "MEDIA_ROOT": str(var / "media"),
            "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        }
    )
    return env


@pytest.mark.parametrize("command", doc_commands())
def test_each_tested_command_succeeds(command, production_env):
    argv = shlex.split(command)
    if argv[0] == "python":
        argv[0] = sys.executable
    result = subprocess.run(
        argv, cwd=ROOT, env=production_env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, (
        f"`{command}` failed ({result.returncode}):\n"
        f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    if "collectstatic" in command:
        static = Path(production_env["POLRI_VAR_DIR"]) / "static"
        assert (static / "staticfiles.json").exists()
    if "celery -A config report" in command:
        # The deployed configuration really has the two queues the doc describes.
        assert "heavy" in result.stdout and "light" in result.stdout


def test_the_settings_table_lists_every_required_production_variable():
    text = DOC.read_text()
    production = (ROOT / "config" / "settings" / "production.py").read_text()
    required = set(re.findall(r'env\.\w+\("([A-Z_]+)"\)', production))
    assert required, "production settings read no required variables?"
    missing = [name for name in sorted(required) if f"`{name}`" not in text]
    assert not missing, f"docs/deploy.md does not document {missing}"


def test_the_queues_in_the_doc_are_the_routed_ones(settings):
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    queues = {queue.name for queue in settings.CELERY_TASK_QUEUES}
    assert routed <= queues == {"heavy", "light"}
    assert settings.CELERY_TASK_DEFAULT_QUEUE == "light"
    for task in settings.CELERY_TASK_ROUTES:
        module, _, name = task.rpartition(".")
        assert name in (ROOT / (module.replace(".", "/") + ".py")).read_text(), task
