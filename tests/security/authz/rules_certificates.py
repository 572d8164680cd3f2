"""certificates: a certificate is seen by its owner, by Operator/Pelatih/Pimpinan whose subtree
holds the participant's unit (Pelatih also the sessions hosted in their subtree), and admins;
everyone else 404. Managing (rule, issue, revoke, re-issue, retry) is for the session's managers
(403 to others who see the certificate or session). A ZIP job is seen by its requester and
admins only.
"""

from __future__ import annotations

from .matrix import (
    ALLOWED,
    ANY_REDIRECT,
    count,
    get,
    pk,
    roles_api,
    roles_html,
    row,
    rule,
    tiers,
    write,
)
from .rules_sessions import SEE_KALBAR, SEE_SANGGAU, manages

# Who sees each certificate of the Polda-wide session.
SEES_CERT = {
    "cert_peserta": ("peserta", "operator", "pimpinan", "pelatih", "admin"),
    "cert_sanggau": ("operator", "pimpinan", "pelatih", "admin"),
    "cert_sintang": ("outsider", "pelatih", "admin"),
}
LABELS = {
    "cert_peserta": "the peserta's own",
    "cert_sanggau": "a Sanggau person's",
    "cert_sintang": "a Sintang person's",
}


def sees_cert(key: str, *, api=False, status=200):
    return (roles_api if api else roles_html)(*SEES_CERT[key], refused=404, ok=status)


def manages_cert(key: str, *, api=False, ok=ALLOWED):
    base = sees_cert(key, api=api)
    return {
        role: (ok if role in ("pelatih", "admin") else 403) if base[role] == 200 else base[role]
        for role in base
    }


def per_certificate(name: str, *, api=False, status=200) -> tuple:
    return tuple(
        get(name, sees_cert(key, api=api, status=status), f"{LABELS[key]} certificate", pk=pk(key))
        for key in SEES_CERT
    )


def requester_only(key: str, *, api=False):
    return (roles_api if api else roles_html)(key.removeprefix("zip_"), "admin", refused=404)


KALBAR = {"session_id": pk("kalbar_finished")}
SANGGAU = {"session_id": pk("sanggau_session")}
CERT_STATE = row("cert_sintang", "status", "revoked_at")
JOBS = count("certificates.BulkJob")


def _reason_writes(name: str, action: str, *, api=False) -> tuple:
    return (
        write(
            name,
            "POST",
            tiers(manages_cert("cert_sintang", api=api), pelatih=None, admin=None),
            f"{action} a Sintang person's certificate",
            data={"reason": "Salah nama"},
            state=CERT_STATE,
            api=api,
            pk=pk("cert_sintang"),
        ),
        write(
            name,
            "POST",
            {"pelatih": ALLOWED, "admin": ALLOWED},
            "without a reason (harmless)",
            data={"reason": ""},
            state=CERT_STATE,
            api=api,
            unchanged_for=("pelatih", "admin"),
            pk=pk("cert_sintang"),
        ),
    )


RULES = {
    "certificates:detail": rule("scoped", "GET", *per_certificate("certificates:detail")),
    "certificates:download": rule("scoped", "GET", *per_certificate("certificates:download")),
    "certificates:revoke": rule("role", "POST", *_reason_writes("certificates:revoke", "revoke")),
    "certificates:reissue": rule(
        "role", "POST", *_reason_writes("certificates:reissue", "re-issue")
    ),
    "certificates:retry": rule(
        "role",
        "POST",
        # A ready certificate is not retried: managers get a message, nothing changes.
        write(
            "certificates:retry",
            "POST",
            manages_cert("cert_sintang", ok=ANY_REDIRECT),
            "retry a Sintang person's certificate",
            state=CERT_STATE,
            unchanged_for=("pelatih", "admin"),
            pk=pk("cert_sintang"),
        ),
    ),
    "certificates:session": rule(
        "role",
        "GET",
        # Who sees the session and a certificate in it (or manages it); each sees only theirs.
        get(
            "certificates:session",
            tiers(manages(SEE_KALBAR), peserta=200, operator=200, pimpinan=200, outsider=200),
            "the Polda-wide session",
            **KALBAR,
        ),
        get(
            "certificates:session",
            manages(SEE_SANGGAU, refused=404),
            "a session without certificates",
            **SANGGAU,
        ),
    ),
    "certificates:session-rule": rule(
        "role",
        "POST",
        write(
            "certificates:session-rule",
            "POST",
            manages(SEE_KALBAR, ok=ALLOWED),
            "change the completion rule (an incomplete form for managers)",
            data={"min_minutes": "1"},
            state=count("certificates.CompletionRule", session=pk("kalbar_finished")),
            unchanged_for=("pelatih", "admin"),
            **KALBAR,
        ),
    ),
    "certificates:session-issue": rule(
        "role",
        "POST",
        write(
            "certificates:session-issue",
            "POST",
            manages(SEE_KALBAR, ok=ALLOWED),
            "issue the Polda-wide session's certificates",
            state=JOBS,
            **KALBAR,
        ),
    ),
    "certificates:session-zip": rule(
        "role",
        "POST",
        write(
            "certificates:session-zip",
            "POST",
            manages(SEE_KALBAR, refused=ALLOWED, ok=ALLOWED),
            "a ZIP of what each may see",
            state=JOBS,
            **KALBAR,
        ),
    ),
    "certificates:job": rule(
        "role",
        "GET",
        get(
            "certificates:job", requester_only("zip_pelatih"), "pelatih's ZIP", pk=pk("zip_pelatih")
        ),
        get(
            "certificates:job",
            requester_only("zip_pimpinan"),
            "the Sanggau commander's ZIP",
            pk=pk("zip_pimpinan"),
        ),
    ),
    "certificates:job-download": rule(
        "role",
        "GET",
        get(
            "certificates:job-download",
            requester_only("zip_pelatih"),
            "pelatih's ZIP",
            pk=pk("zip_pelatih"),
        ),
        get(
            "certificates:job-download",
            requester_only("zip_pimpinan"),
            "the Sanggau commander's ZIP",
            pk=pk("zip_pimpinan"),
        ),
    ),
    "api-certificate": rule("scoped", "GET", *per_certificate("api-certificate", api=True)),
    "api-certificate-download": rule(
        "scoped", "GET", *per_certificate("api-certificate-download", api=True)
    ),
    "api-certificate-revoke": rule(
        "role", "POST", *_reason_writes("api-certificate-revoke", "revoke", api=True)
    ),
    "api-certificate-reissue": rule(
        "role", "POST", *_reason_writes("api-certificate-reissue", "re-issue", api=True)
    ),
    "api-certificate-retry": rule(
        "role",
        "POST",
        write(
            "api-certificate-retry",
            "POST",
            manages_cert("cert_sintang", api=True, ok=400),
            "retry a ready Sintang certificate",
            state=CERT_STATE,
            api=True,
            unchanged_for=("pelatih", "admin"),
            pk=pk("cert_sintang"),
        ),
    ),
    "api-certificates-session-rule": rule(
        "role",
        "GET PUT",
        get(
            "api-certificates-session-rule",
            manages(SEE_KALBAR, api=True),
            "the Polda-wide session",
            **KALBAR,
        ),
        write(
            "api-certificates-session-rule",
            "PUT",
            manages(SEE_KALBAR, api=True, ok=None),
            "change the completion rule",
            data={
                "attendance_statuses": ["HADIR"],
                "min_minutes": 1,
                "require_quiz": False,
                "require_material_read": False,
                "auto_issue": False,
            },
            state=count("certificates.CompletionRule", session=pk("kalbar_finished")),
            api=True,
            **KALBAR,
        ),
        write(
            "api-certificates-session-rule",
            "PUT",
            {"pelatih": 400, "admin": 400},
            "an empty rule (harmless)",
            data={},
            api=True,
            **KALBAR,
        ),
    ),
    "api-certificates-session-issue": rule(
        "role",
        "POST",
        write(
            "api-certificates-session-issue",
            "POST",
            manages(SEE_KALBAR, api=True, ok=ALLOWED),
            "issue the Polda-wide session's certificates",
            state=JOBS,
            api=True,
            **KALBAR,
        ),
    ),
    "api-certificates-session-zip": rule(
        "role",
        "POST",
        write(
            "api-certificates-session-zip",
            "POST",
            manages(SEE_KALBAR, api=True, refused=202, ok=202),
            "a ZIP of what each may see",
            state=JOBS,
            api=True,
            **KALBAR,
        ),
    ),
    "api-certificate-job": rule(
        "role",
        "GET",
        get(
            "api-certificate-job",
            requester_only("zip_pelatih", api=True),
            "pelatih's ZIP",
            pk=pk("zip_pelatih"),
        ),
        get(
            "api-certificate-job",
            requester_only("zip_pimpinan", api=True),
            "the Sanggau commander's ZIP",
            pk=pk("zip_pimpinan"),
        ),
    ),
    "api-certificate-job-download": rule(
        "role",
        "GET",
        get(
            "api-certificate-job-download",
            requester_only("zip_pelatih", api=True),
            "pelatih's ZIP",
            pk=pk("zip_pelatih"),
        ),
        get(
            "api-certificate-job-download",
            requester_only("zip_pimpinan", api=True),
            "the Sanggau commander's ZIP",
            pk=pk("zip_pimpinan"),
        ),
    ),
}
