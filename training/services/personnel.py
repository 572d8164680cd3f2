"""Personnel import: bring a unit's people in from an HR (Bag SDM) list.

`personnel_import` validates every row before it writes anything. A file with any bad row
writes nothing and reports every problem as "line N: reason". A good file upserts by NRP in one
transaction with bulk statements (a fixed handful of queries per thousand rows, never one per
row): re-importing the same file changes nothing, and a transfer (mutasi) moves the person to
the new unit. New people get an unusable password (they set one through the reset flow or an
Admin sets it) and the Peserta role; existing people keep their password, roles and status.
"""

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.scope import path_contains
from training.errors import ApplicationError
from training.importers.personnel import (
    COLUMN_LABELS,
    REQUIRED_FIELDS,
    ParsedFile,
    PersonnelRow,
    max_file_bytes,
    missing_column_message,
    parse_personnel_file,
)
from training.importers.units import UnitMatcher
from training.models import Personnel, Rank, Role, Unit, normalize_nrp
from training.ranks import rank_matcher
from training.selectors import unit_is_visible_to

logger = logging.getLogger(__name__)

# Bound on `IN (...)` lists: SQLite's default variable limit is 999 on older builds.
LOOKUP_CHUNK = 900
WRITE_BATCH = 500
NRP_LENGTHS = (8, 18)  # NRP for police members, NIP for civil staff (PNS)
NAME_MAX_LENGTH = Personnel._meta.get_field("name").max_length
POSITION_MAX_LENGTH = Personnel._meta.get_field("position").max_length
# Where a previewed list waits in storage for its confirmation (see training/views).
PENDING_DIR = "imports/personnel"


@dataclass(frozen=True)
class ImportProblem:
    """One reason the file cannot be imported. `line` is None for a problem with the whole file."""

    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return _("line %(line)s: %(message)s") % {"line": self.line, "message": self.message}

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "message": self.message}


@dataclass
class ImportResult:
    dry_run: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [problem.as_dict() for problem in self.errors],
        }


@dataclass(frozen=True)
class _Valid:
    line: int
    nrp: str
    name: str
    rank: Rank
    unit: Unit
    position: str | None


