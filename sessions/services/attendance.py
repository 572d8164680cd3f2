"""Attendance: self check-in, operator marking, quiz results, the ALPA sweep and reminders."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.fields import id_or_none
from training.errors import ApplicationError
from training.models import Personnel

from ..models import Participant, TrainingSession
from ..selectors import participants_markable_by, user_can_mark_attendance, vicon_points_for
from ..timefmt import format_local
from ._common import announce_participants

logger = logging.getLogger(__name__)
Status = Participant.AttendanceStatus
OPEN_STATES = (TrainingSession.Status.SCHEDULED, TrainingSession.Status.LIVE)
RECORDABLE_STATES = (*OPEN_STATES, TrainingSession.Status.FINISHED)


def participant_check_in(
    *,
    session: TrainingSession,
    user: Personnel,
    now: datetime | None = None,
    participant: Participant | None = None,
) -> tuple[Participant, bool]:
    """Record the user's own attendance: HADIR, or TERLAMBAT after start + grace.

    Allowed from `checkin_opens_before` minutes before the start until the end (plus
    `checkin_closes_after_end`). One record per person whatever the number of clicks or
    concurrent requests: the write is a conditional UPDATE on an empty status, so only one
    request can win. `participant` (the user's own row, if the caller already loaded it) saves a
    query. Returns (participant, recorded_now).
    """
    now = now or timezone.now()
    if (
        participant is None
        or participant.session_id != session.pk
        or (participant.personnel_id != user.pk)
    ):
        participant = Participant.objects.filter(session=session, personnel=user).first()
    if participant is None:
        raise ApplicationError(_("You are not invited to this session."))
    if session.status not in OPEN_STATES:
        raise ApplicationError(
            _("Check-in is not possible: the session is %(status)s.")
            % {"status": session.get_status_display().lower()}
        )
    if now < session.checkin_opens_at:
        raise ApplicationError(
            _("Check-in opens at %(time)s.")
            % {
                "time": format_local(
                    session.checkin_opens_at, user.unit.timezone if user.unit_id else None
                )
            }
        )
    if now > session.checkin_closes_at:
        raise ApplicationError(_("Check-in has closed for this session."))
    status = Status.TERLAMBAT if now > session.late_after else Status.HADIR
    # One statement, atomic on its own: only the request that still sees an empty status wins.
    won = Participant.objects.filter(pk=participant.pk, attendance_status="").update(
        attendance_status=status,
        attendance_source=Participant.Source.SELF,
        recorded_by=user,
        recorded_at=now,
        checked_in_at=now,
    )
    if won:
        announce_participants([participant.pk])  # after the caller's commit, if any
    participant.refresh_from_db()
    return participant, bool(won)


@dataclass(frozen=True)
class AttendanceMark:
    participant_id: int
    status: str
    note: str | None = None  # None keeps the current note
    vicon_point_id: int | None = None
    minutes: int | None = None


@transaction.atomic
def attendance_mark_bulk(
    *,
    session: TrainingSession,
    user: Personnel,
    marks: Sequence[AttendanceMark],
    now: datetime | None = None,
) -> int:
    """An operator (or trainer) records attendance for many participants at once.

    All or nothing: if any participant lies outside the user's units (by the unit frozen at
    invitation) or any value is invalid, nothing is written. HADIR/TERLAMBAT can be recorded once
    check-in opens, ALPA once the session has started, IZIN/SAKIT/DINAS any time after
    publishing. Returns the number of participants whose record changed.
    """
    now = now or timezone.now()
    if not user_can_mark_attendance(user=user):
        raise ApplicationError(_("Only operators and trainers can record attendance."))
    if session.status not in RECORDABLE_STATES:
        raise ApplicationError(_("Attendance can only be recorded for a published session."))
    if not marks:
        return 0
    ids = [m.participant_id for m in marks]
    if len(set(ids)) != len(ids):
        raise ApplicationError(_("A participant appears twice in the list."))
    rows = {
        p.pk: p
        for p in participants_markable_by(user=user, session=session)
        # An id no row can have (above 2**63 - 1) is simply missing, not a database error.
        .filter(pk__in=[pid for pid in ids if id_or_none(pid)])
        .select_for_update(of=("self",))
        .order_by("pk")  # one lock order for every bulk locker (a Zoom import too): no deadlock
    }
    missing = [pid for pid in ids if pid not in rows]
    if missing:
        raise ApplicationError(
            _("%(count)d of the participants are not in this session or not in your units.")
            % {"count": len(missing)},
            extra={"participant_ids": missing},
        )
    vicon_ids = {m.vicon_point_id for m in marks if m.vicon_point_id}
    allowed_vicon = set(
        vicon_points_for(user=user)
        .filter(pk__in=[pk for pk in vicon_ids if id_or_none(pk)])
        .values_list("pk", flat=True)
    )
    if vicon_ids - allowed_vicon:
        raise ApplicationError(_("That vicon point is not one of your units' rooms."))
    valid = set(Status.values)
    changed: list[Participant] = []
    for mark in marks:
        if mark.status not in valid:
            raise ApplicationError(
                _("'%(status)s' is not an attendance status.") % {"status": mark.status}
            )
        if mark.status in (Status.HADIR, Status.TERLAMBAT) and now < session.checkin_opens_at:
            raise ApplicationError(_("Presence can be recorded once check-in opens."))
        if mark.status == Status.ALPA and not session.has_started(now):
            raise ApplicationError(_("ALPA can only be recorded after the session has started."))
        if mark.minutes is not None and not 0 <= mark.minutes <= session.duration_minutes:
            raise ApplicationError(_("Minutes attended must be between 0 and the session length."))
        if mark.note is not None and len(mark.note) > 255:
            raise ApplicationError(_("A note has at most 255 characters."))
        p = rows[mark.participant_id]
        new = {
            "attendance_status": mark.status,
            "note": p.note if mark.note is None else mark.note.strip(),
            "vicon_point_id": mark.vicon_point_id if mark.vicon_point_id else p.vicon_point_id,
            "minutes_attended": p.minutes_attended if mark.minutes is None else mark.minutes,
        }
        if all(getattr(p, k) == v for k, v in new.items()):
            continue
        for key, value in new.items():
            setattr(p, key, value)
        p.attendance_source = Participant.Source.OPERATOR
        p.recorded_by = user
        p.recorded_at = now
        changed.append(p)
    Participant.objects.bulk_update(
        changed,
        [
            "attendance_status",
            "note",
            "vicon_point",
            "minutes_attended",
            "attendance_source",
            "recorded_by",
            "recorded_at",
        ],
        batch_size=500,
    )
    announce_participants(p.pk for p in changed)
    return len(changed)


def participant_record_quiz_result(
    *, participant: Participant, score: Decimal, passed: bool
) -> Participant:
    """Store the outcome of the session's post-test and announce it (`participant_changed`)."""
    score = Decimal(score)
    if not Decimal(0) <= score <= Decimal(100):
        raise ApplicationError(_("A quiz score is between 0 and 100."))
    score = score.quantize(Decimal("0.01"))
    if participant.quiz_score == score and participant.quiz_passed == bool(passed):
        return participant
    participant.quiz_score = score
    participant.quiz_passed = bool(passed)
    with transaction.atomic():
        participant.save(update_fields=["quiz_score", "quiz_passed"])
        announce_participants([participant.pk])
    return participant


