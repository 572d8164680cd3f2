"""Zoom participant report import: analyse (no writes) → preview → apply.

Matching order for each report row: an NRP/NIP written anywhere in the display name → the
e-mail → the exact normalized name (rank prefixes, unit prefixes and academic titles stripped;
must be unique among the session's participants) → a manual decision saved for that Zoom name →
a vicon point whose "name shown in Zoom" is the row's name → unmatched.

Minutes are the union of a person's connections clipped to the scheduled session, so rejoins and
two devices never count twice. A person reaching `min_attendance_percent` of the session length
becomes HADIR (TERLAMBAT if first seen after start + grace) when they had no record yet or only
the automatic ALPA; below the minimum their status stays as it was. Re-importing the same file
yields the same values and therefore changes nothing.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.fields import id_or_none
from training.errors import ApplicationError
from training.models import Personnel, Rank
from training.uploads import UploadRefused, refuse_non_text

from ..importers.zoom import (
    ZoomReport,
    ZoomReportError,
    find_nrps,
    merge_intervals,
    normalize_person_name,
    parse_report,
)
from ..models import (
    Participant,
    TrainingSession,
    ViconConnection,
    ViconPoint,
    ZoomImport,
    ZoomNameMatch,
)
from ..selectors import participants_visible_to, session_can_manage, vicon_points_for
from ._common import announce_participants

Status = Participant.AttendanceStatus
# The default of settings.ZOOM_IMPORT_MAX_BYTES; `max_file_bytes()` is the limit in force.
MAX_FILE_BYTES = 10 * 1024 * 1024


def max_file_bytes() -> int:
    return getattr(settings, "ZOOM_IMPORT_MAX_BYTES", MAX_FILE_BYTES)


def zoom_report_too_large() -> ApplicationError:
    """The refusal for a report over the size limit (the API checks before reading the file)."""
    return _refusal(
        [(1, f"the file is larger than {max(1, max_file_bytes() // (1024 * 1024))} MB")]
    )


@dataclass
class MatchedPerson:
    participant_id: int
    name: str
    unit: str
    matched_by: str  # nrp, email, name, manual
    lines: list[int]
    minutes: int
    first_seen: str | None
    current_status: str
    new_status: str
    current_minutes: int | None
    changes: bool


@dataclass
class UnmatchedName:
    key: str
    name: str
    original_name: str
    email: str
    lines: list[int]
    minutes: int
    reason: str = "no match"


@dataclass
class ViconLine:
    vicon_point_id: int
    name: str
    zoom_name: str
    lines: list[int]
    minutes: int
    changes: bool


@dataclass
class ImportPlan:
    session_id: int
    rows: int
    layout: str
    meeting_id: str
    threshold_minutes: int
    matched: list[MatchedPerson] = field(default_factory=list)
    unmatched: list[UnmatchedName] = field(default_factory=list)
    vicon: list[ViconLine] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def to_change(self) -> int:
        return sum(1 for m in self.matched if m.changes) + sum(1 for v in self.vicon if v.changes)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["to_change"] = self.to_change
        return data


def name_key(display: str, original: str = "") -> str:
    """The key under which a Zoom name is remembered for manual matching."""
    text = f"{display} ({original})" if original else display
    return re.sub(r"\s+", " ", text).strip().casefold()[:255]


def _refusal(problems: list[tuple[int, str]]) -> ApplicationError:
    shown = "; ".join(f"line {line}: {message}" for line, message in problems[:20])
    more = len(problems) - 20
    text = _("The file was refused and nothing was written. %(problems)s") % {"problems": shown}
    if more > 0:
        text += " " + _("(and %(count)d more)") % {"count": more}
    return ApplicationError(
        text, extra={"problems": [{"line": line, "message": msg} for line, msg in problems]}
    )


def _rank_words() -> set[str]:
    words: set[str] = set()
    for rank in Rank.objects.all():
        words |= rank.match_keys()
    return words


def _session_tz(session: TrainingSession) -> ZoneInfo:
    return ZoneInfo(session.host_unit.timezone)


def _zoom_may_set_status(participant: Participant) -> bool:
    """A report only fills an empty record or upgrades the automatic ALPA: operator and self
    records are kept."""
    return participant.attendance_status == "" or (
        participant.attendance_status == Status.ALPA
        and participant.attendance_source == Participant.Source.SYSTEM
    )


def zoom_report_analyse(
    *, session: TrainingSession, content: bytes, tz: ZoneInfo | None = None
) -> tuple[ImportPlan, ZoomReport]:
    """Parse and match a report against the session's participants. Reads only.

    Raises ApplicationError (with `extra["problems"]`, line-numbered) when the file is refused.
    """
    if len(content) > max_file_bytes():
        raise zoom_report_too_large()
    try:
        refuse_non_text(content[:8192])
    except UploadRefused as exc:
        raise _refusal([(1, exc.message)]) from exc
    tz = tz or _session_tz(session)
    try:
        report = parse_report(content, tz=tz, date_hint=session.start_at.astimezone(tz).date())
    except ZoomReportError as exc:
        raise _refusal(exc.problems) from exc
    if (
        report.meeting_id
        and session.zoom_meeting_id
        and report.meeting_id != session.zoom_meeting_id
    ):
        raise _refusal(
            [
                (
                    report.header_line - 1 if report.header_line > 1 else 1,
                    f"this report is for Zoom meeting {report.meeting_id}, "
                    f"but the session's meeting is {session.zoom_meeting_id}",
                )
            ]
        )

    participants = list(
        Participant.objects.filter(session=session).select_related(
            "personnel", "personnel__rank", "unit"
        )
    )
    by_nrp = {p.personnel.nrp: p for p in participants}
    by_email: dict[str, list[Participant]] = defaultdict(list)
    by_name: dict[str, list[Participant]] = defaultdict(list)
    ranks = frozenset(_rank_words())
    normalized: dict[str, str] = {}

    def norm(text: str) -> str:
        if text not in normalized:
            normalized[text] = normalize_person_name(text, rank_words=ranks)
        return normalized[text]

    for p in participants:
        if p.personnel.email:
            by_email[p.personnel.email.strip().lower()].append(p)
        by_name[norm(p.personnel.name)].append(p)
    by_pk = {p.pk: p for p in participants}
    manual = {m.name_key: m for m in ZoomNameMatch.objects.filter(session=session)}
    vicon_by_name = {
        re.sub(r"\s+", " ", v.zoom_display_name).strip().casefold(): v
        for v in ViconPoint.objects.filter(is_active=True).exclude(zoom_display_name="")
    }
    vicon_by_pk: dict[int, ViconPoint] = {}

    person_rows: dict[int, list] = defaultdict(list)
    person_how: dict[int, str] = {}
    vicon_rows: dict[int, list] = defaultdict(list)
    unmatched_rows: dict[str, list] = defaultdict(list)
    unmatched_reason: dict[str, str] = {}
    for row in report.rows:
        key = name_key(row.name, row.original_name)
        found, how = None, ""
        for nrp in find_nrps(f"{row.name} {row.original_name}"):
            if nrp in by_nrp:
                found, how = by_nrp[nrp], "nrp"
                break
        if found is None and row.email and len(by_email.get(row.email, [])) == 1:
            found, how = by_email[row.email][0], "email"
        if found is None:
            for candidate in (row.name, row.original_name):
                key_name = norm(candidate)
                if not key_name:
                    continue
                hits = by_name.get(key_name, [])
                if len(hits) == 1:
                    found, how = hits[0], "name"
                    break
                if len(hits) > 1:
                    unmatched_reason[key] = "ambiguous name"
        if found is None and key in manual:
            decision = manual[key]
            if decision.participant_id and decision.participant_id in by_pk:
                found, how = by_pk[decision.participant_id], "manual"
            elif decision.vicon_point_id:
                vicon_rows[decision.vicon_point_id].append(row)
                vicon_by_pk[decision.vicon_point_id] = decision.vicon_point
                continue
        if found is None:
            simple = re.sub(r"\s+", " ", row.name).strip().casefold()
            if simple in vicon_by_name:
                vicon = vicon_by_name[simple]
                vicon_rows[vicon.pk].append(row)
                vicon_by_pk[vicon.pk] = vicon
                continue
            unmatched_rows[key].append(row)
            continue
        person_rows[found.pk].append(row)
        person_how.setdefault(found.pk, how)

    window = (session.start_at, session.end_at)
    threshold = math.ceil(session.duration_minutes * session.min_attendance_percent / 100)
    plan = ImportPlan(
        session_id=session.pk,
        rows=len(report.rows),
        layout=report.layout,
        meeting_id=report.meeting_id,
        threshold_minutes=threshold,
        skipped=[{"line": line, "reason": reason} for line, reason in report.skipped],
    )
    for pk, rows in person_rows.items():
        p = by_pk[pk]
        minutes, first = merge_intervals(((r.join, r.leave) for r in rows), window=window)
        new_status = p.attendance_status
        if _zoom_may_set_status(p) and minutes >= threshold and minutes > 0:
            new_status = Status.TERLAMBAT if first and first > session.late_after else Status.HADIR
        plan.matched.append(
            MatchedPerson(
                participant_id=pk,
                name=str(p.personnel),
                unit=p.unit.name,
                matched_by=person_how[pk],
                lines=[r.line for r in rows],
                minutes=minutes,
                first_seen=first.isoformat() if first else None,
                current_status=p.attendance_status,
                new_status=new_status,
                current_minutes=p.minutes_attended,
                changes=new_status != p.attendance_status or minutes != p.minutes_attended,
            )
        )
    plan.matched.sort(key=lambda m: (m.unit, m.name))
    existing_vicon = {c.vicon_point_id: c for c in ViconConnection.objects.filter(session=session)}
    for vpk, rows in vicon_rows.items():
        minutes, _first = merge_intervals(((r.join, r.leave) for r in rows), window=window)
        zoom_name = rows[0].name
        current = existing_vicon.get(vpk)
        plan.vicon.append(
            ViconLine(
                vicon_point_id=vpk,
                name=vicon_by_pk[vpk].name,
                zoom_name=zoom_name,
                lines=[r.line for r in rows],
                minutes=minutes,
                changes=current is None
                or current.minutes != minutes
                or current.zoom_name != zoom_name,
            )
        )
    for key, rows in unmatched_rows.items():
        minutes, _first = merge_intervals(((r.join, r.leave) for r in rows), window=window)
        plan.unmatched.append(
            UnmatchedName(
                key=key,
                name=rows[0].name,
                original_name=rows[0].original_name,
                email=rows[0].email,
                lines=[r.line for r in rows],
                minutes=minutes,
                reason=unmatched_reason.get(key, "no match"),
            )
        )
    if report.rows and all(
        r.leave <= session.start_at or r.join >= session.end_at for r in report.rows
    ):
        plan.warnings.append(
            _("No connection in this report overlaps the session's scheduled time.")
        )
    return plan, report


@transaction.atomic
def zoom_plan_apply(
    *,
    session: TrainingSession,
    plan: ImportPlan,
    user: Personnel | None,
    now: datetime | None = None,
) -> dict:
    """Write what `zoom_report_analyse` planned. Only rows whose values differ are written.

    The plan was made without locks, so each row is decided again under its row lock: a record
    made meanwhile by an operator or a self check-in is kept (the minutes are still stored), as
    the analysis would have kept it; an ALPA the sweep wrote meanwhile is upgraded."""
    now = now or timezone.now()
    wanted = {m.participant_id: m for m in plan.matched if m.changes}
    # Only the participant rows (the default ordering joins the session, units and people,
    # which a plain FOR UPDATE would lock too), in the primary-key order every bulk locker uses.
    rows = list(
        Participant.objects.select_for_update(of=("self",))
        .filter(session=session, pk__in=list(wanted))
        .order_by("pk")
    )
    changed: list[int] = []
    by_status: dict[str, list[int]] = defaultdict(list)
    by_minutes: dict[int, list[int]] = defaultdict(list)
    for p in rows:
        m = wanted[p.pk]
        new_status = p.attendance_status
        if m.new_status != m.current_status and _zoom_may_set_status(p):
            new_status = m.new_status
        if p.attendance_status == new_status and p.minutes_attended == m.minutes:
            continue
        if p.attendance_status != new_status:
            by_status[new_status].append(p.pk)
        if p.minutes_attended != m.minutes:
            by_minutes[m.minutes].append(p.pk)
        changed.append(p.pk)
    # Grouped UPDATEs (a few statuses, at most one per distinct minute count): far cheaper than
    # bulk_update's per-row CASE expressions for thousands of rows.
    for new_status, pks in by_status.items():
        for start in range(0, len(pks), 500):
            Participant.objects.filter(pk__in=pks[start : start + 500]).update(
                attendance_status=new_status,
                attendance_source=Participant.Source.ZOOM,
                recorded_by=user,
                recorded_at=now,
            )
    for minutes, pks in by_minutes.items():
        for start in range(0, len(pks), 500):
            Participant.objects.filter(pk__in=pks[start : start + 500]).update(
                minutes_attended=minutes
            )
    vicon_changed = 0
    for line in plan.vicon:
        if not line.changes:
            continue
        ViconConnection.objects.update_or_create(
            session=session,
            vicon_point_id=line.vicon_point_id,
            defaults={"zoom_name": line.zoom_name, "minutes": line.minutes},
        )
        vicon_changed += 1
    announce_participants(changed)
    return {
        "participants_changed": len(changed),
        "vicon_changed": vicon_changed,
        "matched": len(plan.matched),
        "unmatched": len(plan.unmatched),
    }


def _check_can_import(*, session: TrainingSession, user: Personnel | None) -> None:
    if user is not None and not session_can_manage(user=user, session=session):
        raise ApplicationError(_("You cannot import attendance for this session."))
    if session.status in (TrainingSession.Status.DRAFT, TrainingSession.Status.CANCELLED):
        raise ApplicationError(_("Zoom reports can only be imported for a published session."))
    if not session.has_started():
        raise ApplicationError(_("The session has not started yet."))


def zoom_report_import(
    *,
    session: TrainingSession,
    content: bytes,
    user: Personnel | None = None,
    dry_run: bool = False,
    tz: ZoneInfo | None = None,
) -> tuple[ImportPlan, dict | None]:
    """Analyse and (unless `dry_run`) apply a report in one step (command line, API)."""
    _check_can_import(session=session, user=user)
    plan, _report = zoom_report_analyse(session=session, content=content, tz=tz)
    if dry_run:
        return plan, None
    return plan, zoom_plan_apply(session=session, plan=plan, user=user)


def zoom_import_preview(
    *, session: TrainingSession, user: Personnel, filename: str, content: bytes
) -> tuple[ZoomImport, ImportPlan]:
    """Check the file and keep it for confirmation. A refused file leaves no row behind."""
    _check_can_import(session=session, user=user)
    plan, _report = zoom_report_analyse(session=session, content=content)
    upload = ZoomImport.objects.create(
        session=session,
        filename=(filename or "")[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_by=user,
        result=plan.as_dict(),
    )
    return upload, plan


@transaction.atomic
def zoom_import_confirm(
    *,
    upload: ZoomImport,
    user: Personnel,
    decisions: dict[str, str] | None = None,
) -> dict:
    """Apply a previewed upload, saving manual decisions for unmatched names first.

    `decisions` maps an unmatched name key to "p<participant id>" or "v<vicon point id>".
    The upload is claimed (preview → applied) with a conditional UPDATE, so a double submit
    applies once.
    """
    session = upload.session
    _check_can_import(session=session, user=user)
    claimed = ZoomImport.objects.filter(pk=upload.pk, status=ZoomImport.Status.PREVIEW).update(
        status=ZoomImport.Status.APPLIED, applied_at=timezone.now()
    )
    if not claimed:
        raise ApplicationError(_("This upload has already been applied or discarded."))
    # Both sets come from the scoped selectors: an id outside them is refused unseen.
    participants = set(
        participants_visible_to(user=user, session=session).values_list("pk", flat=True)
    )
    allowed_vicon = set(vicon_points_for(user=user).values_list("pk", flat=True))
    for key, choice in (decisions or {}).items():
        if not choice:
            continue
        kind, target = choice[:1], id_or_none(choice[1:])
        if target is None or kind not in ("p", "v"):
            raise ApplicationError(_("Invalid choice for %(name)s.") % {"name": key[:255]})
        if kind == "p" and target not in participants:
            raise ApplicationError(_("That person is not a participant of this session."))
        if kind == "v" and target not in allowed_vicon:
            raise ApplicationError(_("That vicon point is not one of your units' rooms."))
        ZoomNameMatch.objects.update_or_create(
            session=session,
            name_key=key[:255],
            defaults={
                "participant_id": target if kind == "p" else None,
                "vicon_point_id": target if kind == "v" else None,
                "decided_by": user,
            },
        )
    plan, _report = zoom_report_analyse(session=session, content=bytes(upload.content))
    result = zoom_plan_apply(session=session, plan=plan, user=user)
    upload.result = {**plan.as_dict(), "applied": result}
    upload.save(update_fields=["result"])
    return result


def zoom_import_previews_purge(*, older_than: timedelta | None = None) -> int:
    """Delete uploads kept for a preview that nobody confirmed (or that were discarded) and are
    older than `older_than` (default `SESSIONS_ZOOM_PREVIEW_MAX_AGE_HOURS`); the report's bytes
    live in the row, so this removes them too. Applied imports stay: their `result` records
    what the import changed. Returns how many were deleted; a second run deletes nothing.

    Safe beside a confirmation: the purge deletes only rows still in preview, and confirming
    claims the row with a conditional UPDATE, so either the confirmation wins (the row is
    applied and kept) or it finds the preview gone and asks for the file again."""
    if older_than is None:
        older_than = timedelta(hours=settings.SESSIONS_ZOOM_PREVIEW_MAX_AGE_HOURS)
    deleted, _by_model = ZoomImport.objects.filter(
        status__in=[ZoomImport.Status.PREVIEW, ZoomImport.Status.DISCARDED],
        created_at__lt=timezone.now() - older_than,
    ).delete()
    return deleted
