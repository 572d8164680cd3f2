"""Issuing certificates: numbering, the printed snapshot, issue, revoke, re-issue, retry.

The certificate row is created `pending` in the transaction that makes it due, with its number
and a snapshot of what will be printed; the render task is enqueued after commit. Running any of
these twice never yields a second live certificate: a participant row lock serializes issuers,
and a partial unique constraint backs it up.
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from config.enqueue import task_enqueue_on_commit
from sessions.models import Participant, TrainingSession
from sessions.services.attendance import participant_set_completed
from training.errors import ApplicationError
from training.models import Personnel, Unit

from ..models import BulkJob, Certificate, CertificateCounter, IssuerProfile
from ..numbering import certificate_number_format, verification_code_new
from .rules import RuleContext, completion_check, rule_context

logger = logging.getLogger(__name__)

DEFAULT_HEADING = "KEPOLISIAN NEGARA REPUBLIK INDONESIA"
REASON_MAX_LENGTH = 1000


def certificate_render_enqueue(certificate_id: int) -> None:
    """Ask a worker to render the certificate once the current transaction commits (a broker
    outage is logged; the sweeper enqueues the pending row later)."""
    from ..tasks import certificate_render_task

    task_enqueue_on_commit(certificate_render_task, certificate_id)


# --- Numbering ------------------------------------------------------------------------------


def certificate_sequence_next(*, issuer: Unit, year: int) -> int:
    """The next sequence number for `issuer` in `year`. Must run inside the transaction that
    stores the certificate: the counter row stays locked by the UPDATE until commit, so
    concurrent issuers queue up, and a rollback returns the number (no gaps, no duplicates)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("certificate_sequence_next must run inside a transaction")
    counters = CertificateCounter.objects.filter(issuer=issuer, year=year)
    if not counters.update(last=F("last") + 1):
        try:
            with transaction.atomic():  # savepoint: a concurrent first issue may win the insert
                CertificateCounter.objects.create(issuer=issuer, year=year, last=1)
            return 1
        except IntegrityError:
            counters.update(last=F("last") + 1)
    return counters.values_list("last", flat=True).get()


# --- Snapshot -------------------------------------------------------------------------------


def _local_date(moment: dt.datetime, unit: Unit) -> dt.date:
    return timezone.localtime(moment, ZoneInfo(unit.timezone)).date()


def _unit_label(unit: Unit) -> str:
    """`Polsek Kapuas, Polres Sanggau`: the parent disambiguates same-named units."""
    parent = unit.parent
    if parent is not None and parent.kind != Unit.Kind.MABES:
        return f"{unit.name}, {parent.name}"
    return unit.name


def _signatory(session: TrainingSession, profile: IssuerProfile | None) -> dict:
    if profile is not None:
        return {
            "issuer_heading": profile.heading_lines,
            "issued_place": profile.city,
            "signatory_name": profile.signatory_name,
            "signatory_rank": profile.signatory_rank,
            "signatory_nrp": profile.signatory_nrp,
            "signatory_position": profile.signatory_position,
            "signature_image": profile.signature_image.name or "",
        }
    leader: Personnel | None = session.led_by
    return {
        "issuer_heading": [DEFAULT_HEADING, session.host_unit.name.upper()],
        "issued_place": "",
        "signatory_name": leader.name if leader else "",
        "signatory_rank": leader.rank.name if leader and leader.rank_id else "",
        "signatory_nrp": leader.nrp if leader else "",
        "signatory_position": (leader.position if leader else "") or session.host_unit.name,
        "signature_image": "",
    }


def certificate_snapshot(*, participant: Participant, issued_on: dt.date) -> dict:
    """What will be printed, frozen now: later edits to people, units or sessions do not
    change an issued certificate (a re-issue takes a fresh snapshot)."""
    session = participant.session
    person = participant.personnel
    host = session.host_unit
    start = _local_date(session.start_at, host)
    end = _local_date(session.end_at, host)
    profile = IssuerProfile.objects.filter(unit=host).first()
    modules = list(
        session.session_modules.order_by("order", "id").values_list("module__title", flat=True)
    )
    return {
        "recipient_name": person.name,
        "recipient_nrp": person.nrp,
        "recipient_rank": person.rank.abbreviation if person.rank_id else "",
        "recipient_unit": _unit_label(participant.unit),
        "session_title": session.title,
        "session_start": start,
        "session_end": end if end != start else None,
        "modules": modules,
        "issued_on": issued_on,
        **_signatory(session, profile),
    }


# --- Issue ----------------------------------------------------------------------------------


def _certificate_create(
    *,
    participant: Participant,
    issued_by: Personnel | None,
    bulk_job: BulkJob | None = None,
    replaces: Certificate | None = None,
    reissue_reason: str = "",
) -> Certificate:
    issuer = participant.session.host_unit
    now = timezone.now()
    issued_on = _local_date(now, issuer)
    sequence = certificate_sequence_next(issuer=issuer, year=issued_on.year)
    certificate = Certificate.objects.create(
        participant=participant,
        issuer=issuer,
        year=issued_on.year,
        sequence=sequence,
        number=certificate_number_format(
            sequence=sequence, issuer_code=issuer.code, issued_on=issued_on
        ),
        code=verification_code_new(),
        issued_by=issued_by,
        bulk_job=bulk_job,
        replaces=replaces,
        reissue_reason=reissue_reason,
        **certificate_snapshot(participant=participant, issued_on=issued_on),
    )
    if participant.completed_at is None:
        participant_set_completed(participant=participant, completed_at=now)
    certificate_render_enqueue(certificate.pk)
    return certificate