def participant_set_completed(
    *, participant: Participant, completed_at: datetime | None
) -> Participant:
    """Record (or clear) when the participant met the completion rule. Idempotent."""
    if participant.completed_at == completed_at:
        return participant
    participant.completed_at = completed_at
    participant.save(update_fields=["completed_at"])
    return participant


def _alpa_delay() -> timedelta:
    return timedelta(minutes=getattr(settings, "SESSIONS_ALPA_DELAY_MINUTES", 0))


def attendance_sweep_alpa(*, now: datetime | None = None) -> int:
    """Mark participants with no record as ALPA in sessions that have ended. Each session is
    swept once: it is claimed by a conditional UPDATE of `alpa_swept_at`, so two sweeps running
    together (or one after the other) mark each participant once. Returns participants marked."""
    now = now or timezone.now()
    due = TrainingSession.objects.filter(
        status__in=RECORDABLE_STATES,
        end_at__lte=now - _alpa_delay(),
        alpa_swept_at__isnull=True,
    ).values_list("pk", flat=True)
    marked = 0
    for session_id in list(due):
        with transaction.atomic():
            claimed = TrainingSession.objects.filter(
                pk=session_id, alpa_swept_at__isnull=True
            ).update(alpa_swept_at=now)
            if not claimed:
                continue
            pending = Participant.objects.filter(session_id=session_id, attendance_status="")
            ids = list(pending.values_list("pk", flat=True))
            marked += Participant.objects.filter(pk__in=ids, attendance_status="").update(
                attendance_status=Status.ALPA,
                attendance_source=Participant.Source.SYSTEM,
                recorded_at=now,
                recorded_by=None,
            )
            announce_participants(ids)
    return marked


def _reminder_text(participant: Participant) -> tuple[str, str]:
    session = participant.session
    tz = participant.personnel.unit.timezone if participant.personnel.unit_id else None
    when = format_local(session.start_at, tz)
    subject = _("Reminder: %(title)s at %(time)s") % {"title": session.title, "time": when}
    lines = [
        _("Dear %(name)s,") % {"name": participant.personnel.name},
        "",
        _('You are invited to the training session "%(title)s".') % {"title": session.title},
        _("Starts: %(time)s") % {"time": when},
    ]
    if session.zoom_join_url:
        lines.append(_("Join Zoom: %(url)s") % {"url": session.zoom_join_url})
    if session.zoom_meeting_id:
        lines.append(_("Meeting ID: %(id)s") % {"id": session.zoom_meeting_id_display})
    if session.zoom_passcode:
        lines.append(_("Passcode: %(code)s") % {"code": session.zoom_passcode})
    lines += ["", _("Check in on Polri Belajar when the session starts.")]
    return subject, "\n".join(lines)


def session_reminders_send(*, now: datetime | None = None) -> int:
    """Email each invitee once, `reminder_minutes_before` the start of a scheduled session.

    Each participant is claimed with a conditional UPDATE on `reminder_sent_at IS NULL` before
    the email goes out, so beat running twice (even concurrently) sends one email per person.
    If sending fails the claim is released for the next run. Returns emails sent.
    """
    now = now or timezone.now()
    horizon = now + timedelta(minutes=24 * 60)
    sessions = [
        s
        for s in TrainingSession.objects.filter(
            status=TrainingSession.Status.SCHEDULED, start_at__gt=now, start_at__lte=horizon
        )
        if s.start_at - timedelta(minutes=s.reminder_minutes_before) <= now
    ]
    sent = 0
    for session in sessions:
        candidates = (
            Participant.objects.filter(
                session=session, reminder_sent_at__isnull=True, personnel__is_active=True
            )
            .exclude(personnel__email="")
            .select_related("personnel", "personnel__unit", "session")
        )
        for participant in candidates.iterator(chunk_size=500):
            claimed = Participant.objects.filter(
                pk=participant.pk, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if not claimed:
                continue
            with translation.override(settings.LANGUAGE_CODE):
                subject, body = _reminder_text(participant)
            try:
                send_mail(subject, body, None, [participant.personnel.email])
            except OSError:
                logger.exception("Reminder to participant %s failed", participant.pk)
                Participant.objects.filter(pk=participant.pk).update(reminder_sent_at=None)
                continue
            sent += 1
    return sent
