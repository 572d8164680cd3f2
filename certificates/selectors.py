"""Read queries for certificates, always scoped by the requesting user.

Who sees which certificate:
- everyone: their own (as a participant);
- Operator, Pelatih, Pimpinan: those of participants whose unit (frozen at invitation) lies in
  their subtree;
- Pelatih: also every certificate of sessions hosted in their subtree (the sessions they manage);
- Admin: all.
Who manages (issue in bulk, revoke, re-issue, retry, edit the rule): whoever manages the session
(`sessions.selectors.session_can_manage`: a Pelatih over the host unit, or an admin).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core.scope import subtree_q
from sessions.models import TrainingSession
from sessions.selectors import session_can_manage
from training.models import Role
from training.selectors import SCOPED_ROLES

from .models import BulkJob, Certificate
from .numbering import verification_code_normalize


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _base() -> QuerySet[Certificate]:
    return Certificate.objects.select_related(
        "participant", "participant__session", "participant__unit", "issuer", "revoked_by"
    )


def certificates_visible_to(*, user) -> QuerySet[Certificate]:
    base = _base()
    if not _active(user):
        return base.none()
    if user.is_admin:
        return base.all()
    q = Q(participant__personnel=user)
    if user.unit_id is not None and user.has_role(*SCOPED_ROLES):
        q |= subtree_q(user.unit, via="participant__unit")
        if user.has_role(Role.PELATIH):
            q |= subtree_q(user.unit, via="participant__session__host_unit")
    return base.filter(q)


def certificates_of(*, user) -> QuerySet[Certificate]:
    """The user's own certificates ("My certificates"), newest first."""
    if not _active(user):
        return _base().none()
    return _base().filter(participant__personnel=user)


def certificate_can_manage(*, user, certificate: Certificate) -> bool:
    return _active(user) and session_can_manage(user=user, session=certificate.participant.session)


def session_certificates_can_manage(*, user, session: TrainingSession) -> bool:
    return _active(user) and session_can_manage(user=user, session=session)


def bulk_jobs_visible_to(*, user) -> QuerySet[BulkJob]:
    """A job is seen by whoever requested it, and by admins. An issuing job is also seen by every
    Pelatih who manages its session: a second trainer pressing "issue" gets the running job back
    and must be able to follow it. A ZIP holds what its requester may see, so it stays theirs."""
    base = BulkJob.objects.select_related("session", "requested_by")
    if not _active(user):
        return base.none()
    if user.is_admin:
        return base.all()
    mine = Q(requested_by=user)
    if user.has_role(Role.PELATIH) and user.unit_id is not None:
        mine |= Q(kind=BulkJob.Kind.ISSUE) & subtree_q(user.unit, via="session__host_unit")
    return base.filter(mine)


def certificate_for_verification(*, code: str) -> Certificate | None:
    """Public lookup by verification code (no user: anyone holding the paper may verify)."""
    normalized = verification_code_normalize(code)
    if normalized is None:
        return None
    return Certificate.objects.filter(code=normalized).first()


def session_certificate_counts(*, session: TrainingSession) -> dict[str, int]:
    """Certificates of a session by status: one aggregate query."""
    from django.db.models import Count

    rows = (
        Certificate.objects.filter(participant__session=session)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
    )
    counts = dict.fromkeys(Certificate.Status.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts
