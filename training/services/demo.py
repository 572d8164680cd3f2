"""Demo data: a believable Polda Kalbar to click through (`manage.py seed_demo`).

`demo_seed()` is idempotent: every person has a fixed NRP/NIP drawn from a seeded random
generator, existing people are left alone, and running it twice creates nothing the second time.
The demo accounts (one per role) are the exception: their unit, rank, role and password are put
back to the values below on every run, so the printed account list is always true.

Scales:
- ``demo``: the reference units (Mabes, 36 Polda, the 14 Kalbar Polres, the Sanggau Polsek) and
  about 300 personnel over Polda Kalbar, its Polres and the Sanggau Polsek.
- ``polda``: the demo data plus Polsek up to 150 in Kalbar (named after kecamatan; a synthetic
  load, not a verified Polsek list) and 12,000 more personnel, written in batches.

Higher apps add their own demo data by connecting to `training.signals.demo_data_seeded`.
"""

import csv
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.db import transaction

from training.errors import ApplicationError
from training.models import Personnel, Rank, Role, Unit
from training.reference import DATA_DIR, polres_code, polsek_code, reference_data_load
from training.signals import demo_data_seeded

from .demo_people import (
    KECAMATAN,
    POLDA_LEADERS,
    POLRES_LEADERS,
    POLRES_STAFF,
    POLSEK_LEADERS,
    POLSEK_STAFF,
    Namer,
    PersonSpec,
    Slot,
)

DEMO_PASSWORD = "belajar-demo"
SCALES = ("demo", "polda")
PRODUCTION_SETTINGS = "config.settings.production"
POLDA_CODE = "POLDA-KALBAR"
POLDA_SCALE_POLSEK = 150  # Polsek under the Kalbar Polres at the polda scale
POLDA_SCALE_PERSONNEL = 12_000  # personnel the polda scale adds to the demo data
POLDA_SCALE_PER_POLSEK = 44
BATCH_SIZE = 1000
DEMO_POLRES_STAFF = 4  # staff per Polres at the demo scale, besides its leaders
DEMO_POLSEK_STAFF = 3


# One login per role. The NRPs are fixed so the README and the printed table stay valid.
DEMO_ACCOUNTS: dict[str, PersonSpec] = {
    Role.PESERTA: PersonSpec(
        "98030501", "Dimas Aditya Pratama", "BRIGPOL", "Bhabinkamtibmas", "POLSEK-KAPUAS-SANGGAU"
    ),
    Role.OPERATOR: PersonSpec(
        "93110207", "Rina Oktaviani, S.Kom.", "BRIPKA", "Bamin Bag SDM", "POLRES-SANGGAU"
    ),
    Role.PELATIH: PersonSpec(
        "80070412", "Hendra Gunawan, S.H., M.H.", "KOMPOL", "Pelatih Bagdiklat Ro SDM", POLDA_CODE
    ),
    Role.PIMPINAN: PersonSpec(
        "77040615", "Ricky Hermawan, S.I.K., M.H.", "AKBP", "Kapolres", "POLRES-SANGGAU"
    ),
    Role.ADMIN: PersonSpec(
        "85120931", "Fransiskus Tobing, S.Kom.", "IPTU", "Paur Subbid Infotek Bid TIK", POLDA_CODE
    ),
}

# People other demo data refers to (the Wakapolda presents sessions; the Sanggau staff run them).
NAMED_PEOPLE: dict[str, PersonSpec] = {
    "wakapolda": PersonSpec(
        "70030418", "Dr. Hartono Wibisono, S.I.K., M.Si.", "BRIGJEN-POL", "Wakapolda", POLDA_CODE
    ),
    "kabagops_sanggau": PersonSpec(
        "79080322", "Suryadi Nainggolan, S.H.", "KOMPOL", "Kabagops", "POLRES-SANGGAU"
    ),
    "kabag_sdm_sanggau": PersonSpec(
        "81020914", "Yuliana Kristiani, S.H., M.H.", "KOMPOL", "Kabag SDM", "POLRES-SANGGAU"
    ),
    "kapolsek_kapuas": PersonSpec(
        "84060717", "Markus Simanjuntak, S.H.", "AKP", "Kapolsek", "POLSEK-KAPUAS-SANGGAU"
    ),
}


