from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def session_certificate_links(*, session, user) -> list[tuple[str, str]]:
    """Session page links (sessions.extensions): the session's certificates for those who manage
    it, and a participant's own certificate once issued (a revoked one is not offered)."""
    from django.urls import reverse

    from .models import Certificate
    from .selectors import certificates_of, session_certificates_can_manage

    links = []
    if session_certificates_can_manage(user=user, session=session):
        links.append((_("Certificates"), reverse("certificates:session", args=[session.pk])))
    own = (
        certificates_of(user=user)
        .filter(participant__session=session)
        .exclude(status=Certificate.Status.REVOKED)
        .order_by("-id")
        .first()
    )
    if own is not None:
        label = f"{_('Certificate')} {own.number}"
        links.append((label, reverse("certificates:detail", args=[own.pk])))
    return links


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sessions.extensions import register_session_link_provider
        from sessions.signals import participant_changed
        from training.signals import demo_data_seeded

        from . import receivers

        participant_changed.connect(
            receivers.participant_changed, dispatch_uid="certificates_auto_issue"
        )
        demo_data_seeded.connect(receivers.demo_data_seeded, dispatch_uid="certificates_demo")
        register_session_link_provider(session_certificate_links)