def _lock_participant(participant: Participant) -> Participant:
    return (
        Participant.objects.select_for_update(of=("self",))
        .select_related("session", "session__host_unit", "session__led_by", "personnel", "unit")
        .get(pk=participant.pk)
    )


def _refuse_unless_met(participant: Participant, context: RuleContext | None) -> None:
    check = completion_check(participant=participant, context=context)
    if not check.met:
        raise ApplicationError(
            _("%(name)s has not completed this session: %(reasons)s")
            % {"name": participant.personnel.name, "reasons": " ".join(check.reasons)}
        )


@transaction.atomic
def certificate_issue(
    *,
    participant: Participant,
    issued_by: Personnel | None = None,
    bulk_job: BulkJob | None = None,
    context: RuleContext | None = None,
) -> Certificate:
    """Issue the participant's certificate (pending; rendered after commit).

    Idempotent: returns the live certificate when there is one. Refuses (ApplicationError) when
    the rule is not met or when the participant's certificate was revoked (that needs a
    re-issue, recorded with who and why).
    """
    participant = _lock_participant(participant)
    latest = participant.certificates.order_by("-id").first()
    if latest is not None and not latest.is_revoked:
        return latest
    if latest is not None:
        raise ApplicationError(
            _("The certificate %(number)s was revoked; re-issue it instead.")
            % {"number": latest.number}
        )
    _refuse_unless_met(participant, context)
    return _certificate_create(participant=participant, issued_by=issued_by, bulk_job=bulk_job)


def certificate_auto_issue(*, participant: Participant) -> Certificate | None:
    """Issue when the session's rule says so and the participant has just completed; otherwise
    do nothing. Safe to call any number of times (it runs on every `participant_changed`)."""
    participant = Participant.objects.select_related("session", "session__host_unit").get(
        pk=participant.pk
    )
    context = rule_context(session=participant.session)
    if not context.rule.auto_issue or participant.certificates.exists():
        return None
    if not completion_check(participant=participant, context=context).met:
        return None
    try:
        return certificate_issue(participant=participant, context=context)
    except ApplicationError as exc:  # changed between the check and the lock
        logger.info("auto-issue skipped for participant %s: %s", participant.pk, exc.message)
        return None


def _clean_reason(reason: str, *, message: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ApplicationError(message)
    if len(reason) > REASON_MAX_LENGTH:
        raise ApplicationError(
            _("The reason is too long (at most %(max)s characters).") % {"max": REASON_MAX_LENGTH}
        )
    return reason


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, by: Personnel, reason: str) -> Certificate:
    """Revoke: the code then verifies as revoked. Records who, when and why."""
    reason = _clean_reason(reason, message=_("Give the reason for revoking the certificate."))
    revoked = (
        Certificate.objects.filter(pk=certificate.pk)
        .exclude(status=Certificate.Status.REVOKED)
        .update(
            status=Certificate.Status.REVOKED,
            revoked_at=timezone.now(),
            revoked_by=by,
            revoke_reason=reason,
            claimed_at=None,
            updated_at=timezone.now(),
        )
    )
    if not revoked:
        raise ApplicationError(_("This certificate has already been revoked."))
    certificate.refresh_from_db()
    return certificate


@transaction.atomic
def certificate_reissue(*, certificate: Certificate, by: Personnel, reason: str) -> Certificate:
    """After a correction (a misspelt name, a wrong unit): revoke `certificate` if it is still
    live and issue a new one with a fresh snapshot and number that `replaces` it. Records who
    and why on both."""
    reason = _clean_reason(reason, message=_("Give the reason for re-issuing the certificate."))
    participant = _lock_participant(certificate.participant)
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if Certificate.objects.filter(replaces=certificate).exists():
        raise ApplicationError(_("This certificate has already been re-issued."))
    live = participant.certificates.exclude(status=Certificate.Status.REVOKED).first()
    if live is not None and live.pk != certificate.pk:
        raise ApplicationError(
            _("A newer certificate (%(number)s) is in force.") % {"number": live.number}
        )
    _refuse_unless_met(participant, None)
    if not certificate.is_revoked:
        certificate_revoke(
            certificate=certificate,
            by=by,
            reason=_("Re-issued: %(reason)s") % {"reason": reason},
        )
    return _certificate_create(
        participant=participant, issued_by=by, replaces=certificate, reissue_reason=reason
    )


def certificate_retry(*, certificate: Certificate) -> Certificate:
    """Put a failed certificate back in the queue (after fixing the cause, e.g. the signature
    image)."""
    with transaction.atomic():
        retried = Certificate.objects.filter(
            pk=certificate.pk, status=Certificate.Status.FAILED
        ).update(status=Certificate.Status.PENDING, error="", claimed_at=None)
        if not retried:
            raise ApplicationError(_("Only a certificate whose rendering failed can be retried."))
        certificate_render_enqueue(certificate.pk)
    certificate.refresh_from_db()
    return certificate
