"""docs/deploy.md's backup and restore blocks (`sh tested-postgres`) run here for real.

A scratch PostgreSQL database (named after this run's test database, so parallel runs do not
collide) is migrated and filled with the demo data: units, personnel, sessions with attendance,
and certificates whose PDFs are in `MEDIA_ROOT`. The doc's backup block dumps it and copies the
files into `BACKUP_DIR`; then the source database and the files are thrown away, and the doc's
restore block rebuilds both into a second, empty database and a new `MEDIA_ROOT`. The restored
installation must hold the same rows and files, pass `check --deploy`, and let a user log in.
Both scratch databases are dropped afterwards.
"""

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from django.db import connection

from tests.ops.deploydoc import doc_blocks, doc_commands, manage_py, production_env, run_line

pytestmark = pytest.mark.postgres

COUNT_ROWS = """
import json
from certificates.models import Certificate
from sessions.models import Participant, TrainingSession
from training.models import Personnel, Unit
print(json.dumps({
    "units": Unit.objects.count(),
    "personnel": Personnel.objects.count(),
    "sessions": TrainingSession.objects.count(),
    "participants": Participant.objects.count(),
    "attendance": Participant.objects.exclude(attendance_status="").count(),
    "certificates": Certificate.objects.count(),
    "certificate_files": Certificate.objects.exclude(file="").count(),
}))
"""

# A real login through the login page, with production settings (HTTPS behind the proxy,
# lockout middleware on), then a page only a logged-in person sees.
LOG_IN = """
import json
from django.test import Client
from training.models import Personnel, Role
from training.services.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
client = Client(HTTP_HOST="belajar.polri.example")
nrp = DEMO_ACCOUNTS[Role.OPERATOR].nrp
login = client.post(
    "/accounts/login/", {"username": nrp, "password": DEMO_PASSWORD}, secure=True
)
home = client.get("/", secure=True)
user = Personnel.objects.filter(pk=client.session.get("_auth_user_id")).first()
print(json.dumps({"login": login.status_code, "home": home.status_code,
                  "user": user.nrp if user else None}))
"""


def _last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def _files(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_the_doc_has_a_backup_and_a_restore_block():
    backup, restore = doc_blocks("tested-postgres")
    assert any(line.startswith("pg_dump ") for line in backup)
    assert any(line.startswith("rsync ") for line in backup)
    assert any(line.startswith("pg_restore ") for line in restore)
    assert any("manage.py migrate" in line for line in restore)


@pytest.fixture
def scratch_databases(db):
    """Two empty databases beside this run's test database; dropped afterwards, whatever
    happened."""
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore need PostgreSQL (run with a postgres DATABASE_URL)")
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (apt-get install postgresql-client)")
    if shutil.which("rsync") is None:
        pytest.skip("rsync is not installed (apt-get install rsync; .ci/run installs it)")
    import psycopg

    params = connection.settings_dict
    # 63 bytes is PostgreSQL's limit for a name; the suffix must survive a long test name.
    names = [f"{params['NAME'][:48]}_bk_{role}" for role in ("src", "dst")]
    admin = psycopg.connect(
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 5432,
        user=params["USER"],
        password=params["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )

    def drop(name: str) -> None:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    address = f"{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
    try:
        for name in names:
            drop(name)
            admin.execute(f'CREATE DATABASE "{name}"')
        yield [f"postgres://{auth}@{address}/{name}" for name in names]
    finally:
        for name in names:
            drop(name)
        admin.close()


def test_the_doc_backup_restores_every_row_and_file(tmp_path, scratch_databases):
    source_url, target_url = scratch_databases
    backup_dir = tmp_path / "backups"
    backup_dir.mkdir()
    source = production_env(
        tmp_path / "var-source", DATABASE_URL=source_url, BACKUP_DIR=str(backup_dir)
    )
    source_media = Path(source["MEDIA_ROOT"])

    run_line("python manage.py migrate --noinput", source)
    # The demo data refuses production settings (its passwords are public): load it as a
    # developer would, rendering certificate PDFs in-process into the same MEDIA_ROOT.
    developer = {
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "CELERY_TASK_ALWAYS_EAGER": "true",
    }
    run_line("python manage.py seed_demo", {**source, **developer})
    (source_media / "materials" / "nested").mkdir(parents=True, exist_ok=True)
    (source_media / "materials" / "nested" / "modul-siber.pdf").write_bytes(b"%PDF-1.4 modul\n")
    rows = _last_json(manage_py(COUNT_ROWS, source))
    assert all(rows.values()), f"the demo data should fill every counted table: {rows}"
    files = _files(source_media)
    # Every certificate PDF is a file to back up, beside the material written above.
    assert "materials/nested/modul-siber.pdf" in files
    assert len(files) >= rows["certificate_files"] + 1

    backup, restore = doc_blocks("tested-postgres")
    for line in backup:
        run_line(line, source)
    (dump,) = backup_dir.glob("polri_belajar-*.dump")

    # Nothing of the original survives: what comes back comes from the backup alone.
    shutil.rmtree(source_media)
    shutil.rmtree(source["POLRI_VAR_DIR"])

    # A new machine: the local state folder exists, MEDIA_ROOT beneath it does not yet.
    (tmp_path / "var-target").mkdir()
    target = production_env(
        tmp_path / "var-target",
        DATABASE_URL=target_url,
        BACKUP_DIR=str(backup_dir),
        BACKUP_FILE=str(dump),
    )
    for line in restore:
        run_line(line, target)

    assert _last_json(manage_py(COUNT_ROWS, target)) == rows
    assert _files(Path(target["MEDIA_ROOT"])) == files
    # The pages need the static files a new machine collects at installation (the doc's
    # "First installation" block).
    (collectstatic,) = [line for line in doc_commands("tested") if "collectstatic" in line]
    run_line(collectstatic, target)
    assert _last_json(manage_py(LOG_IN, target)) == {
        "login": 302,
        "home": 200,
        "user": "93110207",
    }
