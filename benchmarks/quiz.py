"""Post-test under load: 500 participants start, answer 20 questions one by one, and submit.

    .venv/bin/python benchmarks/quiz.py [--people 500] [--questions 20] [--clients 32]
                                        [--workers 4]

Self-contained: a throwaway SQLite database in a temporary folder (migrated, reference units
loaded), a session with `--people` participants and a quiz of `--questions` questions of every
type, and gunicorn on loopback. A thread-pool load generator (keep-alive connections, token
authentication) first hits a bare authenticated endpoint (`/api/v1/me/`) as the baseline, then
plays every participant: start the attempt, save each answer with its own request, submit.
Prints p50/p99 latency and requests/s per kind of request with ratios to the baseline, and the
database queries per answer save and per submit for a 5- and a `--questions`-question quiz
(they must be equal: the cost does not grow with the number of questions).
"""

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from _setup import ROOT, setup_django


def question_bank(count: int) -> str:
    kinds = [
        "::Q{i}::Soal pilihan {i}?{{=benar{i} ~salah{i}a ~salah{i}b ~salah{i}c}}",
        "::Q{i}::Soal benar-salah {i}.{{TRUE}}",
        "::Q{i}::Soal jawaban ganda {i}?{{~%50%a{i} ~%50%b{i} ~%-100%c{i}}}",
        "::Q{i}::Soal isian {i}?{{=jawab{i} =%50%hampir{i}}}",
        "::Q{i}::Soal angka {i}?{{#{i}:0.5}}",
        "::Q{i}::Cocokkan {i}.{{=x{i} -> X{i} =y{i} -> Y{i} = -> Z{i}}}",
    ]
    blocks = [kinds[i % len(kinds)].format(i=i) for i in range(count)]
    return "$CATEGORY: Bench\n\n" + "\n\n".join(blocks) + "\n"


def response_for(question: dict) -> dict:
    kind = question["type"]
    if kind in ("single", "truefalse"):
        return {"choice": question["choices"][0]["id"]}
    if kind == "multi":
        return {"choices": [c["id"] for c in question["choices"][:2]]}
    if kind == "shortanswer":
        return {"text": "jawab"}
    if kind == "numerical":
        return {"value": "3"}
    return {"matches": {str(item["id"]): question["options"][0] for item in question["items"]}}


def make_data(people: int, questions: int):
    from datetime import timedelta

    from django.contrib.auth.models import Group
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from quizzes.models import Category, Quiz
    from quizzes.services import questions_import
    from sessions.models import Participant, TrainingSession
    from training.models import Module, Personnel, Role, Unit

    units = list(Unit.objects.filter(kind="POLSEK"))[:20]
    host = Unit.objects.get(code="POLDA-KALBAR")
    now = timezone.now()
    session = TrainingSession.objects.create(
        title="Benchmark Cyber Crime", host_unit=host, status="finished",
        start_at=now - timedelta(hours=2), end_at=now - timedelta(hours=1),
    )  # fmt: skip
    module = Module.objects.create(code="bench", title="Bench")
    report = questions_import(module=module, content=question_bank(questions), fmt="gift")
    assert report.written, report.problems
    peserta = Group.objects.get_or_create(name=Role.PESERTA)[0]
    users = Personnel.objects.bulk_create(
        Personnel(nrp=f"{90000000 + i:08d}", name=f"Peserta {i}", unit=units[i % len(units)])
        for i in range(people)
    )
    peserta.user_set.add(*users)
    Participant.objects.bulk_create(
        Participant(session=session, personnel=u, unit_id=u.unit_id) for u in users
    )
    tokens = [Token.objects.create(user=u).key for u in users]
    quiz = Quiz.objects.create(
        session=session, title="Post-test", open_at=now - timedelta(minutes=1),
        close_at=now + timedelta(hours=3), time_limit_minutes=120, attempts_allowed=1,
        questions_per_attempt=questions,
    )  # fmt: skip
    quiz.categories.set(Category.objects.filter(module=module))
    return quiz, tokens


