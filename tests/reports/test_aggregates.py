"""Numbers on the hand-built tree (see conftest.py), worked out by hand."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from reports.data import Counts
from reports.selectors import (
    ReportFilter,
    completion_by_child_unit,
    completion_trend,
    people_in_unit,
    person_rows,
    report_data_build,
    report_filter_clean,
)
from tests.factories import PersonnelFactory, UnitFactory
from tests.reports.conftest import attend
from training.errors import ApplicationError
from training.models import Role, Unit


def _period() -> ReportFilter:
    return report_filter_clean(user=None)


def _by_code(report):
    return {row.code: row for row in report.rows if not row.is_direct}


def test_it_counts_each_polres_of_the_polda(tree, kapolda):
    report = completion_by_child_unit(user=kapolda, unit=tree["POLDA-T"], filters=_period())
    rows = _by_code(report)
    assert rows["RES-A"].counts == Counts(
        invited=4, attended=3, excused=1, absent=0, quiz_taken=3, quiz_passed=2, completed=2
    )
    assert rows["RES-B"].counts == Counts(
        invited=4, attended=3, excused=0, absent=1, quiz_taken=3, quiz_passed=2, completed=2
    )
    assert rows["RES-C"].counts == Counts(invited=2, excused=2)
    assert rows["RES-D"].counts == Counts(
        invited=3, attended=2, absent=1, quiz_taken=2, quiz_passed=2, completed=2
    )
    assert rows["RES-E"].counts == Counts(
        invited=2, attended=1, absent=1, quiz_taken=1, quiz_passed=1, completed=1
    )
    assert report.completion_basis == "completed"  # no certificate was issued
    assert [rows[c].completion_pct for c in ("RES-A", "RES-C", "RES-D")] == [
        Decimal("50.0"),
        Decimal("0.0"),
        Decimal("66.7"),
    ]


def test_totals_include_the_polda_staff_row_which_is_not_ranked(tree, kapolda):
    report = completion_by_child_unit(user=kapolda, unit=tree["POLDA-T"], filters=_period())
    direct = [row for row in report.rows if row.is_direct]
    assert len(direct) == 1 and direct[0].counts.invited == 1 and direct[0].rank is None
    assert report.totals == Counts(
        invited=16, attended=10, excused=3, absent=3, quiz_taken=10, quiz_passed=8, completed=8
    )
    assert report.totals_pct == Decimal("50.0")


def test_transfers_count_where_the_person_was_at_the_time(tree, kapolda):
    # Tono: RES-B in session 1, RES-D in session 2, RES-E today. RES-E's numbers hold only Joko.
    s2 = ReportFilter(session_id=tree.sessions["s2"].pk)
    rows = _by_code(completion_by_child_unit(user=kapolda, unit=tree["POLDA-T"], filters=s2))
    assert rows["RES-D"].counts == Counts(invited=1, absent=1)
    assert rows["RES-B"].counts == Counts(invited=1, attended=1, quiz_taken=1)
    assert rows["RES-E"].counts.invited == 1
    s1 = ReportFilter(session_id=tree.sessions["s1"].pk)
    rows = _by_code(completion_by_child_unit(user=kapolda, unit=tree["POLDA-T"], filters=s1))
    assert rows["RES-B"].counts.invited == 3
    assert rows["RES-D"].counts.invited == 2
    assert rows["RES-E"].counts.invited == 1


def test_ranking_shares_ties_and_flags_the_bottom_three(tree, kapolda):
    report = completion_by_child_unit(user=kapolda, unit=tree["POLDA-T"], filters=_period())
    ranked = [(row.code, row.rank, row.is_bottom) for row in report.rows if not row.is_direct]
    # D 66.7 %; A, B, E tie at 50 % (the tie reaches into the last three places); C 0 %.
    assert ranked == [
        ("RES-D", 1, False),
        ("RES-A", 2, True),
        ("RES-B", 2, True),
        ("RES-E", 2, True),
        ("RES-C", 5, True),
    ]


def test_a_unit_nobody_was_invited_from_is_listed_but_not_ranked(tree, kapolda):
    s2 = ReportFilter(session_id=tree.sessions["s2"].pk)
    rows = _by_code(completion_by_child_unit(user=kapolda, unit=tree["POLDA-T"], filters=s2))
    assert rows["RES-C"].counts.invited == 0
    assert rows["RES-C"].rank is None and rows["RES-C"].completion_pct is None


def test_drill_down_to_the_polsek_of_a_polres(tree, kapolres_a):
    report = completion_by_child_unit(user=kapolres_a, unit=tree["RES-A"], filters=_period())
    rows = {row.code: row for row in report.rows}
    assert [row.code for row in report.rows] == ["SEK-A1", "SEK-A2", "RES-A"]
    assert rows["SEK-A1"].counts == Counts(
        invited=2, attended=2, quiz_taken=2, quiz_passed=2, completed=2
    )
    assert rows["SEK-A2"].completion_pct == Decimal("0.0")
    assert rows["RES-A"].is_direct and rows["RES-A"].counts == Counts(invited=1, excused=1)
    # Two ranked units: nobody is "bottom three".
    assert not any(row.is_bottom for row in report.rows)
    assert report.totals.invited == 4


def test_people_are_sorted_by_rank_seniority_then_name(tree, kapolres_a):
    people = person_rows(people_in_unit(user=kapolres_a, unit=tree["RES-A"], filters=_period()))
    assert [(p.name, p.session_title) for p in people] == [
        ("Budi", "Sesi Satu"),  # AKBP first
        ("Ahmad", "Sesi Satu"),
        ("Ahmad", "Sesi Dua"),
        ("Citra", "Sesi Satu"),
    ]
    assert people[0].nrp == tree.people["a2"].nrp
    assert people[0].attendance_status == "TERLAMBAT" and people[0].minutes_attended == 90


def test_a_module_filter_keeps_only_sessions_presenting_it(tree, kapolda):
    from sessions.models import SessionModule
    from tests.factories import ModuleFactory

    module = ModuleFactory()
    SessionModule.objects.create(session=tree.sessions["s2"], module=module)
    filters = report_filter_clean(user=None, module_id=module.pk)
    report = completion_by_child_unit(user=kapolda, unit=tree["POLDA-T"], filters=filters)
    assert report.totals.invited == 4  # session 2 only


def test_dates_outside_the_range_are_left_out(tree, kapolda):
    today = timezone.localdate()
    filters = report_filter_clean(
        user=None, date_from=today - timezone.timedelta(days=5), date_to=today
    )
    report = completion_by_child_unit(user=kapolda, unit=tree["POLDA-T"], filters=filters)
    assert report.totals.invited == 4


def test_it_refuses_bad_filters():
    with pytest.raises(ApplicationError):
        report_filter_clean(user=None, session_id=1, date_from=timezone.localdate())
    with pytest.raises(ApplicationError):
        report_filter_clean(
            user=None,
            date_from=timezone.localdate(),
            date_to=timezone.localdate() - timezone.timedelta(1),
        )


@pytest.mark.django_db
def test_it_refuses_a_session_that_does_not_exist():
    with pytest.raises(ApplicationError):
        report_filter_clean(user=None, session_id=987654)


def test_scope_refusals(tree, kapolres_a, kapolres_b, ranks):
    filters = _period()
    # A Polres commander cannot see a sibling Polres nor the Polda above.
    for unit in (tree["RES-B"], tree["POLDA-T"]):
        with pytest.raises(PermissionDenied):
            completion_by_child_unit(user=kapolres_a, unit=unit, filters=filters)
    # A participant without a command role sees no unit report, even of their own unit.
    peserta = PersonnelFactory(unit=tree["RES-A"], rank=ranks["BRIPKA"], roles=[Role.PESERTA])
    with pytest.raises(PermissionDenied):
        completion_by_child_unit(user=peserta, unit=tree["RES-A"], filters=filters)
    with pytest.raises(PermissionDenied):
        completion_trend(user=peserta, unit=tree["RES-A"], filters=filters)
    with pytest.raises(PermissionDenied):
        people_in_unit(user=kapolres_b, unit=tree["SEK-A1"], filters=filters)


def test_admin_sees_any_unit(tree, ranks):
    admin = PersonnelFactory(unit=None, rank=ranks["KOMBES-POL"], roles=[Role.ADMIN])
    report = completion_by_child_unit(user=admin, unit=tree["RES-B"], filters=_period())
    assert report.totals.invited == 4


def test_trend_has_one_point_per_session_oldest_first(tree, kapolda):
    points = completion_trend(user=kapolda, unit=tree["POLDA-T"], filters=_period())
    assert [p.title.split(" (")[0] for p in points] == ["Sesi Satu", "Sesi Dua"]
    # Session 1: 12 invited, 6 completed; session 2: 4 invited, 2 completed.
    assert [p.completion_pct for p in points] == [Decimal("50.0"), Decimal("50.0")]
    assert [p.invited for p in points] == [12, 4]


def test_every_level_is_rolled_up_for_exports(tree, kapolda):
    data = report_data_build(unit=tree["POLDA-T"], filters=_period(), requester=kapolda)
    assert [level.title for level in data.levels] == ["Polres", "Polsek"]
    assert data.totals.invited == 16 and data.people_count == 16
    polsek = data.levels[1].groups
    assert [group.parent_code for group in polsek] == ["RES-A"]
    assert [row.code for row in polsek[0].rows] == ["SEK-A1", "SEK-A2", "RES-A"]
    assert [row.code for row in data.rows if not row.is_direct] == [
        "RES-D",
        "RES-A",
        "RES-B",
        "RES-E",
        "RES-C",
    ]
    assert len(list(data.people)) == 16
    assert data.signatory.name == "Kapolda T" and data.signatory.rank == "Kombes Pol"


# --- certificates --------------------------------------------------------------------------


def _certificate(participant, *, number, status="ready"):
    model = apps.get_model("certificates", "Certificate")
    today = timezone.localdate()
    return model.objects.create(
        participant=participant,
        issuer=participant.session.host_unit,
        year=today.year,
        sequence=int(number),
        number=f"{int(number):04d}/SERT/POLDA-T/{today.year}",
        code=f"CODE{number}",
        status=status,
        revoked_at=timezone.now() if status == "revoked" else None,
        recipient_name=participant.personnel.name,
        recipient_nrp=participant.personnel.nrp,
        recipient_unit=participant.unit.name,
        session_title=participant.session.title,
        session_start=today,
        issued_on=today,
        signatory_name="Kapolda",
    )


def test_certified_counts_live_certificates_only(tree, kapolda):
    pytest.importorskip("certificates.models")
    if not apps.is_installed("certificates") or "certificate" not in {
        m._meta.model_name for m in apps.get_app_config("certificates").get_models()
    }:
        pytest.skip("certificates app has no Certificate model yet")
    from sessions.models import Participant

    s1 = tree.sessions["s1"]
    for number, key in enumerate(("d1", "d2"), start=1):
        _certificate(Participant.objects.get(session=s1, personnel=tree.people[key]), number=number)
    _certificate(
        Participant.objects.get(session=s1, personnel=tree.people["b1"]), number=9, status="revoked"
    )
    report = completion_by_child_unit(user=kapolda, unit=tree["POLDA-T"], filters=_period())
    rows = _by_code(report)
    assert report.completion_basis == "certified"
    assert rows["RES-D"].counts.certified == 2
    assert rows["RES-D"].completion_pct == Decimal("66.7")
    assert rows["RES-B"].counts.certified == 0  # revoked does not count
    assert rows["RES-B"].completion_pct == Decimal("0.0")
    people = person_rows(people_in_unit(user=kapolda, unit=tree["RES-D"], filters=_period()))
    numbers = {p.name: p.certificate_number for p in people}
    assert numbers["Hadi"].startswith("0001/SERT") and numbers["Tono"] == ""


# --- query counts --------------------------------------------------------------------------


def _grow(tree, ranks, *, polsek: int, people_each: int):
    """More units, people and a session: the number of queries must not change."""
    from tests.factories import TrainingSessionFactory

    extra = TrainingSessionFactory(
        host_unit=tree["POLDA-T"],
        status="finished",
        start_at=timezone.now() - timezone.timedelta(2),
    )
    for index in range(polsek):
        unit = UnitFactory(
            code=f"SEK-X{index}", kind=Unit.Kind.POLSEK, parent=tree[f"RES-{'BCDE'[index % 4]}"]
        )
        for _ in range(people_each):
            person = PersonnelFactory(unit=unit, rank=ranks["BRIPTU"])
            attend(extra, person, "HADIR", passed=True, completed=True)


def _warm(user):
    user.role_names  # noqa: B018 - cached on the user; not part of the report
    user.unit  # noqa: B018


def test_query_count_does_not_depend_on_units_people_or_sessions(
    tree, kapolda, ranks, django_assert_num_queries
):
    _warm(kapolda)
    filters = _period()

    def run():
        completion_by_child_unit(user=kapolda, unit=tree["POLDA-T"], filters=filters)
        completion_trend(user=kapolda, unit=tree["POLDA-T"], filters=filters)
        data = report_data_build(unit=tree["POLDA-T"], filters=filters, requester=kapolda)
        list(data.people)

    # ranking: counts, certificates, child units; trend: counts, certificates;
    # export: counts, certificates, units, people count, trend 2, people
    with django_assert_num_queries(12):
        run()
    _grow(tree, ranks, polsek=6, people_each=5)
    with django_assert_num_queries(12):
        run()
