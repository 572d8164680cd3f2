"""A hand-built tree and two sessions whose numbers the tests work out by hand.

    POLDA-T ── RES-A ── SEK-A1, SEK-A2
            ├─ RES-B, RES-C, RES-D, RES-E
            └─ (one staff member at POLDA-T itself)

Session 1 (ten days ago) and session 2 (three days ago) are finished; a cancelled session and a
draft must never count. Tono was at RES-B for session 1 and had moved to RES-D by session 2;
he has since moved again, to RES-E: reports must follow the unit frozen on each participant.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import (
    ParticipantFactory,
    PersonnelFactory,
    TrainingSessionFactory,
    UnitFactory,
)
from training.models import Role, Unit

H, T, IZ, S, D, A = "HADIR", "TERLAMBAT", "IZIN", "SAKIT", "DINAS", "ALPA"


class Tree(dict):
    """Units by code, plus the sessions and people the tests need."""


def _unit(code, kind, parent=None):
    return UnitFactory(code=code, name=code.replace("-", " ").title(), kind=kind, parent=parent)


def attend(session, person, status, *, unit=None, passed=None, completed=False, minutes=None):
    return ParticipantFactory(
        session=session,
        personnel=person,
        unit=unit or person.unit,
        attendance_status=status,
        quiz_passed=passed,
        quiz_score=None if passed is None else (Decimal("80") if passed else Decimal("40")),
        minutes_attended=minutes if minutes is not None else (90 if status in (H, T) else 0),
        completed_at=timezone.now() if completed else None,
    )


@pytest.fixture
def tree(db, ranks) -> Tree:
    tree = Tree()
    polda = _unit("POLDA-T", Unit.Kind.POLDA)
    tree["POLDA-T"] = polda
    for code in ("RES-A", "RES-B", "RES-C", "RES-D", "RES-E"):
        tree[code] = _unit(code, Unit.Kind.POLRES, polda)
    tree["SEK-A1"] = _unit("SEK-A1", Unit.Kind.POLSEK, tree["RES-A"])
    tree["SEK-A2"] = _unit("SEK-A2", Unit.Kind.POLSEK, tree["RES-A"])
    for unit in tree.values():
        unit.refresh_from_db()

    now = timezone.now()
    s1 = TrainingSessionFactory(
        title="Sesi Satu", host_unit=polda, status="finished", start_at=now - timedelta(days=10)
    )
    s2 = TrainingSessionFactory(
        title="Sesi Dua", host_unit=polda, status="finished", start_at=now - timedelta(days=3)
    )
    cancelled = TrainingSessionFactory(
        title="Batal", host_unit=polda, status="cancelled", start_at=now - timedelta(days=5)
    )
    draft = TrainingSessionFactory(
        title="Draf", host_unit=polda, status="draft", start_at=now - timedelta(days=4)
    )
    tree.sessions = {"s1": s1, "s2": s2, "cancelled": cancelled, "draft": draft}

    def person(name, unit_code, rank="BRIPKA", roles=()):
        return PersonnelFactory(
            name=name, unit=tree[unit_code], rank=ranks[rank], roles=list(roles)
        )

    p = tree.people = {
        "a1": person("Ahmad", "SEK-A1"),
        "a2": person("Budi", "SEK-A2", rank="AKBP"),
        "a3": person("Citra", "RES-A"),
        "b1": person("Dedi", "RES-B"),
        "b2": person("Eka", "RES-B"),
        "c1": person("Fajar", "RES-C"),
        "c2": person("Gita", "RES-C"),
        "d1": person("Hadi", "RES-D", rank="KOMPOL"),
        "d2": person("Indah", "RES-D"),
        "e1": person("Joko", "RES-E"),
        "staff": person("Kartika", "POLDA-T"),
        "tono": person("Tono", "RES-B"),
    }
    # Session 1
    attend(s1, p["a1"], H, passed=True, completed=True)
    attend(s1, p["a2"], T, passed=False)
    attend(s1, p["a3"], IZ)
    attend(s1, p["b1"], H, passed=True, completed=True)
    attend(s1, p["b2"], A)
    attend(s1, p["c1"], S)
    attend(s1, p["c2"], D)
    attend(s1, p["d1"], H, passed=True, completed=True)
    attend(s1, p["d2"], H, passed=True, completed=True)
    attend(s1, p["e1"], A)
    attend(s1, p["staff"], H, passed=True, completed=True)
    attend(s1, p["tono"], H, passed=True, completed=True)  # at RES-B then
    # Tono moves to RES-D before session 2, and later to RES-E.
    attend(s2, p["tono"], A, unit=tree["RES-D"])
    p["tono"].unit = tree["RES-E"]
    p["tono"].save(update_fields=["unit"])
    # Session 2
    attend(s2, p["a1"], H, passed=True, completed=True)
    attend(s2, p["b1"], H, passed=False)
    attend(s2, p["e1"], H, passed=True, completed=True)
    # Neither the cancelled session nor the draft may count.
    attend(cancelled, p["e1"], H, passed=True, completed=True)
    attend(draft, p["e1"], H, passed=True, completed=True)
    return tree


@pytest.fixture
def kapolda(tree, ranks):
    user = PersonnelFactory(
        name="Kapolda T",
        unit=tree["POLDA-T"],
        rank=ranks["KOMBES-POL"],
        roles=[Role.PIMPINAN],
        position="Kapolda",
    )
    return user


@pytest.fixture
def kapolres_a(tree, ranks):
    return PersonnelFactory(
        name="Kapolres A", unit=tree["RES-A"], rank=ranks["AKBP"], roles=[Role.PIMPINAN]
    )


@pytest.fixture
def kapolres_b(tree, ranks):
    return PersonnelFactory(
        name="Kapolres B", unit=tree["RES-B"], rank=ranks["AKBP"], roles=[Role.PIMPINAN]
    )