@dataclass(frozen=True)
class DemoAccountRow:
    role: str
    nrp: str
    name: str
    rank: str
    unit: str
    password: str


@dataclass(frozen=True)
class DemoSeedSummary:
    scale: str
    units_created: int
    personnel_created: int
    personnel_planned: int
    accounts: list[DemoAccountRow]


# --- The plan: who exists, computed from constants only (never from the database), so every
# --- run, on every machine, yields the same people with the same NRPs.


def _fixed_people() -> list[PersonSpec]:
    return [*DEMO_ACCOUNTS.values(), *NAMED_PEOPLE.values()]


def _kalbar_polres() -> list[tuple[str, str]]:
    """(code, name) of the 14 Kalbar Polres, as the reference loader names them."""
    with open(DATA_DIR / "polres_polda_kalbar.csv", encoding="utf-8", newline="") as handle:
        return [(polres_code(row["unit_name"]), row["unit_name"]) for row in csv.DictReader(handle)]


def _reference_polsek() -> list[str]:
    with open(DATA_DIR / "polsek_polres_sanggau.csv", encoding="utf-8", newline="") as handle:
        return [polsek_code(row["unit_name"], row["polres"]) for row in csv.DictReader(handle)]


def _synthetic_polsek() -> list[tuple[str, str, str]]:
    """(code, name, Polres code) of the Polsek the polda scale adds, taken round-robin over the
    Polres so they spread evenly, until Kalbar has 150."""
    reference = set(_reference_polsek())
    lists = [[(polres, k.strip()) for k in text.split(",")] for polres, text in KECAMATAN.items()]
    out: list[tuple[str, str, str]] = []
    for depth in range(max(len(names) for names in lists)):
        for names in lists:
            if depth >= len(names) or len(out) + len(reference) >= POLDA_SCALE_POLSEK:
                continue
            polres_name, kecamatan = names[depth]
            name = f"Polsek {kecamatan}"
            code = polsek_code(name, polres_name)
            if code not in reference:
                out.append((code, name, polres_code(polres_name)))
    return out


def _polres_leaders(name: str) -> list[Slot]:
    if not name.startswith("Polresta"):
        return POLRES_LEADERS
    # A Polresta is led one rank higher, and its posts carry the -ta suffix.
    upgraded = {
        "Kapolres": ("Kapolresta", ("KOMBES-POL",)),
        "Wakapolres": ("Wakapolresta", ("AKBP",)),
    }
    return [upgraded.get(position, (position, ranks)) for position, ranks in POLRES_LEADERS]


def _cycle(slots: list[Slot], count: int, start: int = 0) -> list[Slot]:
    return [slots[(start + i) % len(slots)] for i in range(count)]


def demo_people_plan() -> list[PersonSpec]:
    """The generated demo personnel (besides the accounts and named people), deterministic.
    The named people hold their posts, so there is one Kapolres Sanggau, not two."""
    taken = {(p.unit, p.position) for p in _fixed_people()}
    namer = Namer(seed=2024, reserved=(p.nrp for p in _fixed_people()))
    plan: list[PersonSpec] = []

    def staff(unit_code: str, slots: list[Slot]) -> None:
        for slot in slots:
            if (unit_code, slot[0]) not in taken:
                plan.append(namer.person(slot, unit_code))

    staff(POLDA_CODE, POLDA_LEADERS)
    # Each unit starts the staff list where the previous one stopped, so the few staff per
    # unit differ from unit to unit and every post (the PNS ones too) turns up somewhere.
    for index, (code, name) in enumerate(_kalbar_polres()):
        extra = _cycle(POLRES_STAFF, DEMO_POLRES_STAFF, start=index * DEMO_POLRES_STAFF)
        staff(code, [*_polres_leaders(name), *extra])
    for index, code in enumerate(_reference_polsek()):
        # Every Polsek has its Bhabinkamtibmas (village officer); the rest rotates.
        rest = _cycle(POLSEK_STAFF[1:], DEMO_POLSEK_STAFF - 1, start=index * DEMO_POLSEK_STAFF)
        extra = [POLSEK_STAFF[0], *rest]
        staff(code, [*POLSEK_LEADERS, *extra])
    return plan


