"""Scheduling: create, edit, publish and cancel sessions; keep the invitation list in step."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.scope import subtree_q
from training.errors import ApplicationError
from training.models import Module, Personnel, Unit
from training.selectors import modules_visible_to, personnel_visible_to, unit_is_visible_to

from ..models import Participant, Presenter, SessionInvitedUnit, SessionModule, TrainingSession
from ..selectors import session_can_manage, user_can_schedule_in
from ..zoom import normalize_meeting_id, parse_join_url

PASSCODE_RE = re.compile(r"^[A-Za-z0-9@_*.\-]{1,32}$")
OPTION_FIELDS = (
    "checkin_opens_before",
    "checkin_grace",
    "checkin_closes_after_end",
    "min_attendance_percent",
    "reminder_minutes_before",
)
# Changing these changes the calendar event: bump the RFC 5545 SEQUENCE.
EVENT_FIELDS = {"title", "description", "start_at", "end_at", "zoom_join_url", "status"}


@dataclass(frozen=True)
class PresenterInput:
    personnel: Personnel | None = None
    guest_name: str = ""
    guest_title: str = ""


@dataclass(frozen=True)
class SyncResult:
    added: int = 0
    removed: int = 0
    moved: int = 0
    frozen: bool = False


def _clean_zoom(*, url: str, meeting_id: str, passcode: str) -> tuple[str, str, str]:
    url, meeting_id, passcode = (url or "").strip(), (meeting_id or "").strip(), passcode or ""
    passcode = passcode.strip()
    link_id = ""
    if url:
        link_id = parse_join_url(url).meeting_id
    if meeting_id:
        meeting_id = normalize_meeting_id(meeting_id)
        if link_id and link_id != meeting_id:
            raise ApplicationError(
                _("The meeting ID %(id)s does not match the one in the Zoom link (%(link)s).")
                % {"id": meeting_id, "link": link_id}
            )
    else:
        meeting_id = link_id
    if passcode and not PASSCODE_RE.match(passcode):
        raise ApplicationError(
            _("A Zoom passcode has up to 32 letters, digits or the characters @ _ * - .")
        )
    return url, meeting_id, passcode


def _check_times(start_at: datetime, end_at: datetime) -> None:
    if timezone.is_naive(start_at) or timezone.is_naive(end_at):
        raise ApplicationError(_("Start and end times need a time zone."))
    if end_at <= start_at:
        raise ApplicationError(_("The session must end after it starts."))
    if (end_at - start_at).total_seconds() > 24 * 3600:
        raise ApplicationError(_("A session cannot last longer than 24 hours."))


def _check_options(options: dict) -> None:
    unknown = set(options) - set(OPTION_FIELDS)
    if unknown:
        raise ApplicationError(_("Unknown session option: %(name)s") % {"name": sorted(unknown)[0]})
    for name, value in options.items():
        if not isinstance(value, int) or value < 0 or value > 24 * 60:
            raise ApplicationError(
                _("%(name)s must be a whole number of minutes between 0 and 1440.") % {"name": name}
            )
    if options.get("min_attendance_percent", 0) > 100:
        raise ApplicationError(_("The minimum attendance is a percentage between 0 and 100."))


def _check_units(*, user: Personnel, units: Sequence[Unit]) -> None:
    for unit in units:
        if not unit_is_visible_to(user=user, unit=unit):
            raise ApplicationError(
                _("You cannot invite %(unit)s: it is outside your units.") % {"unit": unit.name}
            )


def _check_personnel(
    *, user: Personnel, people: Iterable[Personnel | None], keep: Collection[int] = ()
) -> None:
    """Leaders and presenters come from the user's scope (`personnel_visible_to`); someone
    outside it is refused as if there were no such NRP. `keep`: people already on the session
    (named by someone with a wider scope), who may stay when it is edited."""
    wanted = {p.pk: p for p in people if p is not None and p.pk not in keep}
    if not wanted:
        return
    allowed = set(
        personnel_visible_to(user=user).filter(pk__in=wanted).values_list("pk", flat=True)
    )
    for pk, person in wanted.items():
        if pk not in allowed:
            raise ApplicationError(_("No personnel with NRP %(nrp)s.") % {"nrp": person.nrp})


def _check_modules(
    *, user: Personnel, modules: Iterable[Module], keep: Collection[int] = ()
) -> None:
    """Modules come from the user's curriculum (`modules_visible_to`); others "do not exist"."""
    wanted = {m.pk: m for m in modules if m.pk not in keep}
    if not wanted:
        return
    allowed = set(modules_visible_to(user=user).filter(pk__in=wanted).values_list("pk", flat=True))
    for pk, module in wanted.items():
        if pk not in allowed:
            raise ApplicationError(_("No module with code %(code)s.") % {"code": module.code})


