"""docs/deploy.md cannot rot: its `sh tested` blocks run here, line by line, with production
settings against a throw-away SQLite database and folders; and no command on the page is left
outside a block that some test runs."""

import re

import pytest

from tests.ops.deploydoc import (
    DOC,
    FENCE,
    ROOT,
    doc_commands,
    manage_py,
    production_env,
    run_line,
)

TESTED_FENCES = {"sh tested", "sh tested-processes", "sh tested-running", "sh tested-postgres"}
NRP = "87050123"
# Inline code that is a command an operator types (as opposed to a setting or a file name).
COMMAND_SPAN = re.compile(
    r"`((?:python manage\.py|celery|gunicorn|pg_dump|pg_restore|rsync) [^`]*)`"
)


def test_the_doc_has_tested_blocks_for_upgrade_and_process_checks():
    commands = doc_commands("tested")
    for expected in ("manage.py migrate", "collectstatic", "check --deploy", "gunicorn", "celery"):
        assert any(expected in c for c in commands), expected


def test_every_shell_block_of_the_doc_is_run_by_a_test():
    fences = [match["info"].strip() for match in FENCE.finditer(DOC.read_text())]
    untested = [info for info in fences if info.startswith("sh") and info not in TESTED_FENCES]
    assert not untested, f"docs/deploy.md has shell blocks no test runs: {untested}"


def _command_words(command: str) -> tuple[str, ...]:
    """What names a command: the program and its subcommand (`manage.py axes_reset`,
    `celery worker`), without options such as `-A config`."""
    words = command.replace("python manage.py", "manage.py").split()
    program, rest = words[0], words[1:]
    while rest and rest[0].startswith("-"):
        rest = rest[2:] if rest[0] in ("-A", "--app") else rest[1:]
    return (program, rest[0]) if rest and program in ("manage.py", "celery") else (program,)


def test_every_command_named_in_the_prose_is_in_a_tested_block():
    tested = {
        _command_words(line)
        for tag in ("tested", "tested-processes", "tested-running", "tested-postgres")
        for line in doc_commands(tag)
    }
    prose = FENCE.sub("", DOC.read_text())
    named = {_command_words(span) for span in COMMAND_SPAN.findall(prose)}
    assert named, "the prose names no command?"
    untested = named - tested
    assert not untested, f"commands named in docs/deploy.md but run by no test: {untested}"


@pytest.fixture(scope="module")
def deploy_env(tmp_path_factory) -> dict[str, str]:
    return production_env(tmp_path_factory.mktemp("var"), NRP=NRP)


@pytest.mark.parametrize("command", doc_commands("tested"))
def test_each_tested_command_succeeds(command, deploy_env):
    if "axes_reset" in command:
        # A lockout to lift, so the command has real work (the blocks run in page order,
        # after `migrate`).
        manage_py(
            "import os; from axes.models import AccessAttempt; "
            "AccessAttempt.objects.create(username=os.environ['NRP'], ip_address='10.1.2.3', "
            "user_agent='test', http_accept='*/*', path_info='/accounts/login/', get_data='', "
            "post_data='', failures_since_start=5)",
            deploy_env,
        )
    output = run_line(command, deploy_env)
    if "collectstatic" in command:
        assert (ROOT / deploy_env["POLRI_VAR_DIR"] / "static" / "staticfiles.json").exists()
    if "celery -A config report" in command:
        # The deployed configuration really has the two queues the doc describes.
        assert "heavy" in output and "light" in output
    if "load_reference_data" in command:
        assert "units" in output
    if "axes_reset" in command:
        assert "1 attempts removed" in output, output


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