def demo_scale_nrps() -> frozenset[str]:
    """The NRPs/NIPs of everyone the demo scale seeds (accounts, named people, the plan). Higher
    apps use it to give these people the full story at every scale, while the polda scale's
    bulk personnel get only what is cheap to write in bulk."""
    return frozenset(p.nrp for p in [*_fixed_people(), *demo_people_plan()])


def polda_scale_plan(*, reserved: set[str]) -> list[PersonSpec]:
    """12,000 more personnel: every Kalbar Polsek gets the same headcount (with leaders for the
    Polsek the demo scale does not staff), the Polres headquarters share the rest."""
    namer = Namer(seed=2025, reserved=reserved)
    plan: list[PersonSpec] = []
    polsek = [(code, []) for code in _reference_polsek()]
    polsek += [(code, POLSEK_LEADERS) for code, _name, _parent in _synthetic_polsek()]
    for code, leaders in polsek:
        slots = [*leaders, *_cycle(POLSEK_STAFF, POLDA_SCALE_PER_POLSEK - len(leaders))]
        plan.extend(namer.person(slot, code) for slot in slots)
    polres = [code for code, _name in _kalbar_polres()]
    remaining = POLDA_SCALE_PERSONNEL - len(plan)
    for index, code in enumerate(polres):
        share = remaining // len(polres) + (1 if index < remaining % len(polres) else 0)
        plan.extend(namer.person(slot, code) for slot in _cycle(POLRES_STAFF, share))
    return plan


# --- Writing.


