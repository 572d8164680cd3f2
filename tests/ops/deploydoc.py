"""Reading docs/deploy.md's tested blocks and running their lines the way an operator would.

A block's fence names who runs it (`sh tested`, `sh tested-processes`, `sh tested-running`,
`sh tested-postgres`); see the table at the top of the page. Lines run with `bash` (so `$VAR`,
`${VAR:-default}` and `$(date +%F)` mean what they mean in a shell), with the virtualenv's `bin`
first on PATH, so `python`, `gunicorn` and `celery` are the project's.
"""

import os
import re
import secrets
import shlex
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "deploy.md"
BIN = Path(sys.executable).parent
FENCE = re.compile(r"^```(?P<info>[^\n]*)\n(?P<body>.*?)^```", re.S | re.M)
PUBLIC_HOST = "belajar.polri.example"


def doc_blocks(tag: str) -> list[list[str]]:
    """The command lines of each block fenced as ```sh <tag>, in page order."""
    blocks = []
    for match in FENCE.finditer(DOC.read_text()):
        if match["info"].split() == ["sh", tag]:
            lines = [line.strip() for line in match["body"].splitlines()]
            blocks.append([line for line in lines if line and not line.startswith("#")])
    return blocks


def doc_commands(tag: str) -> list[str]:
    return [line for block in doc_blocks(tag) for line in block]


def production_env(var: Path, **overrides: str) -> dict[str, str]:
    """The environment of a production machine, with every folder under `var` and nothing
    inherited that would point at the developer's own database or broker."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CELERY_", "PYTEST_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": PUBLIC_HOST,
            "CSRF_TRUSTED_ORIGINS": f"https://{PUBLIC_HOST}",
            "DATABASE_URL": f"sqlite:///{var / 'deploy.sqlite3'}",
            # Nothing listens here: a command that needs the broker must be given one.
            "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
            "CACHE_URL": "locmemcache://",
            "POLRI_VAR_DIR": str(var),
            "MEDIA_ROOT": str(var / "media"),
            "LOG_LEVEL": "WARNING",
            "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        }
    )
    env.update(overrides)
    return env


def shell_argv(command: str) -> list[str]:
    return ["bash", "-euo", "pipefail", "-c", command]


def run_line(command: str, env: dict[str, str], timeout: int = 300) -> str:
    """Run one doc line; fail with its output unless it exits 0. Returns its stdout."""
    result = subprocess.run(
        shell_argv(command), cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, (
        f"`{command}` failed ({result.returncode}):\n"
        f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result.stdout


def manage_py(script: str, env: dict[str, str]) -> str:
    """Run Python inside Django (`manage.py shell -c`) with `env`; returns what it printed."""
    return run_line(f"python manage.py shell -c {shlex.quote(script)}", env)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
