"""reports: a finished export is seen by its requester, admins, and commanders/trainers whose
unit is strictly above the requester's unit; colleagues of the same unit and other branches get
404."""

from __future__ import annotations

from .matrix import get, pk, roles_api, roles_html, rule

# report_sanggau was asked by the Sanggau operator: the Kapolres Sanggau is a colleague of the
# same unit (404); the Polda trainer is above it.
SEES_SANGGAU_EXPORT = ("operator", "pelatih", "admin")
SEES_SINTANG_EXPORT = ("outsider", "pelatih", "admin")


def _cases(name: str, *, api: bool) -> tuple:
    expect = roles_api if api else roles_html
    return (
        get(
            name,
            expect(*SEES_SANGGAU_EXPORT, refused=404),
            "the Sanggau operator's export",
            pk=pk("report_sanggau"),
        ),
        get(
            name,
            expect(*SEES_SINTANG_EXPORT, refused=404),
            "the Sintang commander's export",
            pk=pk("report_sintang"),
        ),
    )


RULES = {
    "reports:export-status": rule("role", "GET", *_cases("reports:export-status", api=False)),
    "reports:export-download": rule("role", "GET", *_cases("reports:export-download", api=False)),
    "api-report-export-status": rule("role", "GET", *_cases("api-report-export-status", api=True)),
    "api-report-export-download": rule(
        "role", "GET", *_cases("api-report-export-download", api=True)
    ),
}
