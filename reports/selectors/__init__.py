"""Read queries for completion reports, always scoped by the requesting user.

Every number is an aggregate over `Participant` using the unit the person had at the time of the
session (`Participant.unit`, frozen at invitation): a transfer never moves a past attendance.
A report runs a fixed number of queries whatever the number of units, people or sessions:

- the ranking of one level: one GROUP BY over participants keyed by the child-unit prefix of the
  participant's unit path (`Substr(unit.path, 1, len(child path))`), plus one query for the
  child units;
- every level at once (exports): one GROUP BY keyed by the participant's unit path, rolled up
  to each ancestor in Python, plus one query for the units of the subtree;
- the trend: one GROUP BY session; the people: one query (streamed for exports).

Scope: admins report on any unit; Operator, Pelatih and Pimpinan on their unit and the units
below it; everyone else only sees their own participations (`participations_of`).
"""

from .aggregates import (
    LevelReport,
    _child_path_length,
    _count_annotations,
    _participants,
    completion_by_child_unit,
    completion_trend,
)
from .exports import report_data_build, report_data_for, report_jobs_of, report_jobs_visible_to
from .people import (
    participations_of,
    people_in_unit,
    person_rows,
    report_module_choices,
    report_session_choices,
)
from .scope import (
    DEFAULT_PERIOD_DAYS,
    ReportFilter,
    report_filter_clean,
    report_period_label,
    report_scope_check,
    report_scope_default,
)

__all__ = [
    "DEFAULT_PERIOD_DAYS",
    "LevelReport",
    "ReportFilter",
    "_child_path_length",
    "_count_annotations",
    "_participants",
    "completion_by_child_unit",
    "completion_trend",
    "participations_of",
    "people_in_unit",
    "person_rows",
    "report_data_build",
    "report_data_for",
    "report_filter_clean",
    "report_jobs_visible_to",
    "report_jobs_of",
    "report_module_choices",
    "report_period_label",
    "report_scope_check",
    "report_scope_default",
    "report_session_choices",
]
