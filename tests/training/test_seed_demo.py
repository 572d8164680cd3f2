"""seed_demo: the demo Polda Kalbar, its accounts, and that running it again changes nothing."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from training.errors import ApplicationError
from training.models import Personnel, Role, Unit
from training.selectors import unit_subtree
from training.services.demo import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    NAMED_PEOPLE,
    POLDA_SCALE_PERSONNEL,
    demo_people_plan,
    demo_seed,
)
from training.signals import demo_data_seeded

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _only_training(monkeypatch):
    """These tests are about the training data; the apps that extend the demo through
    `demo_data_seeded` test their receivers themselves."""
    monkeypatch.setattr(demo_data_seeded, "receivers", [])


def _snapshot() -> set[tuple]:
    """Every person as the database holds them, passwords and roles included."""
    rows = Personnel.objects.values_list(
        "nrp", "name", "rank__code", "position", "unit__code", "password", "is_active"
    )
    roles = set(Personnel.groups.through.objects.values_list("personnel__nrp", "group__name"))
    return set(rows) | {("role", *pair) for pair in roles}


@pytest.fixture
def seeded():
    return demo_seed()


def test_it_loads_a_few_hundred_personnel_over_kalbar_polres_and_sanggau_polsek(seeded):
    total = Personnel.objects.count()
    assert 250 <= total <= 400
    assert total == seeded.personnel_planned
    kalbar = Unit.objects.get(code="POLDA-KALBAR")
    polres = Unit.objects.filter(parent=kalbar, kind=Unit.Kind.POLRES)
    assert polres.count() == 14
    for unit in polres:
        assert unit.personnel.count() >= 10, unit.code
        # One commander per Polres, whatever the Polres is called.
        assert unit.personnel.filter(position__in=["Kapolres", "Kapolresta"]).count() == 1
    for polsek in Unit.objects.filter(parent__code="POLRES-SANGGAU", kind=Unit.Kind.POLSEK):
        assert polsek.personnel.filter(position="Kapolsek").count() == 1
        assert polsek.personnel.filter(position="Bhabinkamtibmas").exists()
    # Nobody outside Kalbar: the demo stays in one Polda.
    assert not Personnel.objects.exclude(unit__path__startswith=kalbar.path).exists()


def test_generated_people_look_real(seeded):
    people = list(Personnel.objects.select_related("rank"))
    nrps = [p.nrp for p in people]
    assert len(nrps) == len(set(nrps))
    assert all(len(n) in (8, 18) and n.isdigit() for n in nrps)
    assert any(n.startswith("0") and len(n) == 8 for n in nrps), "young Bripda have leading zeros"
    civil = [p for p in people if len(p.nrp) == 18]
    assert civil and all(p.rank.category == "PNS" for p in civil)
    assert all(p.rank.category == "POLRI" for p in people if len(p.nrp) == 8)
    assert any(", S.H." in p.name for p in people)
    assert any("S.I.K." in p.name for p in people)
    ranks = {p.rank.code for p in people}
    assert {"AKBP", "KOMPOL", "AKP", "IPTU", "BRIPKA", "BRIGPOL", "BRIGJEN-POL"} <= ranks
    kapolres = Personnel.objects.filter(position="Kapolres").select_related("rank")
    assert {p.rank.code for p in kapolres} == {"AKBP"}
    assert Personnel.objects.get(position="Kapolresta").rank.code == "KOMBES-POL"


def test_running_it_twice_changes_nothing(seeded):
    before = _snapshot()
    units_before = set(Unit.objects.values_list("code", "path", "name"))
    again = demo_seed()
    assert again.personnel_created == 0
    assert again.units_created == 0
    assert _snapshot() == before
    assert set(Unit.objects.values_list("code", "path", "name")) == units_before


def test_the_people_are_the_same_on_every_machine(seeded):
    # The plan is built from constants and a seeded generator, never from the database, so
    # two machines (or a wiped and re-seeded one) get the same people with the same NRPs.
    plan = demo_people_plan()
    assert plan == demo_people_plan()
    stored = set(
        Personnel.objects.values_list("nrp", "name", "rank__code", "position", "unit__code")
    )
    assert {(p.nrp, p.name, p.rank, p.position, p.unit) for p in plan} <= stored


def test_only_the_demo_accounts_have_usable_passwords(seeded):
    usable = {p.nrp for p in Personnel.objects.all() if p.has_usable_password()}
    assert usable == {spec.nrp for spec in DEMO_ACCOUNTS.values()}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_has_one_account_that_can_log_in(seeded, client, role):
    spec = DEMO_ACCOUNTS[role]
    assert Personnel.objects.filter(groups__name=role).filter(nrp=spec.nrp).count() == 1
    response = client.post(reverse("login"), {"username": spec.nrp, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = Personnel.objects.get(nrp=spec.nrp)
    assert user.primary_role == role
    assert user.is_superuser == user.is_staff == (role == Role.ADMIN)


def test_accounts_sit_where_the_roles_work(seeded):
    by_role = {role: Personnel.objects.get(nrp=spec.nrp) for role, spec in DEMO_ACCOUNTS.items()}
    assert by_role[Role.PIMPINAN].unit.code == "POLRES-SANGGAU"
    assert by_role[Role.PIMPINAN].position == "Kapolres"
    assert by_role[Role.OPERATOR].unit.code == "POLRES-SANGGAU"
    assert by_role[Role.PELATIH].unit.code == "POLDA-KALBAR"
    assert by_role[Role.PESERTA].unit.code == "POLSEK-KAPUAS-SANGGAU"
    # The commander account is the Kapolres, not a second one beside a generated Kapolres.
    assert Personnel.objects.filter(unit__code="POLRES-SANGGAU", position="Kapolres").count() == 1


def test_a_run_puts_the_demo_password_back(seeded, client):
    pelatih = Personnel.objects.get(nrp=DEMO_ACCOUNTS[Role.PELATIH].nrp)
    pelatih.set_password("something-else-entirely")
    pelatih.is_active = False
    pelatih.save()
    demo_seed()
    response = client.post(reverse("login"), {"username": pelatih.nrp, "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_the_named_people_exist(seeded):
    wakapolda = Personnel.objects.get(nrp=NAMED_PEOPLE["wakapolda"].nrp)
    assert (wakapolda.rank.code, wakapolda.position) == ("BRIGJEN-POL", "Wakapolda")
    assert wakapolda.unit.code == "POLDA-KALBAR"
    sanggau = Personnel.objects.filter(unit__code="POLRES-SANGGAU")
    assert sanggau.get(position="Kabagops").rank.code == "KOMPOL"
    assert sanggau.get(position="Kabag SDM").nrp == NAMED_PEOPLE["kabag_sdm_sanggau"].nrp
    kapolsek = Personnel.objects.get(unit__code="POLSEK-KAPUAS-SANGGAU", position="Kapolsek")
    assert kapolsek.nrp == NAMED_PEOPLE["kapolsek_kapuas"].nrp
    assert kapolsek.rank.code == "AKP"
    assert Personnel.objects.filter(position="Wakapolda").count() == 1


def test_it_tells_higher_apps_through_a_signal(db):
    calls = []

    def receiver(sender, **kwargs):
        # Sent after the people exist, so a receiver can use them.
        calls.append((kwargs["scale"], kwargs["stdout"], Personnel.objects.count()))

    demo_data_seeded.connect(receiver)
    try:
        lines = []
        demo_seed(stdout=lines.append)
    finally:
        demo_data_seeded.disconnect(receiver)
    assert len(calls) == 1
    scale, stdout, people = calls[0]
    assert scale == "demo" and stdout == lines.append and people > 250
    assert any("Personnel" in line for line in lines)


def test_personnel_are_inserted_in_batches_not_one_query_each(db):
    with CaptureQueriesContext(connection) as ctx:
        summary = demo_seed()
    inserts = [q for q in ctx.captured_queries if 'INSERT INTO "training_personnel"' in q["sql"]]
    # The 9 fixed people are saved one by one; the ~300 generated ones in one batch.
    assert summary.personnel_created > 250
    assert len(inserts) <= len(DEMO_ACCOUNTS) + len(NAMED_PEOPLE) + 1


def test_polda_scale_adds_150_polsek_and_12000_personnel_idempotently(db):
    summary = demo_seed(scale="polda")
    kalbar = Unit.objects.get(code="POLDA-KALBAR")
    polsek = unit_subtree(unit=kalbar).filter(kind=Unit.Kind.POLSEK)
    assert polsek.count() == 150
    assert summary.units_created == 145
    for polres in Unit.objects.filter(parent=kalbar):
        assert 5 <= polres.children.count() <= 15, polres.code
    demo_people = demo_seed().personnel_planned
    assert Personnel.objects.count() == demo_people + POLDA_SCALE_PERSONNEL
    assert Personnel.objects.filter(position="Kapolsek").count() == 150
    assert (
        Personnel.objects.filter(unit__kind=Unit.Kind.POLSEK, unit__personnel__isnull=True).count()
        == 0
    )
    again = demo_seed(scale="polda")
    assert (again.units_created, again.personnel_created) == (0, 0)
    assert Personnel.objects.count() == demo_people + POLDA_SCALE_PERSONNEL


def test_an_unknown_scale_is_refused(db):
    with pytest.raises(ApplicationError, match="Unknown demo scale"):
        demo_seed(scale="nasional")
    with pytest.raises(CommandError):
        call_command("seed_demo", "--scale", "nasional", stdout=StringIO())
    assert not Personnel.objects.exists()


def test_it_refuses_to_run_with_production_settings(db, settings):
    settings.SETTINGS_MODULE = "config.settings.production"
    with pytest.raises(ApplicationError, match="production"):
        demo_seed()
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo", stdout=StringIO())
    assert not Personnel.objects.exists()


def test_command_prints_the_accounts_table(db):
    out = StringIO()
    call_command("seed_demo", "--accounts", stdout=out)
    text = out.getvalue()
    for role, spec in DEMO_ACCOUNTS.items():
        line = next(line for line in text.splitlines() if spec.nrp in line)
        assert line.startswith(str(role))
        assert DEMO_PASSWORD in line and spec.name in line
    assert "Polres Sanggau" in text and "Polsek Kapuas" in text


def test_command_without_accounts_prints_no_passwords(db):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert DEMO_PASSWORD not in out.getvalue()
