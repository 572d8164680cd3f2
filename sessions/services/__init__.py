"""Every state change of the sessions app. Other apps call these; they never write our models.

Split by area: `scheduling` (sessions, invitations), `attendance` (check-in, marking, quiz
results, ALPA sweep, reminders), `zoom_import` (participant report import).
"""

from .attendance import (
    AttendanceMark,
    attendance_mark_bulk,
    attendance_sweep_alpa,
    participant_check_in,
    participant_record_quiz_result,
    participant_set_completed,
    session_reminders_send,
)
from .calendar import calendar_feed_get_or_create, calendar_feed_reset
from .scheduling import (
    PresenterInput,
    SyncResult,
    participant_add_late,
    personnel_sessions_sync,
    session_cancel,
    session_create,
    session_participants_sync,
    session_publish,
    session_statuses_advance,
    session_update,
    upcoming_sessions_sync,
)
from .zoom_import import (
    ImportPlan,
    zoom_import_confirm,
    zoom_import_preview,
    zoom_import_previews_purge,
    zoom_plan_apply,
    zoom_report_analyse,
    zoom_report_import,
)

__all__ = [
    "AttendanceMark",
    "ImportPlan",
    "PresenterInput",
    "SyncResult",
    "attendance_mark_bulk",
    "calendar_feed_get_or_create",
    "calendar_feed_reset",
    "attendance_sweep_alpa",
    "participant_add_late",
    "participant_check_in",
    "participant_record_quiz_result",
    "participant_set_completed",
    "personnel_sessions_sync",
    "session_cancel",
    "session_create",
    "session_participants_sync",
    "session_publish",
    "session_reminders_send",
    "session_statuses_advance",
    "session_update",
    "upcoming_sessions_sync",
    "zoom_import_confirm",
    "zoom_import_preview",
    "zoom_import_previews_purge",
    "zoom_plan_apply",
    "zoom_report_analyse",
    "zoom_report_import",
]