def personnel_import_allowed(*, user: Any) -> bool:
    """Admins import anywhere; an Operator imports into their own unit's subtree."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_admin or (user.unit_id is not None and user.has_role(Role.OPERATOR))


def personnel_import(
    *,
    source: bytes | IO[bytes] | ParsedFile,
    dry_run: bool,
    actor: Personnel | None = None,
) -> ImportResult:
    """Validate a personnel list and, unless `dry_run` or a row is bad, upsert it by NRP.

    `source` is the file's bytes, a binary file object, or an already parsed file. `actor` is the
    person importing (None for the command line, which acts as an Admin); when it is an Operator,
    every row's unit and every existing person it changes must lie in the actor's subtree, and
    a row that would change an Admin, a Pimpinan or a Pelatih is refused (unless the Operator is
    also the Pimpinan of a unit above that person). Preview and apply run the same checks.
    Raises ApplicationError only when `actor` may not import at all; everything wrong with the
    file comes back in `ImportResult.errors`, and then nothing has been written.
    """
    if actor is not None and not personnel_import_allowed(user=actor):
        raise ApplicationError(_("Only an Admin or an Operator may import personnel."))
    result = ImportResult(dry_run=dry_run)
    try:
        parsed = (
            source
            if isinstance(source, ParsedFile)
            else parse_personnel_file(_read(source), filename=getattr(source, "name", None) or "")
        )
    except ApplicationError as exc:
        result.errors.append(ImportProblem(line=None, message=exc.message))
        return result

    missing = [label for label in parsed.missing_columns if label in _required_labels()]
    if missing:
        result.errors = [
            ImportProblem(line=parsed.header_line, message=missing_column_message(label))
            for label in missing
        ]
        return result
    if not parsed.rows:
        result.errors.append(
            ImportProblem(line=None, message=_("The file has no data rows below the header."))
        )
        return result

    valid, problems = _validate(parsed.rows, actor=actor)
    existing = _existing_by_nrp([row.nrp for row in valid])
    problems += _scope_problems(valid, existing, actor=actor, has_position=parsed.has_position)
    if problems:
        result.errors = sorted(problems, key=lambda problem: problem.line or 0)
        return result

    plan = _plan(valid, existing, has_position=parsed.has_position)
    result.created, result.updated = len(plan.to_create), len(plan.to_update)
    result.unchanged = plan.unchanged
    if dry_run:
        return result
    try:
        _write(plan)
    except IntegrityError:
        logger.warning("personnel import collided with a concurrent change", exc_info=True)
        return ImportResult(
            dry_run=dry_run,
            errors=[
                ImportProblem(
                    line=None,
                    message=_(
                        "Someone else changed these personnel at the same moment; nothing was "
                        "imported. Please import the file again."
                    ),
                )
            ],
        )
    logger.info(
        "personnel import by %s: %s created, %s updated, %s unchanged",
        actor.nrp if actor else "command line",
        result.created,
        result.updated,
        result.unchanged,
    )
    return result


def _required_labels() -> set[str]:
    return {COLUMN_LABELS[name] for name in REQUIRED_FIELDS}


def _read(source: bytes | IO[bytes]) -> bytes:
    if isinstance(source, bytes | bytearray):
        return bytes(source)
    if hasattr(source, "seek"):
        source.seek(0)
    # One byte over the cap is enough for the parser to refuse the file without reading it all.
    return source.read(max_file_bytes() + 1)


def _nrp_problem(raw: str, nrp: str) -> str | None:
    if not nrp:
        return _("NRP is empty")
    if nrp.isdigit() and len(nrp) in NRP_LENGTHS:
        return None
    message = _('NRP "%(nrp)s" must be 8 digits (NRP) or 18 digits (NIP)') % {"nrp": raw}
    if nrp.isdigit() and len(nrp) in (6, 7):  # an NRP starting with 0 that Excel held as a number
        message += " " + _(
            "(leading zeros lost? In Excel format the NRP column as Text before typing)"
        )
    return message


def _validate(
    rows: list[PersonnelRow], *, actor: Personnel | None
) -> tuple[list[_Valid], list[ImportProblem]]:
    ranks = rank_matcher()  # one query
    units = UnitMatcher(
        Unit.objects.only("id", "code", "name", "kind", "parent_id", "path", "is_active")
    )  # one query
    scoped = actor is not None and not actor.is_admin
    valid: list[_Valid] = []
    problems: list[ImportProblem] = []
    first_line_of: dict[str, int] = {}
    for row in rows:
        reasons = list(row.problems)
        nrp = normalize_nrp(row.nrp)
        if not reasons:
            reason = _nrp_problem(row.nrp, nrp)
            if reason:
                reasons.append(reason)
            elif nrp in first_line_of:
                reasons.append(
                    _("NRP %(nrp)s also appears on line %(line)s")
                    % {"nrp": nrp, "line": first_line_of[nrp]}
                )
            else:
                first_line_of[nrp] = row.line
        if not row.name:
            reasons.append(_("NAMA is empty"))
        elif len(row.name) > NAME_MAX_LENGTH:
            reasons.append(_("NAMA is longer than %(max)s characters") % {"max": NAME_MAX_LENGTH})
        if row.position and len(row.position) > POSITION_MAX_LENGTH:
            reasons.append(
                _("JABATAN is longer than %(max)s characters") % {"max": POSITION_MAX_LENGTH}
            )
        rank = ranks.match(row.rank) if row.rank else None
        if not row.rank:
            reasons.append(_("PANGKAT is empty"))
        elif rank is None:
            reasons.append(_('unknown rank "%(rank)s"') % {"rank": row.rank})
        unit, unit_reason = _match_unit(units, row.unit)
        if unit_reason:
            reasons.append(unit_reason)
        elif scoped and not unit_is_visible_to(user=actor, unit=unit):
            reasons.append(
                _('unit "%(unit)s" is outside your area (%(area)s)')
                % {"unit": row.unit, "area": actor.unit.name}
            )
        if reasons:
            problems += [ImportProblem(line=row.line, message=reason) for reason in reasons]
            continue
        valid.append(
            _Valid(
                line=row.line,
                nrp=nrp,
                name=row.name,
                rank=rank,
                unit=unit,
                position=row.position,
            )
        )
    return valid, problems


def _match_unit(units: UnitMatcher, text: str) -> tuple[Unit | None, str | None]:
    if not text:
        return None, _("SATUAN is empty")
    match = units.match(text)
    if match.unit is not None:
        return match.unit, None
    if match.inactive:
        return None, _('unit "%(unit)s" is no longer active') % {"unit": text}
    if match.candidates:
        example = match.candidates[0]
        parent = units.parent_of(example)
        return None, _(
            'unit "%(unit)s" is ambiguous: it could be %(candidates)s. Write the unit code, or '
            'the name with its parent, e.g. "%(example)s"'
        ) % {
            "unit": text,
            "candidates": "; ".join(units.describe(unit) for unit in match.candidates),
            "example": f"{example.name}, {parent.name}" if parent else example.code,
        }
    return None, _(
        'unknown unit "%(unit)s": write the unit code (e.g. POLRES-SANGGAU) or its exact name'
    ) % {"unit": text}


def _chunks(items: list[str], size: int = LOOKUP_CHUNK) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _existing_by_nrp(nrps: list[str]) -> dict[str, dict[str, Any]]:
    existing: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(nrps):
        for values in Personnel.objects.filter(nrp__in=chunk).values(
            "id", "nrp", "name", "rank_id", "position", "unit_id", "unit__path", "unit__name"
        ):
            existing[values["nrp"]] = values
    return existing


# Roles whose records an Operator may not change through an import: the people who lead, train
# and administer. An Admin, or the Pimpinan of a unit above the person's, may.
PROTECTED_ROLES = (Role.ADMIN, Role.PIMPINAN, Role.PELATIH)


def _scope_problems(
    valid: list[_Valid],
    existing: dict[str, dict[str, Any]],
    *,
    actor: Personnel | None,
    has_position: bool,
) -> list[ImportProblem]:
    """An Operator may change only people already in their area; and a change to someone who
    holds a protected role (Admin, Pimpinan, Pelatih) is refused unless the Operator is also
    the Pimpinan of a unit above both the person's unit and the unit the row names. A row that
    changes nothing is never refused for the role (the whole unit's list may be re-imported)."""
    if actor is None or actor.is_admin:
        return []
    roles = _protected_roles_by_nrp(list(existing))
    problems = []
    for row in valid:
        current = existing.get(row.nrp)
        if current is None:
            continue
        held = roles.get(row.nrp, set())
        changes = bool(_changed_fields(row, current, has_position=has_position))
        if changes and Role.ADMIN in held:
            problems.append(
                ImportProblem(
                    line=row.line,
                    message=_("NRP %(nrp)s is an Admin account; only an Admin may change it")
                    % {"nrp": row.nrp},
                )
            )
        elif not path_contains(actor.unit, current["unit__path"]):
            problems.append(
                ImportProblem(
                    line=row.line,
                    message=_(
                        "NRP %(nrp)s belongs to %(unit)s, outside your area; ask an Admin to "
                        "record the transfer"
                    )
                    % {"nrp": row.nrp, "unit": current["unit__name"] or _("no unit")},
                )
            )
        elif changes and held and not _commands_above(actor, current["unit__path"], row.unit):
            problems.append(
                ImportProblem(
                    line=row.line,
                    message=_(
                        "NRP %(nrp)s holds the %(role)s role; only an Admin or the Pimpinan of "
                        "a unit above %(unit)s may change this record"
                    )
                    % {
                        "nrp": row.nrp,
                        "role": " / ".join(sorted(held)),
                        "unit": current["unit__name"],
                    },
                )
            )
    return problems


def _protected_roles_by_nrp(nrps: list[str]) -> dict[str, set[str]]:
    """NRP → the protected roles that person holds (a superuser counts as an Admin)."""
    held: dict[str, set[str]] = {}
    through = Personnel.groups.through
    for chunk in _chunks(nrps):
        for nrp, role in through.objects.filter(
            personnel__nrp__in=chunk, group__name__in=PROTECTED_ROLES
        ).values_list("personnel__nrp", "group__name"):
            held.setdefault(nrp, set()).add(role)
        for nrp in Personnel.objects.filter(nrp__in=chunk, is_superuser=True).values_list(
            "nrp", flat=True
        ):
            held.setdefault(nrp, set()).add(Role.ADMIN)
    return held


def _commands_above(actor: Personnel, current_path: str | None, target: Unit) -> bool:
    """True when `actor` is a Pimpinan whose unit lies strictly above both units."""
    if not actor.has_role(Role.PIMPINAN) or actor.unit is None:
        return False
    return all(
        path_contains(actor.unit, path) and path != actor.unit.path
        for path in (current_path, target.path)
    )


def _wanted(row: _Valid, *, has_position: bool) -> dict[str, Any]:
    """The fields an import writes for a row, with the row's values."""
    wanted: dict[str, Any] = {"name": row.name, "rank_id": row.rank.pk, "unit_id": row.unit.pk}
    if has_position:
        wanted["position"] = row.position or ""
    return wanted


def _changed_fields(row: _Valid, current: dict[str, Any], *, has_position: bool) -> list[str]:
    """The fields of `current` (an `_existing_by_nrp` value) the row would change."""
    wanted = _wanted(row, has_position=has_position)
    return [key for key, value in wanted.items() if current[key] != value]


@dataclass
class _Plan:
    to_create: list[_Valid] = field(default_factory=list)
    to_update: list[Personnel] = field(default_factory=list)
    changed_fields: set[str] = field(default_factory=set)
    unchanged: int = 0


def _plan(valid: list[_Valid], existing: dict[str, dict[str, Any]], *, has_position: bool) -> _Plan:
    """Split rows into people to create, people whose record changes, and a count of the rest."""
    plan = _Plan()
    for row in valid:
        current = existing.get(row.nrp)
        if current is None:
            plan.to_create.append(row)
            continue
        changed = _changed_fields(row, current, has_position=has_position)
        if not changed:
            plan.unchanged += 1
            continue
        plan.changed_fields.update(changed)
        # bulk_update writes only the listed fields, so a bare instance with the pk suffices;
        # every field is set because the listed fields are the union of all rows' changes.
        wanted = _wanted(row, has_position=has_position)
        plan.to_update.append(Personnel(pk=current["id"], nrp=row.nrp, **wanted))
    return plan


def _unusable_password() -> str:
    """What `make_password(None)` returns, without its 40 `secrets.choice` calls per person."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


@transaction.atomic
def _write(plan: _Plan) -> None:
    if plan.to_update:
        # Only the columns some row changes: a transfer list rewrites unit_id alone.
        fields = sorted(plan.changed_fields)
        Personnel.objects.bulk_update(plan.to_update, fields, batch_size=WRITE_BATCH)
    if not plan.to_create:
        return
    now = timezone.now()
    people = [
        Personnel(
            nrp=row.nrp,
            name=row.name,
            rank_id=row.rank.pk,
            unit_id=row.unit.pk,
            position=row.position or "",
            password=_unusable_password(),
            date_joined=now,
        )
        for row in plan.to_create
    ]
    Personnel.objects.bulk_create(people, batch_size=WRITE_BATCH)
    ids = [person.pk for person in people]
    if any(pk is None for pk in ids):  # backends that cannot return ids from a bulk insert
        ids = [
            pk
            for chunk in _chunks([row.nrp for row in plan.to_create])
            for pk in Personnel.objects.filter(nrp__in=chunk).values_list("pk", flat=True)
        ]
    peserta, _created = Group.objects.get_or_create(name=Role.PESERTA)
    through = Personnel.groups.through
    through.objects.bulk_create(
        [through(personnel_id=pk, group_id=peserta.pk) for pk in ids],
        batch_size=WRITE_BATCH,
        ignore_conflicts=True,
    )


def personnel_import_uploads_purge(*, older_than: timedelta | None = None) -> int:
    """Delete the lists kept in storage (`PENDING_DIR`) for a preview that nobody confirmed,
    older than `older_than` (default `PERSONNEL_IMPORT_PREVIEW_MAX_AGE_HOURS`). A later
    confirmation of a purged list asks for the file again. Returns how many files were
    deleted; a second run deletes nothing. Best effort: a storage that cannot list a folder
    keeps the files (and the failure is logged)."""
    if older_than is None:
        older_than = timedelta(hours=settings.PERSONNEL_IMPORT_PREVIEW_MAX_AGE_HOURS)
    cutoff = timezone.now() - older_than
    deleted = 0
    try:
        _dirs, files = default_storage.listdir(PENDING_DIR)
        for name in files:
            path = f"{PENDING_DIR}/{name}"
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                deleted += 1
    except (FileNotFoundError, NotImplementedError):
        pass
    except OSError:
        logger.warning("could not purge unconfirmed personnel lists", exc_info=True)
    return deleted