def _presenter_people(presenters: Iterable[PresenterInput]) -> list[Personnel | None]:
    return [item.personnel for item in presenters]


def _set_presenters(session: TrainingSession, presenters: Sequence[PresenterInput]) -> None:
    session.presenters.all().delete()
    rows = []
    for order, item in enumerate(presenters):
        if item.personnel is None and not item.guest_name.strip():
            raise ApplicationError(_("Each presenter needs a personnel or a guest name."))
        if len(item.guest_name.strip()) > 200 or len(item.guest_title.strip()) > 200:
            raise ApplicationError(_("A guest's name and title have at most 200 characters each."))
        rows.append(
            Presenter(
                session=session,
                order=order,
                personnel=item.personnel,
                guest_name="" if item.personnel else item.guest_name.strip(),
                guest_title=item.guest_title.strip(),
            )
        )
    Presenter.objects.bulk_create(rows)


def _set_modules(session: TrainingSession, modules: Sequence[Module]) -> None:
    session.session_modules.all().delete()
    seen, rows = set(), []
    for module in modules:
        if module.pk in seen:
            continue
        seen.add(module.pk)
        rows.append(SessionModule(session=session, module=module, order=len(rows)))
    SessionModule.objects.bulk_create(rows)


def _set_invited_units(session: TrainingSession, units: Sequence[Unit]) -> None:
    wanted = {unit.pk for unit in units}
    session.session_invited_units.exclude(unit_id__in=wanted).delete()
    existing = set(session.session_invited_units.values_list("unit_id", flat=True))
    SessionInvitedUnit.objects.bulk_create(
        [SessionInvitedUnit(session=session, unit_id=pk) for pk in wanted - existing]
    )


@transaction.atomic
def session_create(
    *,
    user: Personnel,
    title: str,
    host_unit: Unit,
    start_at: datetime,
    end_at: datetime,
    description: str = "",
    led_by: Personnel | None = None,
    zoom_join_url: str = "",
    zoom_meeting_id: str = "",
    zoom_passcode: str = "",
    invited_units: Sequence[Unit] = (),
    modules: Sequence[Module] = (),
    presenters: Sequence[PresenterInput] = (),
    options: dict | None = None,
) -> TrainingSession:
    """Create a draft session. Requires a Pelatih whose subtree holds `host_unit` (or an admin);
    invited units, the leader, presenters who are personnel and modules must lie in the user's
    scope (anyone or anything outside it is refused as unknown)."""
    if not user_can_schedule_in(user=user, unit=host_unit):
        raise ApplicationError(
            _("You cannot schedule sessions for %(unit)s.") % {"unit": host_unit}
        )
    if not (title or "").strip():
        raise ApplicationError(_("The session needs a title."))
    _check_times(start_at, end_at)
    options = options or {}
    _check_options(options)
    _check_units(user=user, units=invited_units)
    _check_personnel(user=user, people=[led_by, *_presenter_people(presenters)])
    _check_modules(user=user, modules=modules)
    url, meeting_id, passcode = _clean_zoom(
        url=zoom_join_url, meeting_id=zoom_meeting_id, passcode=zoom_passcode
    )
    session = TrainingSession.objects.create(
        title=title.strip(),
        description=description or "",
        host_unit=host_unit,
        start_at=start_at,
        end_at=end_at,
        led_by=led_by,
        zoom_join_url=url,
        zoom_meeting_id=meeting_id,
        zoom_passcode=passcode,
        created_by=user,
        **options,
    )
    _set_invited_units(session, invited_units)
    _set_modules(session, modules)
    _set_presenters(session, presenters)
    return session


