"""The throwaway installation every benchmark measures in, set up one way.

A benchmark script (run as `.venv/bin/python benchmarks/<name>.py`, so this folder is on
`sys.path`) calls `setup_django(folder)` with a temporary folder: Django is pointed at a fresh
SQLite file in it (or at `database_url`), with var/ and media/ inside, `DEBUG` off (DEBUG keeps
every query in memory) and quiet logs; the database is migrated and, unless told otherwise, the
reference units and ranks are loaded. `postgres_scratch_database` makes (and drops) a dedicated
PostgreSQL database for scripts that measure there.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


def throwaway_env(
    folder: Path,
    *,
    settings: str = "config.settings.local",
    database_url: str = "",
    database_file: str = "benchmark.sqlite3",
    **extra: str,
) -> dict[str, str]:
    """The environment variables of an installation living in `folder`; `extra` adds or
    overrides (e.g. CELERY_TASK_ALWAYS_EAGER="false")."""
    return {
        "DJANGO_SETTINGS_MODULE": settings,
        "DATABASE_URL": database_url or f"sqlite:///{folder / database_file}",
        "POLRI_VAR_DIR": str(folder),
        "MEDIA_ROOT": str(folder / "media"),
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def setup_django(
    folder: Path,
    *,
    migrate: bool = True,
    reference_data: bool = True,
    **env_options: str,
) -> dict[str, str]:
    """Point this process at a throwaway installation in `folder` (see `throwaway_env` for
    `env_options`), start Django, migrate and load the reference data. Returns the environment,
    for subprocesses (workers, gunicorn) that must see the same installation."""
    sys.path.insert(0, str(ROOT))
    env = throwaway_env(folder, **env_options)
    os.environ.update(env)
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    if migrate and reference_data:
        from training.reference import reference_data_load

        reference_data_load()
    return env


def postgres_scratch_database(
    name: str, server_url: str = PG_SERVER
) -> tuple[str, Callable[[], None]]:
    """Create the database `name` on the server of `server_url`; return its URL and a function
    that drops it (closing this process's connections first)."""
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        if "django" in sys.modules:
            from django.apps import apps
            from django.db import connections

            if apps.ready:
                connections.close_all()
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return server_url.rsplit("/", 1)[0] + f"/{name}", drop


def postgres_is_up(server_url: str = PG_SERVER) -> bool:
    try:
        import psycopg

        with psycopg.connect(server_url, connect_timeout=2):
            return True
    except Exception:  # noqa: BLE001 - any failure means: use SQLite
        return False