def query_counts(questions: int) -> dict:
    """Queries for one answer save and one submit, for a 5- and an n-question quiz."""
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from quizzes.models import Category, Quiz
    from quizzes.services import answer_save, attempt_start, attempt_submit, questions_import
    from sessions.models import Participant, TrainingSession
    from training.models import Module, Personnel, Unit

    results = {}
    host = Unit.objects.get(code="POLDA-KALBAR")
    person = Personnel.objects.create(nrp="99999999", name="Pengukur", unit=host)
    now = timezone.now()
    for n in sorted({5, questions}):  # one quiz when --questions is 5
        session = TrainingSession.objects.create(
            title=f"Count {n}", host_unit=host, status="finished",
            start_at=now - timedelta(hours=2), end_at=now - timedelta(hours=1),
        )  # fmt: skip
        Participant.objects.create(session=session, personnel=person, unit=host)
        module = Module.objects.create(code=f"count-{n}", title=f"Count {n}")
        questions_import(module=module, content=question_bank(n), fmt="gift")
        quiz = Quiz.objects.create(
            session=session, title="q", open_at=now - timedelta(minutes=1),
            close_at=now + timedelta(hours=1),
        )  # fmt: skip
        quiz.categories.set(Category.objects.filter(module=module))
        attempt = attempt_start(user=person, quiz=quiz)
        qid = attempt.question_ids[0]
        entry = attempt.choice_order[str(qid)]
        from quizzes.models import Question

        qtype = Question.objects.get(pk=qid).qtype
        response = {"choice": entry["c"][0]} if qtype in ("single", "truefalse") else {}
        if qtype == "multi":
            response = {"choices": entry["c"][:1]}
        with CaptureQueriesContext(connection) as save:
            answer_save(user=person, attempt_id=attempt.pk, question_id=qid, response=response)
        with CaptureQueriesContext(connection) as submit:
            attempt_submit(user=person, attempt_id=attempt.pk)
        results[n] = (len(save), len(submit))
    return results


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One keep-alive HTTP connection per load-generator thread."""

    local = threading.local()

    def __init__(self, port: int):
        self.port = port

    def request(
        self, method: str, path: str, token: str, body=None, retry: bool = True
    ) -> tuple[int, bytes, float]:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        data = json.dumps(body).encode() if body is not None else None
        started = time.perf_counter()
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            payload = response.read()
        except (ConnectionError, http.client.HTTPException):
            self.local.conn = None
            conn.close()
            if not retry:  # a keep-alive connection the server closed: reconnect once
                raise
            return self.request(method, path, token, body, retry=False)
        return response.status, payload, time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="quiz-bench-") as tmp:
        folder = Path(tmp)
        env = setup_django(folder, QUIZ_GRACE_SECONDS="30")
        counts = query_counts(args.questions)
        quiz, tokens = make_data(args.people, args.questions)
        from django.db import connections

        connections.close_all()
        port = free_port()
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi:application",
             "-b", f"127.0.0.1:{port}", "-w", str(args.workers), "--threads", "4",
             "--log-level", "warning"],
            cwd=ROOT, env={**os.environ, **env},
        )  # fmt: skip
        try:
            client = Client(port)
            for _ in range(300):
                try:
                    if client.request("GET", "/healthz/", tokens[0], retry=False)[0] == 200:
                        break
                except (OSError, http.client.HTTPException):
                    Client.local.conn = None
                time.sleep(0.1)
            else:
                raise SystemExit("gunicorn did not start")
            timings: dict[str, list[float]] = {"baseline": [], "start": [], "save": [],
                                               "submit": []}  # fmt: skip
            failures: list[str] = []
            lock = threading.Lock()

            def record(kind, status, seconds, ok=(200, 201)):
                with lock:
                    timings[kind].append(seconds)
                    if status not in ok:
                        failures.append(f"{kind}: HTTP {status}")

            requests_per_person = args.questions + 2

            def baseline(token):
                for _ in range(requests_per_person):
                    status, _body, seconds = client.request("GET", "/api/v1/me/", token)
                    record("baseline", status, seconds)

            def participant(token):
                status, body, seconds = client.request(
                    "POST", f"/api/v1/quizzes/{quiz.pk}/attempts/", token
                )
                record("start", status, seconds)
                if status != 201:
                    return
                attempt = json.loads(body)
                for question in attempt["questions"]:
                    status, _b, seconds = client.request(
                        "PUT", f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}/",
                        token, {"response": response_for(question)},
                    )  # fmt: skip
                    record("save", status, seconds)
                status, _b, seconds = client.request(
                    "POST", f"/api/v1/attempts/{attempt['id']}/submit/", token
                )
                record("submit", status, seconds)

            walls = {}
            for name, job in (("baseline", baseline), ("quiz", participant)):
                began = time.perf_counter()
                with ThreadPoolExecutor(max_workers=args.clients) as pool:
                    list(pool.map(job, tokens))
                walls[name] = time.perf_counter() - began
        finally:
            server.terminate()
            server.wait(timeout=30)

        from quizzes.models import Attempt

        graded = Attempt.objects.filter(quiz=quiz, score__isnull=False).count()
        base_rps = len(timings["baseline"]) / walls["baseline"]
        quiz_total = sum(len(timings[k]) for k in ("start", "save", "submit"))
        quiz_rps = quiz_total / walls["quiz"]
        base_p50 = statistics.median(timings["baseline"])
        base_p99 = percentile(timings["baseline"], 0.99)
        print(f"{args.people} participants × {args.questions} questions, {args.clients} "
              f"client threads, gunicorn {args.workers}×4 threads, SQLite")  # fmt: skip
        print(f"{'request':<10}{'n':>7}{'p50 ms':>10}{'p99 ms':>10}{'×p50':>8}{'×p99':>8}")
        for kind in ("baseline", "start", "save", "submit"):
            values = timings[kind]
            p50, p99 = statistics.median(values), percentile(values, 0.99)
            print(f"{kind:<10}{len(values):>7}{p50 * 1000:>10.1f}{p99 * 1000:>10.1f}"
                  f"{p50 / base_p50:>8.2f}{p99 / base_p99:>8.2f}")  # fmt: skip
        print(f"requests/s: baseline {base_rps:.0f}, quiz mix {quiz_rps:.0f} "
              f"(ratio {quiz_rps / base_rps:.2f})")  # fmt: skip
        print(f"graded attempts: {graded}/{args.people}; failed requests: {len(failures)}")
        for n, (save, submit) in counts.items():
            print(f"queries with {n:>3} questions: answer save {save}, submit {submit}")
        small, large = counts[5], counts[args.questions]
        print("query counts constant in the number of questions:", small == large)
        if failures:
            print("first failures:", failures[:5])


if __name__ == "__main__":
    main()
