"""Column headings shared by the exports, so PDF, XLSX and CSV say the same thing."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

# Attendance statuses are Indonesian words people use as they are.
ATTENDANCE_LABELS = {
    "HADIR": "HADIR",
    "TERLAMBAT": "TERLAMBAT",
    "IZIN": "IZIN",
    "SAKIT": "SAKIT",
    "DINAS": "DINAS",
    "ALPA": "ALPA",
}


def unit_columns() -> list[tuple[str, str]]:
    """(heading, key) of a ranking table; keys other than rank, name and completion_pct are
    `Counts` fields."""
    return [
        (pgettext("ranking position", "Rank"), "rank"),
        (_("Unit"), "name"),
        (_("Invited"), "invited"),
        (_("Attended"), "attended"),
        (_("Excused"), "excused"),
        (_("Absent"), "absent"),
        (_("Quiz taken"), "quiz_taken"),
        (_("Quiz passed"), "quiz_passed"),
        (_("Certified"), "certified"),
        (_("Completion %"), "completion_pct"),
    ]


def people_columns() -> list[str]:
    return [
        _("NRP"),
        _("Name"),
        _("Rank"),
        _("Unit"),
        _("Session"),
        _("Session date"),
        _("Status"),
        _("Minutes attended"),
        _("Quiz score"),
        _("Quiz passed"),
        _("Certificate number"),
    ]


def person_status_label(status: str) -> str:
    return ATTENDANCE_LABELS.get(status, status or "—")
