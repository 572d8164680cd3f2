"""Redis down while personnel submit their post-test and commanders ask for report exports.

A private Redis is the broker and a real worker runs. The Redis first hangs (SIGSTOP: it
accepts connections and never answers), then dies (SIGKILL, losing whatever it held). Meanwhile
the web must keep answering — no 500, no request held for longer than the broker timeout — and
the rows stay the truth. After Redis restarts (empty) and the sweepers run: every certificate
that became due is ready with its file, nobody who failed gets one, and every requested report
is done with its file.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError
from rest_framework.test import APIClient

from certificates.models import Certificate
from certificates.services import certificates_sweep
from certificates.tasks import certificate_auto_issue_task, certificate_render_task
from quizzes.models import Category, Question
from quizzes.services import questions_import, quiz_create
from reports.models import ReportJob
from reports.services import report_jobs_sweep
from reports.tasks import report_export_task
from sessions.models import Participant, SessionInvitedUnit, TrainingSession
from tests.factories import ModuleFactory, PersonnelFactory, TrainingSessionFactory
from tests.faults.processes import sweep_until, unmet_requirement
from training.models import Role

UNMET = unmet_requirement()

BANK = """\
::Q1::UU ITE mengatur informasi dan transaksi elektronik.{TRUE}
::Q2::Lembaga yang menangani keamanan siber nasional?{=BSSN ~Kominfo ~Bareskrim}
"""
# A send to a hung broker gives up after about three broker timeouts (CELERY_BROKER_TIMEOUT, 3 s);
# a request that waits longer than this is a web that hangs (gunicorn's timeout is 30 s).
SLOW_REQUEST_SECONDS = 20


@pytest.fixture
def post_test(units, pelatih):
    """A finished Polda Kalbar session with automatic issue and an open post-test."""
    now = timezone.now()
    session = TrainingSessionFactory(
        title="Pencegahan Cyber Crime",
        host_unit=units["POLDA-KALBAR"],
        start_at=now - timedelta(hours=3),
        end_at=now - timedelta(hours=1),
        status=TrainingSession.Status.FINISHED,
        led_by=pelatih,
    )
    SessionInvitedUnit.objects.create(session=session, unit=units["POLRES-SANGGAU"])
    module = ModuleFactory(code="cyber-crime", title="Cyber Crime")
    assert questions_import(module=module, content=BANK, fmt="gift").written
    return quiz_create(
        user=pelatih,
        session=session,
        title="Post-test Cyber Crime",
        open_at=now - timedelta(minutes=30),
        close_at=now + timedelta(days=1),
        categories=Category.objects.filter(module=module),
        time_limit_minutes=30,
        attempts_allowed=1,
    )


@pytest.fixture
def people(post_test, units, ranks):
    """Fourteen personnel of Polres Sanggau who attended, each with a logged-in client."""
    clients = []
    for index in range(14):
        person = PersonnelFactory(
            unit=units["POLSEK-KAPUAS-SANGGAU" if index % 2 else "POLRES-SANGGAU"],
            rank=ranks["BRIPKA"],
            roles=[Role.PESERTA],
        )
        Participant.objects.create(
            session=post_test.session,
            personnel=person,
            unit=person.unit,
            attendance_status=Participant.AttendanceStatus.HADIR,
            minutes_attended=120,
        )
        client = APIClient()
        client.force_login(person)
        clients.append((person, client))
    return clients


def _timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def _answers(question: Question, *, right: bool) -> dict:
    choices = list(question.choices.order_by("pk"))
    chosen = next(c for c in choices if (c.fraction == 1) == right)
    return {"choice": chosen.pk}


def take_post_test(client: APIClient, quiz, *, passing: bool) -> list[tuple[str, int, float]]:
    """Start, answer and submit through the API; returns (step, status, seconds) per request."""
    log = []
    started, seconds = _timed(lambda: client.post(f"/api/v1/quizzes/{quiz.pk}/attempts/"))
    log.append(("start", started.status_code, seconds))
    attempt = started.json()
    for item in attempt["questions"]:
        question = Question.objects.get(pk=item["id"])
        saved, seconds = _timed(
            lambda q=question: client.put(
                f"/api/v1/attempts/{attempt['id']}/answers/{q.pk}/",
                data=json.dumps({"response": _answers(q, right=passing)}),
                content_type="application/json",
            )
        )
        log.append(("answer", saved.status_code, seconds))
    submitted, seconds = _timed(lambda: client.post(f"/api/v1/attempts/{attempt['id']}/submit/"))
    log.append(("submit", submitted.status_code, seconds))
    assert submitted.json()["status"] == "submitted", submitted.content
    return log


def request_export(client: APIClient, fmt: str) -> tuple[int, list[tuple[str, int, float]]]:
    response, seconds = _timed(
        lambda: client.post(
            "/api/v1/reports/exports/", {"unit": "POLRES-SANGGAU", "format": fmt}, format="json"
        )
    )
    return response.json().get("id"), [(f"export {fmt}", response.status_code, seconds)]


def assert_answered(log: list[tuple[str, int, float]], while_: str) -> None:
    failures = [entry for entry in log if not 200 <= entry[1] < 300]
    slow = [entry for entry in log if entry[2] > SLOW_REQUEST_SECONDS]
    assert not failures and not slow, f"{while_}: {failures or slow}"


@pytest.mark.django_db
def test_a_send_the_broker_refuses_is_logged_and_the_sweepers_catch_up(
    post_test,
    people,
    pimpinan,
    fault_media,
    monkeypatch,
    caplog,
    django_capture_on_commit_callbacks,
):
    """The same contract without real processes (runs on every database): the request that
    could not enqueue still answers, and the next sweep does the work."""

    def refuse(*args):
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    for task in (certificate_auto_issue_task, certificate_render_task, report_export_task):
        monkeypatch.setattr(task, "delay", refuse)
    commander = APIClient()
    commander.force_login(pimpinan)
    with django_capture_on_commit_callbacks(execute=True):
        log = take_post_test(people[0][1], post_test, passing=True)
        job_id, exported = request_export(commander, "csv")
    assert_answered(log + exported, "with the broker refusing")
    assert "left for the sweeper" in caplog.text
    assert not Certificate.objects.exists()
    assert ReportJob.objects.get(pk=job_id).status == ReportJob.Status.PENDING

    monkeypatch.undo()  # the broker is back (eager in tests)
    later = timezone.now() + timedelta(minutes=10)
    with django_capture_on_commit_callbacks(execute=True):
        certificates_sweep(now=later)
        report_jobs_sweep(now=later)
    certificate = Certificate.objects.get()
    assert certificate.participant.personnel == people[0][0]
    assert certificate.status == Certificate.Status.READY
    assert ReportJob.objects.get(pk=job_id).status == ReportJob.Status.DONE


@pytest.mark.postgres
@pytest.mark.skipif(bool(UNMET), reason=UNMET or "runs")
@pytest.mark.django_db(transaction=True)
def test_a_redis_outage_delays_certificates_and_reports_but_loses_none(
    post_test, people, pimpinan, fault_media, sending, start_worker
):
    commander = APIClient()
    commander.force_login(pimpinan)
    passing = {person.pk for index, (person, _) in enumerate(people) if index % 5 != 4}
    jobs: list[int] = []
    clients = iter(people)

    def submit(count: int) -> list:
        log = []
        for _ in range(count):
            person, client = next(clients)
            log += take_post_test(client, post_test, passing=person.pk in passing)
        return log

    def export(fmt: str) -> list:
        job_id, log = request_export(commander, fmt)
        jobs.append(job_id)
        return log

    worker = start_worker()
    # Redis up: the ordinary path (also proves the worker and broker work at all).
    assert_answered(submit(2) + export("csv"), "with Redis up")

    sending.freeze()  # hung: connections accepted, never answered
    assert_answered(submit(1) + export("xlsx"), "with Redis hung")

    sending.kill()  # gone, and with it every message it held
    log = submit(len(people) - 3)
    log += export("pdf") + export("csv")
    assert_answered(log, "with Redis down")
    health, seconds = _timed(lambda: APIClient().get("/healthz/"))
    assert health.status_code == 200 and seconds < SLOW_REQUEST_SECONDS
    for job_id in jobs:
        status = commander.get(f"/api/v1/reports/exports/{job_id}/")
        assert status.status_code == 200

    sending.start()  # same port, empty
    if not worker.alive():
        worker = start_worker()
    late = start_worker()  # and one started after the outage

    def sweep() -> None:
        # What beat runs every five minutes, as if the grace periods had passed.
        later = timezone.now() + timedelta(minutes=10)
        certificates_sweep(now=later)
        report_jobs_sweep(now=later)

    certificates = Certificate.objects.filter(participant__session=post_test.session)
    ready = certificates.filter(status=Certificate.Status.READY)
    done = ReportJob.objects.filter(pk__in=jobs, status=ReportJob.Status.DONE)

    def state() -> tuple[int, int, int]:
        return certificates.count(), ready.count(), done.count()

    sweep_until(
        lambda: state() == (len(passing), len(passing), len(jobs)),
        sweep=sweep,
        progress=state,
        timeout=240,
        what=lambda: f"certificates and reports\n{worker.log_tail()}\n{late.log_tail()}",
    )

    holders = set(certificates.values_list("participant__personnel_id", flat=True))
    assert holders == passing  # every one who passed, nobody who failed
    for certificate in ready:
        assert default_storage.exists(certificate.file.name), certificate.number
    assert len(set(certificates.values_list("number", flat=True))) == len(passing)
    for job in ReportJob.objects.filter(pk__in=jobs):
        assert job.file and default_storage.exists(job.file.name), job.pk