@transaction.atomic
def session_update(
    *,
    session: TrainingSession,
    user: Personnel,
    invited_units: Sequence[Unit] | None = None,
    modules: Sequence[Module] | None = None,
    presenters: Sequence[PresenterInput] | None = None,
    now: datetime | None = None,
    **fields,
) -> TrainingSession:
    """Edit a session that is not finished or cancelled. Changing the invited units after the
    start is refused (the list is frozen then). A published session that has not started gets
    its participant list re-synchronised. A new leader, presenter, module or invited unit must
    lie in the user's scope, as in `session_create`; those already on the session may stay."""
    now = now or timezone.now()
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if not session_can_manage(user=user, session=session):
        raise PermissionDenied(_("You cannot edit this session."))
    if session.status in (TrainingSession.Status.FINISHED, TrainingSession.Status.CANCELLED):
        raise ApplicationError(_("A finished or cancelled session cannot be edited."))
    allowed = {
        "title",
        "description",
        "start_at",
        "end_at",
        "led_by",
        "zoom_join_url",
        "zoom_meeting_id",
        "zoom_passcode",
        "host_unit",
        *OPTION_FIELDS,
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ApplicationError(_("Unknown session field: %(name)s") % {"name": sorted(unknown)[0]})
    if "host_unit" in fields and not user_can_schedule_in(user=user, unit=fields["host_unit"]):
        raise ApplicationError(
            _("You cannot schedule sessions for %(unit)s.") % {"unit": fields["host_unit"]}
        )
    _check_options({k: v for k, v in fields.items() if k in OPTION_FIELDS})
    if fields.get("led_by") is not None:
        _check_personnel(user=user, people=[fields["led_by"]], keep={session.led_by_id})
    if presenters is not None:
        current = set(session.presenters.values_list("personnel_id", flat=True))
        _check_personnel(user=user, people=_presenter_people(presenters), keep=current)
    if modules is not None:
        current = set(session.session_modules.values_list("module_id", flat=True))
        _check_modules(user=user, modules=modules, keep=current)
    if "title" in fields and not (fields["title"] or "").strip():
        raise ApplicationError(_("The session needs a title."))
    _check_times(fields.get("start_at", session.start_at), fields.get("end_at", session.end_at))
    if {"zoom_join_url", "zoom_meeting_id", "zoom_passcode"} & set(fields):
        url, meeting_id, passcode = _clean_zoom(
            url=fields.get("zoom_join_url", session.zoom_join_url),
            meeting_id=fields.get("zoom_meeting_id", session.zoom_meeting_id)
            if "zoom_meeting_id" in fields or "zoom_join_url" not in fields
            else "",
            passcode=fields.get("zoom_passcode", session.zoom_passcode),
        )
        fields.update(zoom_join_url=url, zoom_meeting_id=meeting_id, zoom_passcode=passcode)
    changed = [name for name, value in fields.items() if getattr(session, name) != value]
    for name in changed:
        setattr(session, name, fields[name])
    if EVENT_FIELDS & set(changed):
        session.ics_sequence += 1
        changed.append("ics_sequence")
    if changed:
        session.save(update_fields=[*changed, "updated_at"])
    if invited_units is not None:
        current = set(session.session_invited_units.values_list("unit_id", flat=True))
        if current != {u.pk for u in invited_units}:
            if session.is_published and session.has_started(now):
                raise ApplicationError(
                    _(
                        "The session has started, so its participant list is frozen. "
                        "Add late participants one by one instead."
                    )
                )
            _check_units(user=user, units=[u for u in invited_units if u.pk not in current])
            _set_invited_units(session, invited_units)
    if modules is not None:
        _set_modules(session, modules)
    if presenters is not None:
        _set_presenters(session, presenters)
    if session.status == TrainingSession.Status.SCHEDULED:
        session_participants_sync(session=session, now=now)
    return session


@transaction.atomic
def session_publish(
    *, session: TrainingSession, user: Personnel, now: datetime | None = None
) -> TrainingSession:
    """Draft → scheduled: invite every active personnel of the invited subtrees."""
    now = now or timezone.now()
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if not session_can_manage(user=user, session=session):
        raise PermissionDenied(_("You cannot publish this session."))
    if session.status != TrainingSession.Status.DRAFT:
        raise ApplicationError(_("Only a draft session can be published."))
    if session.has_started(now):
        raise ApplicationError(_("This session has already started; change its times first."))
    if not session.session_invited_units.exists():
        raise ApplicationError(_("Invite at least one unit before publishing."))
    session.status = TrainingSession.Status.SCHEDULED
    session.published_at = now
    session.ics_sequence += 1
    session.save(update_fields=["status", "published_at", "ics_sequence", "updated_at"])
    session_participants_sync(session=session, now=now)
    return session


@transaction.atomic
def session_cancel(*, session: TrainingSession, user: Personnel, reason: str) -> TrainingSession:
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if not session_can_manage(user=user, session=session):
        raise PermissionDenied(_("You cannot cancel this session."))
    if session.status in (TrainingSession.Status.FINISHED, TrainingSession.Status.CANCELLED):
        raise ApplicationError(_("This session is already finished or cancelled."))
    if not (reason or "").strip():
        raise ApplicationError(_("Give a reason for cancelling."))
    session.status = TrainingSession.Status.CANCELLED
    session.cancel_reason = reason.strip()
    session.ics_sequence += 1
    session.save(update_fields=["status", "cancel_reason", "ics_sequence", "updated_at"])
    return session


def _eligible_q(session: TrainingSession) -> Q:
    q = Q(pk__in=[])
    for path in session.invited_units.values_list("path", flat=True):
        q |= subtree_q(path, via="unit")
    return q


@transaction.atomic
def session_participants_sync(
    *, session: TrainingSession, now: datetime | None = None
) -> SyncResult:
    """Bring the participant list of a scheduled session that has not started in line with its
    invited units: add newly eligible active personnel (with their current unit), move people
    transferred within the invited subtrees, remove those no longer eligible (unless added by
    hand or already recorded). Frozen (no change) once the session has started."""
    now = now or timezone.now()
    if session.status != TrainingSession.Status.SCHEDULED or session.has_started(now):
        return SyncResult(frozen=True)
    eligible = dict(
        Personnel.objects.filter(is_active=True, unit__isnull=False)
        .filter(_eligible_q(session))
        .values_list("pk", "unit_id")
    )
    existing = {
        personnel_id: (pk, unit_id, keep)
        for pk, personnel_id, unit_id, keep in Participant.objects.filter(
            session=session
        ).values_list("pk", "personnel_id", "unit_id", "added_late")
    }
    recorded = set(
        Participant.objects.filter(session=session)
        .exclude(attendance_status="")
        .values_list("personnel_id", flat=True)
    )
    new = [
        Participant(session=session, personnel_id=pid, unit_id=unit_id, invited_at=now)
        for pid, unit_id in eligible.items()
        if pid not in existing
    ]
    Participant.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    gone = [
        pk
        for pid, (pk, _unit, keep) in existing.items()
        if pid not in eligible and not keep and pid not in recorded
    ]
    Participant.objects.filter(pk__in=gone).delete()
    moves: dict[int, list[int]] = defaultdict(list)
    for pid, (pk, unit_id, _keep) in existing.items():
        if pid in eligible and eligible[pid] != unit_id:
            moves[eligible[pid]].append(pk)
    for unit_id, pks in moves.items():
        Participant.objects.filter(pk__in=pks).update(unit_id=unit_id)
    return SyncResult(added=len(new), removed=len(gone), moved=sum(len(v) for v in moves.values()))


def personnel_sessions_sync(*, personnel: Personnel, now: datetime | None = None) -> int:
    """Re-synchronise the upcoming sessions that concern one person (after a transfer, a new
    hire or a deactivation). Returns the number of sessions looked at."""
    now = now or timezone.now()
    upcoming = TrainingSession.objects.filter(
        status=TrainingSession.Status.SCHEDULED, start_at__gt=now
    )
    q = Q(participants__personnel=personnel)
    if personnel.unit_id:
        unit = personnel.unit
        q |= Q(session_invited_units__unit_id__in=[*unit.ancestor_ids, unit.pk])
    sessions = list(upcoming.filter(q).distinct())
    for session in sessions:
        session_participants_sync(session=session, now=now)
    return len(sessions)


def upcoming_sessions_sync(*, now: datetime | None = None) -> int:
    """Re-synchronise every scheduled session that has not started (a periodic safety net for
    changes made without signals, e.g. bulk imports of personnel)."""
    now = now or timezone.now()
    count = 0
    for session in TrainingSession.objects.filter(
        status=TrainingSession.Status.SCHEDULED, start_at__gt=now
    ):
        session_participants_sync(session=session, now=now)
        count += 1
    return count


@transaction.atomic
def participant_add_late(
    *,
    session: TrainingSession,
    user: Personnel,
    personnel: Personnel,
    now: datetime | None = None,
) -> Participant:
    """A trainer adds one person explicitly (also after the start, when the list is frozen).
    The person must lie in the trainer's scope (`personnel_visible_to`); anyone else is refused
    as if there were no such NRP."""
    now = now or timezone.now()
    if not session_can_manage(user=user, session=session):
        raise PermissionDenied(_("You cannot add participants to this session."))
    _check_personnel(user=user, people=[personnel])
    if session.status in (TrainingSession.Status.DRAFT, TrainingSession.Status.CANCELLED):
        raise ApplicationError(_("Participants can only be added to a published session."))
    if not personnel.is_active or personnel.unit_id is None:
        raise ApplicationError(_("Only active personnel with a unit can be added."))
    participant, created = Participant.objects.get_or_create(
        session=session,
        personnel=personnel,
        defaults={
            "unit_id": personnel.unit_id,
            "invited_at": now,
            "added_late": True,
        },
    )
    if not created:
        raise ApplicationError(
            _("%(name)s is already a participant of this session.") % {"name": personnel.name}
        )
    return participant


def session_statuses_advance(*, now: datetime | None = None) -> dict[str, int]:
    """scheduled → live at the start, scheduled/live → finished at the end. Idempotent."""
    now = now or timezone.now()
    status = TrainingSession.Status
    finished = TrainingSession.objects.filter(
        status__in=(status.SCHEDULED, status.LIVE), end_at__lte=now
    ).update(status=status.FINISHED, updated_at=now)
    live = TrainingSession.objects.filter(
        status=status.SCHEDULED, start_at__lte=now, end_at__gt=now
    ).update(status=status.LIVE, updated_at=now)
    return {"live": live, "finished": finished}
