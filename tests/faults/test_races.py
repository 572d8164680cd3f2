"""Races on PostgreSQL: real threads, real transactions, and the database settles them.

Each test lines its threads up on a barrier, lets them run the real services (or the real API
views through the test client) at the same moment, and then checks what the database holds: one
attendance record, attempt, grade or certificate where one is due, numbers without a duplicate or
a gap, and no IntegrityError surfacing as a 500. SQLite serialises every writer, so these tests
only mean something on PostgreSQL and are skipped elsewhere.

Already proven elsewhere and not repeated here: eight clicks of one person on the check-in
service (tests/sessions/test_attendance.py), four submits of one attempt on the service
(tests/quizzes/test_concurrency.py), eight threads numbering one session's certificates
(tests/certificates/test_issue.py).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from rest_framework.test import APIClient

from certificates.models import BulkJob, Certificate, CertificateCounter
from certificates.services import certificate_issue
from certificates.services import issuing as issuing_module
from certificates.services import jobs as jobs_module
from certificates.tasks import bulk_job_run_task, certificate_auto_issue_task
from quizzes import grading
from quizzes.models import Answer, Attempt, Category, Quiz
from quizzes.services import (
    answer_save,
    attempt_start,
    attempts_close_overdue,
    dealt_questions,
    questions_import,
    quiz_create,
)
from quizzes.services import attempts as attempts_module
from sessions.models import Participant, TrainingSession
from sessions.services import (
    AttendanceMark,
    attendance_mark_bulk,
    participant_add_late,
    participant_check_in,
    session_create,
    session_publish,
    zoom_report_import,
)
from sessions.services import zoom_import as zoom_import_module
from sessions.signals import participant_changed
from tests.factories import (
    ModuleFactory,
    ParticipantFactory,
    PersonnelFactory,
    TrainingSessionFactory,
)
from training.models import Role

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="races need real concurrent transactions and row locks (PostgreSQL)",
    ),
]

Status = Participant.AttendanceStatus
THREAD_TIMEOUT = 120  # seconds; a thread still alive after this is stuck (a deadlock)


# --- the harness ------------------------------------------------------------------------------
def run_together(jobs: list[Callable[[], object]]) -> list[object]:
    """Run every job in its own thread, released at once by a barrier. Returns, in order, what
    each job returned or the exception it raised. Each thread closes its own connection."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[object] = [None] * len(jobs)

    def run(index: int, job: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=THREAD_TIMEOUT)
            outcomes[index] = job()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, job), daemon=True)
        for index, job in enumerate(jobs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(THREAD_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck (deadlock?)"
    return outcomes


def raised(outcomes: list[object]) -> list[BaseException]:
    return [outcome for outcome in outcomes if isinstance(outcome, BaseException)]


def api_client(user) -> APIClient:
    """A logged-in client; the login is made (and committed) before any thread starts."""
    client = APIClient()
    client.force_login(user)
    return client


def statuses(responses: list[object]) -> Counter:
    """HTTP status codes of the responses (an exception, i.e. a 500, fails the caller's check)."""
    assert raised(responses) == []
    return Counter(response.status_code for response in responses)


def without_waiting(work: Callable[[], object]) -> object:
    """Run `work` in a transaction that gives up (OperationalError) after waiting 3 s for a lock:
    proof that nothing another transaction holds stands in its way."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '3s'")
        return work()


@pytest.fixture
def announced():
    """Participants announced by `participant_changed` (sent after commit), from any thread."""
    received: list[int] = []
    lock = threading.Lock()

    def receiver(sender, participant, **kwargs):
        with lock:
            received.append(participant.pk)

    participant_changed.connect(receiver, dispatch_uid="test-races-announced")
    yield received
    participant_changed.disconnect(dispatch_uid="test-races-announced")


def published_session(pelatih, units, *, started_ago: timedelta, hours: int = 2):
    """A Polda Kalbar session inviting Polres Sanggau (with its Polsek), published before its
    start: whoever is active in Sanggau at this call is a participant."""
    start = timezone.now().replace(microsecond=0) - started_ago
    session = session_create(
        user=pelatih,
        title="Polri Belajar: Penanganan TPPO",
        host_unit=units["POLDA-KALBAR"],
        start_at=start,
        end_at=start + timedelta(hours=hours),
        zoom_join_url="https://us02web.zoom.us/j/81234567890?pwd=Xy12ab",
        zoom_passcode="246810",
        invited_units=[units["POLRES-SANGGAU"]],
    )
    return session_publish(session=session, user=pelatih, now=start - timedelta(days=1))


def sanggau_people(units, count: int) -> list:
    return [
        PersonnelFactory(
            unit=units["POLSEK-KAPUAS-SANGGAU" if index % 2 else "POLRES-SANGGAU"],
            name=f"Peserta Balapan {index:02d}",
        )
        for index in range(count)
    ]


def rows_per_person(session) -> dict[int, int]:
    return dict(
        Participant.objects.filter(session=session)
        .values_list("personnel_id")
        .annotate(n=Count("pk"))
        .values_list("personnel_id", "n")
    )


# --- self check-in ------------------------------------------------------------------------------
def test_many_people_clicking_check_in_on_the_api_at_once_get_one_record_each(
    pelatih, units, announced
):
    people = sanggau_people(units, 5)
    session = published_session(pelatih, units, started_ago=timedelta(minutes=5))
    before = Participant.objects.filter(session=session).count()
    url = f"/api/v1/sessions/{session.pk}/check-in/"
    clicks = [(person, api_client(person)) for person in people for _click in range(3)]

    responses = run_together([lambda client=client: client.post(url) for _p, client in clicks])

    # Every click answered (no 500 from a lost race); exactly one 201 per person.
    assert statuses(responses) == Counter({201: 5, 200: 10})
    created = Counter(
        person.pk for (person, _c), r in zip(clicks, responses, strict=True) if r.status_code == 201
    )
    assert created == Counter({person.pk: 1 for person in people})
    assert Participant.objects.filter(session=session).count() == before
    assert set(rows_per_person(session).values()) == {1}
    for person in people:
        row = Participant.objects.get(session=session, personnel=person)
        assert (row.attendance_status, row.attendance_source, row.recorded_by_id) == (
            Status.HADIR,
            Participant.Source.SELF,
            person.pk,
        )
        assert row.checked_in_at == row.recorded_at
    # Every response, winner's or loser's, shows the one record that was kept.
    assert {response.data["attendance_status"] for response in responses} == {Status.HADIR}
    # One announcement per record (auto-issue and reports react to these).
    assert sorted(announced) == sorted(
        Participant.objects.filter(session=session, personnel__in=people).values_list(
            "pk", flat=True
        )
    )


def test_check_ins_racing_across_the_grace_boundary_keep_status_and_time_together(pelatih, units):
    people = sanggau_people(units, 4)
    session = published_session(pelatih, units, started_ago=timedelta(minutes=10))
    # Two clicks just before the grace period ends (HADIR) and two just after (TERLAMBAT), per
    # person: whichever wins, its status and its time must be stored together.
    moments = [session.late_after - timedelta(seconds=1), session.late_after + timedelta(seconds=1)]
    calls = [(person, moment) for person in people for moment in moments for _twice in range(2)]

    outcomes = run_together(
        [
            lambda person=person, moment=moment: participant_check_in(
                session=session, user=person, now=moment
            )
            for person, moment in calls
        ]
    )

    assert raised(outcomes) == []
    won = Counter(person.pk for (person, _m), (_p, recorded) in zip(calls, outcomes) if recorded)
    assert won == Counter({person.pk: 1 for person in people})
    for person in people:
        row = Participant.objects.get(session=session, personnel=person)
        expected = Status.TERLAMBAT if row.checked_in_at > session.late_after else Status.HADIR
        assert row.attendance_status == expected
        assert row.recorded_at == row.checked_in_at and row.recorded_by_id == person.pk
    for (person, _m), (participant, _r) in zip(calls, outcomes, strict=True):
        # A losing click reports the winner's record, not its own.
        row = Participant.objects.get(pk=participant.pk)
        assert (participant.attendance_status, participant.checked_in_at) == (
            row.attendance_status,
            row.checked_in_at,
        )


# --- operator marking, self check-in and Zoom import together --------------------------------
def zoom_report(session, people, *, minutes: int) -> bytes:
    """A plain Zoom participants export: each person (NRP in the display name) connected from
    the start for `minutes`."""
    tz = timezone.get_fixed_timezone(7 * 60)  # WIB, the host unit's zone (Asia/Pontianak)
    join = timezone.localtime(session.start_at, tz)
    leave = join + timedelta(minutes=minutes)
    fmt = "%m/%d/%Y %I:%M:%S %p"
    lines = ["Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest"]
    for person in people:
        lines.append(
            f"{person.nrp} {person.name},,{join.strftime(fmt)},{leave.strftime(fmt)},{minutes},Yes"
        )
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def busy_session(pelatih, units, operator):
    """Live for 90 minutes of 120, seven Sanggau people invited besides the personas."""
    people = sanggau_people(units, 7)
    session = published_session(pelatih, units, started_ago=timedelta(minutes=90))
    return session, people


def test_marking_check_ins_zoom_import_and_late_adds_at_once_leave_one_coherent_record(
    busy_session, pelatih, operator, units
):
    session, people = busy_session
    rows = {p.personnel_id: p for p in Participant.objects.filter(session=session)}
    marked = {people[0].pk: Status.IZIN, people[1].pk: Status.DINAS, people[2].pk: Status.HADIR}
    in_report = people[1:6]
    checking_in = [people[0], people[2], people[3], people[4], people[6]]
    newcomer = PersonnelFactory(unit=units["POLRES-SINTANG"], name="Peserta Tambahan")
    report = zoom_report(session, in_report, minutes=70)
    operator_client = api_client(operator)
    trainer_clients = [api_client(pelatih), api_client(pelatih)]
    check_in_clients = [api_client(person) for person in checking_in for _twice in range(2)]
    base = f"/api/v1/sessions/{session.pk}"
    marks = {
        "marks": [
            {"participant": rows[pk].pk, "status": status, "note": "Surat perintah"}
            for pk, status in marked.items()
        ]
    }

    jobs = [
        lambda: operator_client.post(f"{base}/attendance/", marks, format="json"),
        lambda: zoom_report_import(session=session, content=report, user=pelatih),
        *[lambda c=c: c.post(f"{base}/check-in/") for c in check_in_clients],
        # The trainer adds the same newcomer (from outside the invited units) from two tabs.
        *[
            lambda c=c: c.post(f"{base}/participants/", {"nrp": newcomer.nrp}, format="json")
            for c in trainer_clients
        ],
    ]
    outcomes = run_together(jobs)

    assert raised(outcomes) == []
    mark_response, (plan, _applied), *responses = outcomes
    assert mark_response.status_code == 200, mark_response.data
    check_in_responses, add_responses = responses[:-2], responses[-2:]
    assert {r.status_code for r in check_in_responses} <= {200, 201}
    # One tab added the newcomer; the other was told so, not given a 500.
    assert sorted(r.status_code for r in add_responses) == [201, 400]

    # One row per person, the newcomer included.
    per_person = rows_per_person(session)
    assert set(per_person.values()) == {1}
    assert set(per_person) == {*rows, newcomer.pk}
    final = {
        p.personnel_id: p for p in Participant.objects.filter(session=session, personnel__in=people)
    }
    for person in people:
        row = final[person.pk]
        if person.pk in marked:
            # The operator's record stands whatever came first: check-ins only fill an empty
            # record and a Zoom report keeps operator and self records.
            assert (row.attendance_status, row.attendance_source, row.recorded_by_id) == (
                marked[person.pk],
                Participant.Source.OPERATOR,
                operator.pk,
            )
            assert row.note == "Surat perintah"
        elif row.attendance_source == Participant.Source.SELF:
            assert person in checking_in
            assert (row.attendance_status, row.recorded_by_id) == (Status.TERLAMBAT, person.pk)
        elif row.attendance_source == Participant.Source.ZOOM:
            assert person in in_report
            assert (row.attendance_status, row.recorded_by_id) == (Status.HADIR, pelatih.pk)
        else:
            raise AssertionError(f"{person} has no record: {row.attendance_status!r}")
        # Minutes from the report are stored for everyone in it, whoever recorded the status.
        assert row.minutes_attended == (70 if person in in_report else None)
    assert final[people[5].pk].attendance_source == Participant.Source.ZOOM  # only in the report
    assert final[people[6].pk].attendance_source == Participant.Source.SELF  # only checked in
    assert len(plan.matched) == len(in_report)


def test_a_zoom_import_keeps_records_made_while_it_was_analysing(busy_session, pelatih, operator):
    """The report is analysed without locks; meanwhile an operator marks one person IZIN and
    another checks in. The import must not apply its stale plan over those records."""
    session, people = busy_session
    rows = {p.personnel_id: p for p in Participant.objects.filter(session=session)}
    report = zoom_report(session, people[:3], minutes=100)
    analysed, go_on = threading.Event(), threading.Event()
    real_analyse = zoom_import_module.zoom_report_analyse

    def slow_analyse(**kwargs):
        result = real_analyse(**kwargs)
        analysed.set()
        assert go_on.wait(THREAD_TIMEOUT)
        return result

    def meanwhile():
        assert analysed.wait(THREAD_TIMEOUT)
        try:
            attendance_mark_bulk(
                session=session,
                user=operator,
                marks=[AttendanceMark(rows[people[0].pk].pk, Status.IZIN, note="Cuti")],
            )
            participant_check_in(session=session, user=people[1])
        finally:
            go_on.set()

    with mock.patch.object(zoom_import_module, "zoom_report_analyse", slow_analyse):
        outcomes = run_together(
            [lambda: zoom_report_import(session=session, content=report, user=pelatih), meanwhile]
        )

    assert raised(outcomes) == []
    final = {p.personnel_id: p for p in Participant.objects.filter(session=session)}
    assert (final[people[0].pk].attendance_status, final[people[0].pk].attendance_source) == (
        Status.IZIN,
        Participant.Source.OPERATOR,
    )
    assert (final[people[1].pk].attendance_status, final[people[1].pk].attendance_source) == (
        Status.TERLAMBAT,
        Participant.Source.SELF,
    )
    assert (final[people[2].pk].attendance_status, final[people[2].pk].attendance_source) == (
        Status.HADIR,
        Participant.Source.ZOOM,
    )
    assert [final[p.pk].minutes_attended for p in people[:3]] == [100, 100, 100]


def test_a_zoom_import_being_applied_holds_only_the_participant_rows_it_changes(
    busy_session, pelatih, operator
):
    """While the import's transaction is open, the operator (who attended the Zoom meeting
    too) marks someone else and a trainer adds a late participant: neither may wait for it.
    Locking the session, units or people the import merely joined would block both, and with
    the operator's own marking waiting on the import and the import on it, deadlock."""
    session, people = busy_session
    rows = {p.personnel_id: p for p in Participant.objects.filter(session=session)}
    report = zoom_report(session, [operator, people[0]], minutes=100)
    newcomer = PersonnelFactory(unit=operator.unit, name="Peserta Susulan")
    applying, go_on = threading.Event(), threading.Event()
    real_announce = zoom_import_module.announce_participants

    def announce_then_wait(ids):
        # Called at the end of zoom_plan_apply, inside its transaction, with its locks held.
        real_announce(ids)
        applying.set()
        assert go_on.wait(THREAD_TIMEOUT)

    def meanwhile():
        assert applying.wait(THREAD_TIMEOUT)
        try:
            changed = without_waiting(
                lambda: attendance_mark_bulk(
                    session=session,
                    user=operator,
                    marks=[AttendanceMark(rows[people[1].pk].pk, Status.SAKIT)],
                )
            )
            added = without_waiting(
                lambda: participant_add_late(session=session, user=pelatih, personnel=newcomer)
            )
            return changed, added
        finally:
            go_on.set()

    with mock.patch.object(zoom_import_module, "announce_participants", announce_then_wait):
        outcomes = run_together(
            [lambda: zoom_report_import(session=session, content=report, user=pelatih), meanwhile]
        )

    assert raised(outcomes) == []
    (_plan, applied), (changed, added) = outcomes
    assert applied["participants_changed"] == 2 and changed == 1
    assert added.personnel_id == newcomer.pk
    final = {p.personnel_id: p for p in Participant.objects.filter(session=session)}
    assert final[people[1].pk].attendance_status == Status.SAKIT
    assert [final[p.pk].attendance_status for p in (operator, people[0])] == [Status.HADIR] * 2


# --- quizzes --------------------------------------------------------------------------------
BANK = """\
$CATEGORY: Dasar

::TF::UU ITE mengatur transaksi elektronik.{TRUE}

::MC::Apa kepanjangan ITE?{=Informasi dan Transaksi Elektronik ~Internet Teknologi}

::SA::Lembaga sandi negara?{=BSSN}

::NUM::Tahun UU ITE?{#2008:1}
"""


def right_response(question) -> dict:
    choices = list(question.choices.all())
    if question.qtype in ("single", "truefalse"):
        return {"choice": next(c.pk for c in choices if c.fraction == 1)}
    if question.qtype == "shortanswer":
        return {"text": "BSSN"}
    if question.qtype == "numerical":
        return {"value": "2008"}
    raise AssertionError(question.qtype)


@pytest.fixture
def quiz(units, pelatih, peserta):
    """An open post-test (two attempts, 30 minutes) of a finished session `peserta` attended."""
    module = ModuleFactory(code="cyber-crime-races", title="Cyber Crime")
    report = questions_import(module=module, content=BANK, fmt="gift")
    assert report.written, report.problems
    session = published_session(pelatih, units, started_ago=timedelta(hours=3))
    TrainingSession.objects.filter(pk=session.pk).update(status=TrainingSession.Status.FINISHED)
    session.refresh_from_db()
    assert Participant.objects.filter(session=session, personnel=peserta).exists()
    now = timezone.now()
    return quiz_create(
        user=pelatih,
        session=session,
        title="Post-test Cyber Crime",
        open_at=now - timedelta(minutes=5),
        close_at=now + timedelta(days=1),
        categories=Category.objects.filter(module=module),
        time_limit_minutes=30,
        attempts_allowed=2,
        review_after_submit=Quiz.Review.SCORE,
    )


@pytest.fixture
def gradings():
    """One entry per attempt graded (the grading itself runs for real)."""
    calls: list[int] = []
    real_grade = attempts_module._grade

    def counting_grade(attempt, now):
        calls.append(attempt.pk)
        return real_grade(attempt, now)

    with mock.patch.object(attempts_module, "_grade", counting_grade):
        yield calls


def test_concurrent_starts_open_one_attempt_at_a_time_and_never_more_than_allowed(
    quiz, peserta, gradings
):
    clients = [api_client(peserta) for _ in range(6)]
    url = f"/api/v1/quizzes/{quiz.pk}/attempts/"

    def start_all():
        return run_together([lambda c=c: c.post(url) for c in clients])

    # Six tabs start at once: one attempt, the same for all.
    first = start_all()
    assert statuses(first) == Counter({201: 6}), [r.data for r in first]
    assert {r.data["id"] for r in first} == {Attempt.objects.get().pk}

    # The first attempt ran out of time; six tabs start again at once: it is closed and graded
    # once, and one second attempt is opened for all of them.
    Attempt.objects.update(
        started_at=timezone.now() - timedelta(hours=2),
        deadline=timezone.now() - timedelta(hours=1),
    )
    second = start_all()
    assert statuses(second) == Counter({201: 6}), [r.data for r in second]
    old, new = Attempt.objects.order_by("number")
    assert (old.number, old.status, gradings) == (1, Attempt.Status.OVERDUE, [old.pk])
    assert (new.number, new.status) == (2, Attempt.Status.IN_PROGRESS)
    assert {r.data["id"] for r in second} == {new.pk}

    # Both attempts used: six tabs at once are all refused, none gets a third attempt.
    assert clients[0].post(f"/api/v1/attempts/{new.pk}/submit/").status_code == 200
    third = start_all()
    assert statuses(third) == Counter({400: 6})
    assert Attempt.objects.count() == 2


def test_submits_answers_and_the_sweeper_racing_on_one_attempt_grade_it_once(
    quiz, peserta, gradings
):
    attempt = attempt_start(user=peserta, quiz=quiz)
    questions = dealt_questions(attempt=attempt, with_responses=False)

    submit_clients = [api_client(peserta) for _ in range(3)]
    answer_clients = [api_client(peserta) for _ in questions]
    base = f"/api/v1/attempts/{attempt.pk}"
    jobs = [
        *[lambda c=c: c.post(f"{base}/submit/") for c in submit_clients],
        *[
            lambda c=c, q=dealt.question: c.put(
                f"{base}/answers/{q.pk}/", {"response": right_response(q)}, format="json"
            )
            for c, dealt in zip(answer_clients, questions, strict=True)
        ],
        # The beat sweeper, run late enough to find the attempt overdue.
        lambda: attempts_close_overdue(now=attempt.deadline + Attempt.grace() * 3),
    ]
    outcomes = run_together(jobs)

    assert raised(outcomes) == []
    submits, answers = outcomes[:3], outcomes[3:-1]
    assert {r.status_code for r in submits} == {200}
    # An answer is either saved before the grading or refused, never a 500.
    assert {r.status_code for r in answers} <= {200, 400}
    assert gradings == [attempt.pk]
    attempt.refresh_from_db()
    assert attempt.status in (Attempt.Status.SUBMITTED, Attempt.Status.OVERDUE)
    # Every stored answer is the graded one: a right response graded 1, an empty row 0. An
    # answer written after grading would show a right response with the fraction 0.
    stored = list(Answer.objects.filter(attempt=attempt).select_related("question"))
    assert len(stored) == len(questions)
    for answer in stored:
        assert answer.fraction == (1 if answer.response else 0), answer.question.name
    accepted = sum(1 for r in answers if r.status_code == 200)
    assert sum(1 for a in stored if a.response) == accepted
    assert attempt.score == grading.percent(Decimal(accepted), Decimal(len(questions)))
    # Everyone who asked was shown the same result.
    assert {Decimal(r.data["score"]) for r in submits} == {attempt.score}
    participant = Participant.objects.get(pk=attempt.participant_id)
    assert participant.quiz_score == attempt.score


def test_answers_of_different_participants_do_not_queue_on_the_quiz(quiz, peserta, units):
    """A quiz with hundreds of people answering at once: one person's answer being saved (its
    attempt row locked) must not make anyone else's answer wait."""
    other = PersonnelFactory(unit=units["POLRES-SANGGAU"], name="Peserta Lain")
    ParticipantFactory(session=quiz.session, personnel=other)
    mine, theirs = attempt_start(user=peserta, quiz=quiz), attempt_start(user=other, quiz=quiz)
    question = dealt_questions(attempt=mine, with_responses=False)[0].question
    saving, go_on = threading.Event(), threading.Event()

    def save_and_hold():
        with transaction.atomic():
            answer_save(
                user=peserta,
                attempt_id=mine.pk,
                question_id=question.pk,
                response=right_response(question),
            )
            saving.set()
            assert go_on.wait(THREAD_TIMEOUT)

    def save_meanwhile():
        assert saving.wait(THREAD_TIMEOUT)
        try:
            return without_waiting(
                lambda: answer_save(
                    user=other,
                    attempt_id=theirs.pk,
                    question_id=question.pk,
                    response=right_response(question),
                )
            )
        finally:
            go_on.set()

    outcomes = run_together([save_and_hold, save_meanwhile])

    assert raised(outcomes) == []
    assert Answer.objects.filter(question=question).count() == 2


# --- certificates ---------------------------------------------------------------------------
@pytest.fixture
def no_rendering(settings, tmp_path):
    """Issue for real (numbers, snapshot, rows) but skip the PDF: rendering has its own tests."""
    settings.MEDIA_ROOT = tmp_path / "media"
    with mock.patch.object(issuing_module, "certificate_render_enqueue", lambda pk: None):
        yield


def finished_session(pelatih, units, people, *, host: str = "POLDA-KALBAR", title: str = ""):
    """A session that ended yesterday with every one of `people` HADIR for all of it."""
    end = timezone.now() - timedelta(days=1)
    session = TrainingSessionFactory(
        title=title or f"Penanganan TPPO ({host})",
        host_unit=units[host],
        led_by=pelatih,
        status=TrainingSession.Status.FINISHED,
        start_at=end - timedelta(hours=2),
        end_at=end,
    )
    for person in people:
        ParticipantFactory(
            session=session,
            personnel=person,
            attendance_status=Status.HADIR,
            minutes_attended=120,
        )
    return session


def assert_gap_free(issuer_code: str, expected: int) -> None:
    certificates = Certificate.objects.filter(issuer__code=issuer_code)
    sequences = sorted(certificates.values_list("sequence", flat=True))
    assert sequences == list(range(1, expected + 1))
    assert all(c.number.split("/")[2] == issuer_code for c in certificates)
    assert CertificateCounter.objects.get(issuer__code=issuer_code).last == expected


def test_two_trainers_and_auto_issue_at_once_give_one_certificate_each_and_one_job_at_a_time(
    pelatih, units, ranks, no_rendering
):
    people = sanggau_people(units, 12)
    session = finished_session(pelatih, units, people)
    second_trainer = PersonnelFactory(
        unit=units["POLDA-KALBAR"], rank=ranks["KOMPOL"], name="Sri Wahyuni", roles=[Role.PELATIH]
    )
    clients = [api_client(pelatih), api_client(second_trainer)]
    url = f"/api/v1/certificates/sessions/{session.pk}/issue/"
    participant_ids = list(Participant.objects.filter(session=session).values_list("pk", flat=True))
    real_eligible = jobs_module.participants_eligible

    def slow_eligible(**kwargs):
        # A slow request: widens the gap between "is a job running?" and creating one.
        time.sleep(0.3)
        return real_eligible(**kwargs)

    def auto_issue(chunk):
        # What the participant_changed receiver enqueues, for each participant.
        return [certificate_auto_issue_task(pk) for pk in chunk]

    jobs = [
        *[lambda c=c: c.post(url) for c in clients],
        *[lambda i=i: auto_issue(participant_ids[i::3]) for i in range(3)],
    ]
    with mock.patch.object(jobs_module, "participants_eligible", slow_eligible):
        outcomes = run_together(jobs)

    assert raised(outcomes) == []
    assert [r.status_code for r in outcomes[:2]] == [202, 202]
    # One live certificate per participant, numbered 1..12 without a gap.
    per_participant = Counter(
        Certificate.objects.exclude(status=Certificate.Status.REVOKED).values_list(
            "participant_id", flat=True
        )
    )
    assert per_participant == Counter(dict.fromkeys(participant_ids, 1))
    assert_gap_free("POLDA-KALBAR", 12)
    # One issuing job at a time: either both trainers got the same job, or the second job was
    # started after the first had finished (and found nobody left to issue to).
    jobs_made = list(BulkJob.objects.filter(session=session).order_by("created_at", "pk"))
    assert {j.status for j in jobs_made} == {BulkJob.Status.DONE}
    if len(jobs_made) == 1:
        assert {r.data["id"] for r in outcomes[:2]} == {jobs_made[0].pk}
    else:
        first, later = jobs_made
        assert later.created_at >= first.finished_at
        assert not later.certificates.exists()
    assert all(j.progress == j.total == 12 for j in jobs_made)


def test_numbering_across_sessions_of_one_issuer_has_no_duplicate_and_no_gap(
    pelatih, units, no_rendering
):
    """Two Polda Kalbar sessions and one Polres Sanggau session issue at once, by bulk job, by
    hand and automatically, from an empty counter; one issue fails half-way and must give its
    number back."""
    kalbar_one = finished_session(pelatih, units, sanggau_people(units, 8), title="TPPO I")
    kalbar_two = finished_session(pelatih, units, sanggau_people(units, 8), title="TPPO II")
    sanggau = finished_session(
        pelatih, units, sanggau_people(units, 6), host="POLRES-SANGGAU", title="Lalu lintas"
    )
    unlucky = kalbar_two.participants.order_by("pk")[3]
    real_snapshot = issuing_module.certificate_snapshot

    def snapshot(*, participant, issued_on):
        if participant.pk == unlucky.pk:
            raise RuntimeError("letterhead storage unavailable")  # after the number was drawn
        return real_snapshot(participant=participant, issued_on=issued_on)

    # A pending bulk job, as `certificates_issue_bulk` leaves it for the worker.
    job = BulkJob.objects.create(
        kind=BulkJob.Kind.ISSUE, session=kalbar_one, total=8, requested_by=pelatih
    )

    def by_hand(participants):
        issued = []
        for participant in participants:
            try:
                issued.append(certificate_issue(participant=participant, issued_by=pelatih))
            except RuntimeError:
                issued.append(None)
        return issued

    kalbar_two_rows = list(kalbar_two.participants.order_by("pk"))
    sanggau_ids = list(sanggau.participants.values_list("pk", flat=True))
    jobs = [
        lambda: bulk_job_run_task(job.pk),
        lambda: by_hand(kalbar_two_rows[0::2]),
        lambda: by_hand(kalbar_two_rows[1::2]),
        lambda: [certificate_auto_issue_task(pk) for pk in sanggau_ids[0::2]],
        lambda: [certificate_auto_issue_task(pk) for pk in sanggau_ids[1::2]],
    ]
    with mock.patch.object(issuing_module, "certificate_snapshot", snapshot):
        outcomes = run_together(jobs)

    assert raised(outcomes) == []
    assert outcomes[0] is True
    # 8 + 7 for Polda Kalbar (the failed issue returned its number), 6 for Polres Sanggau.
    assert_gap_free("POLDA-KALBAR", 15)
    assert_gap_free("POLRES-SANGGAU", 6)
    assert not unlucky.certificates.exists()
    assert Certificate.objects.values("participant").distinct().count() == 21