def _unusable_password() -> str:
    """What `make_password(None)` stores, at a fraction of its cost for thousands of rows."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def _chunks(items: list, size: int = BATCH_SIZE) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _synthetic_polsek_ensure() -> int:
    """Create the polda-scale Polsek that are missing; returns how many were created."""
    wanted = _synthetic_polsek()
    existing = set(
        Unit.objects.filter(code__in=[code for code, _n, _p in wanted]).values_list(
            "code", flat=True
        )
    )
    parents = {u.code: u for u in Unit.objects.filter(code__in={p for _c, _n, p in wanted})}
    created = 0
    for code, name, parent_code in wanted:
        if code in existing:
            continue
        parent = parents[parent_code]
        # save() computes the materialized path; 145 units at most, once.
        Unit(
            code=code, name=name, kind=Unit.Kind.POLSEK, parent=parent, timezone=parent.timezone
        ).save()
        created += 1
    return created


def _personnel_bulk_ensure(
    *, plan: list[PersonSpec], units: dict[str, int], ranks: dict[str, int], peserta: Group
) -> int:
    """Insert the planned people whose NRP is not there yet, in batches, as Peserta with an
    unusable password (they do not log in; hashing thousands of passwords would take minutes).
    People already there are left as they are. Returns how many were inserted."""
    existing: set[str] = set()
    for chunk in _chunks([p.nrp for p in plan]):
        existing.update(Personnel.objects.filter(nrp__in=chunk).values_list("nrp", flat=True))
    missing = [p for p in plan if p.nrp not in existing]
    membership = Personnel.groups.through
    for chunk in _chunks(missing):
        Personnel.objects.bulk_create(
            [
                Personnel(
                    nrp=p.nrp,
                    name=p.name,
                    rank_id=ranks[p.rank],
                    position=p.position,
                    unit_id=units[p.unit],
                    password=_unusable_password(),
                )
                for p in chunk
            ],
            ignore_conflicts=True,  # a concurrent run may have inserted some: keep theirs
        )
        ids = Personnel.objects.filter(nrp__in=[p.nrp for p in chunk]).values_list("pk", flat=True)
        membership.objects.bulk_create(
            [membership(personnel_id=pk, group_id=peserta.pk) for pk in ids],
            ignore_conflicts=True,
        )
    return len(missing)


def _person_ensure(
    *, spec: PersonSpec, units: dict[str, int], ranks: dict[str, int]
) -> tuple[Personnel, bool]:
    """Create the person, or put their name, rank, post and unit back to the spec. Saves only
    when something differs."""
    values = {
        "name": spec.name,
        "rank_id": ranks[spec.rank],
        "position": spec.position,
        "unit_id": units[spec.unit],
        "is_active": True,
    }
    person = Personnel.objects.filter(nrp=spec.nrp).first()
    if person is None:
        person = Personnel(nrp=spec.nrp, password=_unusable_password(), **values)
        person.save()
        return person, True
    changed = [field for field, value in values.items() if getattr(person, field) != value]
    if changed:
        for field in changed:
            setattr(person, field, values[field])
        person.save(update_fields=changed)
    return person, False


def _account_ensure(*, person: Personnel, role: str, group: Group) -> None:
    """Exactly one role, admin flags only for the Admin, and the demo password (re-hashed only
    when it no longer matches, so an unchanged account is not rewritten)."""
    is_admin = role == Role.ADMIN
    changed = [
        field
        for field, value in (("is_staff", is_admin), ("is_superuser", is_admin))
        if getattr(person, field) != value
    ]
    for field in changed:
        setattr(person, field, is_admin)
    # An unusable password cannot match, and checking it would still cost a full hash.
    if not person.has_usable_password() or not person.check_password(DEMO_PASSWORD):
        person.set_password(DEMO_PASSWORD)
        changed.append("password")
    if changed:
        person.save(update_fields=changed)
    person.groups.set([group])


def demo_account_rows() -> list[DemoAccountRow]:
    """The demo accounts as they are in the database, one per role."""
    people = Personnel.objects.select_related("rank", "unit").in_bulk(
        [spec.nrp for spec in DEMO_ACCOUNTS.values()], field_name="nrp"
    )
    rows = []
    for role, spec in DEMO_ACCOUNTS.items():
        person = people.get(spec.nrp)
        if person is None:
            continue
        rows.append(
            DemoAccountRow(
                role=str(role),
                nrp=person.nrp,
                name=person.name,
                rank=person.rank.abbreviation if person.rank else "",
                unit=person.unit.name if person.unit else "",
                password=DEMO_PASSWORD,
            )
        )
    return rows


def demo_seed(
    *, scale: str = "demo", stdout: Callable[[str], None] | None = None
) -> DemoSeedSummary:
    """Load the reference data and the demo people (and, for ``scale="polda"``, the 150 Polsek
    and 12,000 more personnel). Idempotent. Then sends `training.signals.demo_data_seeded`
    (sender=demo_seed, stdout, scale) after the training data is committed, so higher apps add
    theirs; a receiver that fails leaves the training data in place and a re-run resumes."""
    if settings.SETTINGS_MODULE == PRODUCTION_SETTINGS:
        # The demo accounts' passwords are printed and published: never on a real server.
        raise ApplicationError(
            "Demo data is never loaded with production settings: its accounts, an "
            "administrator among them, have published passwords."
        )
    if scale not in SCALES:
        raise ApplicationError(f"Unknown demo scale {scale!r}; choose one of: {', '.join(SCALES)}.")
    say = stdout or (lambda message: None)
    with transaction.atomic():
        reference = reference_data_load()
        say(f"Reference data: {reference.ranks} ranks, {reference.units} units.")
        units_created = _synthetic_polsek_ensure() if scale == "polda" else 0
        if units_created:
            say(f"Polsek added for the polda scale: {units_created}.")
        units = dict(Unit.objects.values_list("code", "pk"))
        ranks = dict(Rank.objects.values_list("code", "pk"))
        groups = {name: Group.objects.get_or_create(name=name)[0] for name in Role.values}

        for spec in NAMED_PEOPLE.values():
            person, _created = _person_ensure(spec=spec, units=units, ranks=ranks)
            person.groups.add(groups[Role.PESERTA])
        for role, spec in DEMO_ACCOUNTS.items():
            person, _created = _person_ensure(spec=spec, units=units, ranks=ranks)
            _account_ensure(person=person, role=role, group=groups[role])

        plan = demo_people_plan()
        if scale == "polda":
            reserved = {p.nrp for p in [*_fixed_people(), *plan]}
            plan += polda_scale_plan(reserved=reserved)
        created = _personnel_bulk_ensure(
            plan=plan, units=units, ranks=ranks, peserta=groups[Role.PESERTA]
        )
        say(f"Personnel: {len(plan) + len(_fixed_people())} in the demo data, {created} new.")
    demo_data_seeded.send(sender=demo_seed, stdout=stdout, scale=scale)
    return DemoSeedSummary(
        scale=scale,
        units_created=units_created,
        personnel_created=created,
        personnel_planned=len(plan) + len(_fixed_people()),
        accounts=demo_account_rows(),
    )
