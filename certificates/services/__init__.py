"""Every state change of the certificates app (see README.md)."""

from .issuing import (
    certificate_auto_issue,
    certificate_issue,
    certificate_reissue,
    certificate_retry,
    certificate_revoke,
    certificate_sequence_next,
    certificate_snapshot,
)
from .jobs import bulk_job_run, certificates_issue_bulk, certificates_zip_request
from .rendering import certificate_data, certificate_pdf, certificate_render, verification_url
from .rules import (
    RuleCheck,
    RuleContext,
    completion_check,
    completion_rule_set,
    participants_eligible,
    rule_context,
    rule_for,
)
from .sweeping import SweepResult, certificates_issue_due, certificates_sweep

__all__ = [
    "RuleCheck",
    "RuleContext",
    "SweepResult",
    "bulk_job_run",
    "certificate_auto_issue",
    "certificate_data",
    "certificate_issue",
    "certificate_pdf",
    "certificate_reissue",
    "certificate_render",
    "certificate_retry",
    "certificate_revoke",
    "certificate_sequence_next",
    "certificate_snapshot",
    "certificates_issue_bulk",
    "certificates_issue_due",
    "certificates_sweep",
    "certificates_zip_request",
    "completion_check",
    "completion_rule_set",
    "participants_eligible",
    "rule_context",
    "rule_for",
    "verification_url",
]
