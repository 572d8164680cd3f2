"""sessions: pages and API of the sessions of the world.

Visibility (sessions/README.md): `sanggau_session` is seen by its invitees (peserta, operator,
pimpinan), the Polda trainer and admins; `sintang_session` by the outsider, the trainer and
admins; `kalbar_finished` (Polda-wide) by everyone in Kalbar; `sanggau_draft` by the trainer
and admins only. The stranger (Pelatih of Polda Jatim) sees none of them. Invisible sessions are
404. Managing (edit, publish, cancel, Zoom import, late add) is for a Pelatih over the host
unit and admins: the services refuse others who see the session with
`PermissionDenied("why")`, so pages and API answer 403 and the session is unchanged.
"""

from __future__ import annotations

from .matrix import (
    ALLOWED,
    ANY_REDIRECT,
    API_ANON,
    LOGIN_REDIRECT,
    both,
    count,
    get,
    login_api,
    pk,
    roles_api,
    roles_html,
    row,
    rule,
    tiers,
    write,
)

SEE_SANGGAU = ("peserta", "operator", "pimpinan", "pelatih", "admin")
SEE_SINTANG = ("outsider", "pelatih", "admin")
SEE_KALBAR = ("peserta", "operator", "pimpinan", "outsider", "pelatih", "admin")
MANAGERS = ("pelatih", "admin")


def sees(*roles: str, api: bool = False, status=200):
    return (roles_api if api else roles_html)(*roles, refused=404, ok=status)


def manages(seen: tuple[str, ...], *, api: bool = False, refused=403, ok=200):
    """Managers get `ok`; others who see the session `refused`; the rest 404."""
    base = sees(*seen, api=api)
    return {
        role: (ok if role in MANAGERS else refused) if base[role] == 200 else base[role]
        for role in base
    }


SANGGAU = {"pk": pk("sanggau_session")}
SINTANG = {"pk": pk("sintang_session")}
KALBAR = {"pk": pk("kalbar_finished")}
DRAFT = {"pk": pk("sanggau_draft")}


def _attendance(key: str):
    """The attendance of every participant of the session `key`."""

    def read(world):
        from sessions.models import Participant

        rows = Participant.objects.filter(session=world[key]).order_by("pk")
        return list(rows.values_list("pk", "attendance_status", "minutes_attended"))

    return read


def _mark_sintang(world) -> dict:
    return {f"status-{world['participant_sintang'].pk}": "IZIN"}


def _zoom_file(dry_run: bool):
    def data(world):
        import io

        from .world import zoom_report_csv

        upload = io.BytesIO(zoom_report_csv(world["kalbar_finished"]))
        upload.name = "zoom.csv"
        return {"file": upload, "dry_run": "true" if dry_run else "false"}

    return data


ZOOM_STATE = both(
    _attendance("kalbar_finished"),
    count("training_sessions.ZoomImport"),
    row("zoom_preview", "status", "applied_at"),
)


def _new_session(host: str):
    def data(world) -> dict:
        start = world["sanggau_session"].start_at
        return {
            "title": "Sesi Baru",
            "host_unit": host,
            "start_at": start.isoformat(),
            "end_at": world["sanggau_session"].end_at.isoformat(),
            "invited_units": [host],
        }

    return data


SESSIONS = count("training_sessions.TrainingSession")

RULES = {
    "sessions:create": rule(
        "role",
        "GET POST",
        get("sessions:create", roles_html("pelatih", "stranger", "admin")),
        write(
            "sessions:create",
            "POST",
            roles_html("pelatih", "stranger", "admin", ok=ALLOWED),
            "an empty form",
            state=SESSIONS,
            unchanged_for=("pelatih", "stranger", "admin"),
        ),
    ),
    "sessions-api:session-list": rule(
        "login",
        "GET POST",
        get("sessions-api:session-list", login_api()),
        # Only a Pelatih over the host unit (or an admin) schedules: the service refuses
        # others with 400, the stranger of Polda Jatim included.
        write(
            "sessions-api:session-list",
            "POST",
            tiers(roles_api(refused=400), pelatih=None, admin=None),
            "a session hosted by Polres Sanggau",
            data=_new_session("POLRES-SANGGAU"),
            state=SESSIONS,
            api=True,
        ),
        write(
            "sessions-api:session-list",
            "POST",
            {"stranger": 201, "pelatih": 400},
            "a session of Polda Jatim: its own trainer, not Kalbar's",
            data=_new_session("POLDA-JATIM"),
            state=SESSIONS,
            api=True,
        ),
    ),
    "sessions:detail": rule(
        "scoped",
        "GET",
        get("sessions:detail", sees(*SEE_SINTANG), "a session of Polres Sintang", **SINTANG),
        get("sessions:detail", sees(*SEE_SANGGAU), "a session of Polres Sanggau", **SANGGAU),
        get("sessions:detail", sees(*SEE_KALBAR), "a finished Polda-wide session", **KALBAR),
        get("sessions:detail", sees(*MANAGERS), "a draft of Polres Sanggau", **DRAFT),
    ),
    "sessions:edit": rule(
        "role",
        "GET POST",
        get("sessions:edit", manages(SEE_SANGGAU), "the Sanggau session", **SANGGAU),
        get("sessions:edit", manages(SEE_SINTANG), "the Sintang session", **SINTANG),
        write(
            "sessions:edit",
            "POST",
            manages(SEE_SANGGAU, ok=ALLOWED),
            "rename the Sanggau session",
            data={"title": "Diubah lewat halaman"},
            state=row("sanggau_session", "title", "status"),
            **SANGGAU,
        ),
    ),
    "sessions:publish": rule(
        "role",
        "POST",
        write(
            "sessions:publish",
            "POST",
            tiers(sees(), pelatih=None, admin=None),
            "the Sanggau draft (seen by trainers and admins only)",
            state=row("sanggau_draft", "status"),
            **DRAFT,
        ),
        write(
            "sessions:publish",
            "POST",
            manages(SEE_SANGGAU, ok=ALLOWED),
            "an already published session: managers refused with a message, unchanged",
            state=row("sanggau_session", "status"),
            **SANGGAU,
        ),
    ),
    "sessions:cancel": rule(
        "role",
        "POST",
        # Those who see the session but may not manage it get 403.
        write(
            "sessions:cancel",
            "POST",
            manages(SEE_SANGGAU, ok=None),
            "cancel the Sanggau session",
            data={"reason": "Dibatalkan"},
            state=row("sanggau_session", "status"),
            **SANGGAU,
        ),
        write(
            "sessions:cancel",
            "POST",
            manages(SEE_SANGGAU, ok=ALLOWED),
            "cancel without a reason (harmless for managers)",
            data={"reason": ""},
            state=row("sanggau_session", "status"),
            **SANGGAU,
        ),
    ),
    "sessions:check-in": rule(
        "login",
        "POST",
        # Check-in is not open three days ahead: invitees get a message, nobody is recorded.
        write(
            "sessions:check-in",
            "POST",
            sees(*SEE_SANGGAU, status=ANY_REDIRECT),
            "the Sanggau session",
            state=_attendance("sanggau_session"),
            unchanged_for=SEE_SANGGAU,
            **SANGGAU,
        ),
    ),
    "sessions:ics": rule(
        "scoped",
        "GET",
        get("sessions:ics", sees(*SEE_SINTANG), "the Sintang session", **SINTANG),
        get("sessions:ics", sees(*SEE_SANGGAU), "the Sanggau session", **SANGGAU),
    ),
    "sessions:sheet": rule(
        "role",
        "GET POST",
        get(
            "sessions:sheet",
            tiers(sees(*SEE_KALBAR), peserta=403, pimpinan=403, outsider=403),
            "the Polda-wide session: operators and trainers mark their subtree",
            **KALBAR,
        ),
        get("sessions:sheet", tiers(sees(*SEE_SINTANG), outsider=403), "Sintang", **SINTANG),
        write(
            "sessions:sheet",
            "POST",
            tiers(
                sees(*SEE_KALBAR),
                peserta=403,
                pimpinan=403,
                outsider=403,
                operator=ALLOWED,
                pelatih=ALLOWED,
                admin=ALLOWED,
            ),
            "mark a Sintang participant",
            data=_mark_sintang,
            state=_attendance("kalbar_finished"),
            # The Sanggau operator's sheet has no Sintang row: the mark is ignored.
            unchanged_for=("operator",),
            **KALBAR,
        ),
    ),
    "sessions:zoom-import": rule(
        "role",
        "GET POST",
        get("sessions:zoom-import", manages(SEE_KALBAR), "the Polda-wide session", **KALBAR),
        get("sessions:zoom-import", manages(SEE_SINTANG), "the Sintang session", **SINTANG),
        write(
            "sessions:zoom-import",
            "POST",
            tiers(manages(SEE_KALBAR), pelatih=None, admin=None),
            "confirm an uploaded report",
            data=lambda w: {"confirm": w["zoom_preview"].pk},
            state=ZOOM_STATE,
            **KALBAR,
        ),
        write(
            "sessions:zoom-import",
            "POST",
            # The preview is looked up within the session: another session's reads as expired,
            # the same answer as a preview that was purged (400), and nothing is applied.
            {"anonymous": LOGIN_REDIRECT, "pelatih": 400, "admin": 400},
            "confirm another session's report through the Sanggau session",
            data=lambda w: {"confirm": w["zoom_preview"].pk},
            state=ZOOM_STATE,
            **SANGGAU,
        ),
        write(
            "sessions:zoom-import",
            "POST",
            {"pelatih": ALLOWED, "admin": ALLOWED},
            "an empty upload (harmless)",
            data={},
            **KALBAR,
        ),
    ),
    "sessions:summary": rule(
        "role",
        "GET",
        get("sessions:summary", sees(*SEE_KALBAR), "the Polda-wide session", **KALBAR),
        get("sessions:summary", sees(*SEE_SINTANG), "the Sintang session", **SINTANG),
    ),
    "sessions-api:session-detail": rule(
        "scoped",
        "GET PATCH",
        get(
            "sessions-api:session-detail",
            sees(*SEE_SINTANG, api=True),
            "a published session of Polres Sintang",
            **SINTANG,
        ),
        get(
            "sessions-api:session-detail",
            sees(*SEE_SANGGAU, api=True),
            "a session of Polres Sanggau",
            **SANGGAU,
        ),
        get(
            "sessions-api:session-detail",
            sees(*MANAGERS, api=True),
            "a draft of Polres Sanggau",
            **DRAFT,
        ),
        write(
            "sessions-api:session-detail",
            "PATCH",
            manages(SEE_SANGGAU, api=True, ok=None),
            "rename the Sanggau session",
            data={"title": "Diubah lewat API"},
            state=row("sanggau_session", "title"),
            api=True,
            **SANGGAU,
        ),
        write(
            "sessions-api:session-detail",
            "PATCH",
            {"pelatih": 200, "admin": 200},
            "keep the Sanggau session's title (harmless)",
            data={"title": "Sesi Polres Sanggau"},
            api=True,
            **SANGGAU,
        ),
    ),
    "sessions-api:session-publish": rule(
        "role",
        "POST",
        write(
            "sessions-api:session-publish",
            "POST",
            tiers(sees(api=True), pelatih=None, admin=None),
            "the Sanggau draft",
            state=row("sanggau_draft", "status"),
            api=True,
            **DRAFT,
        ),
        write(
            "sessions-api:session-publish",
            "POST",
            manages(SEE_SANGGAU, api=True, ok=400),
            "an already published session",
            state=row("sanggau_session", "status"),
            api=True,
            **SANGGAU,
        ),
    ),
    "sessions-api:session-cancel": rule(
        "role",
        "POST",
        write(
            "sessions-api:session-cancel",
            "POST",
            manages(SEE_SANGGAU, api=True, ok=None),
            "cancel the Sanggau session",
            data={"reason": "Dibatalkan"},
            state=row("sanggau_session", "status"),
            api=True,
            **SANGGAU,
        ),
        write(
            "sessions-api:session-cancel",
            "POST",
            {"pelatih": ALLOWED, "admin": ALLOWED},
            "no reason (harmless)",
            data={"reason": " "},
            state=row("sanggau_session", "status"),
            api=True,
            unchanged_for=MANAGERS,
            **SANGGAU,
        ),
    ),
    "sessions-api:participant-list": rule(
        "role",
        "GET POST",
        get(
            "sessions-api:participant-list",
            sees(*SEE_KALBAR, api=True),
            "the Polda-wide session (each sees their subtree's people)",
            **KALBAR,
        ),
        get(
            "sessions-api:participant-list",
            sees(*SEE_SINTANG, api=True),
            "the Sintang session",
            **SINTANG,
        ),
        write(
            "sessions-api:participant-list",
            "POST",
            # Nobody but admins sees the Jatim person: 404 before anything is added.
            tiers(sees(api=True, status=404), admin=None),
            "add a person of Polda Jatim to the Sanggau session",
            data=lambda w: {"nrp": w.markers["jatim"].nrp},
            state=count("training_sessions.Participant", session=pk("sanggau_session")),
            api=True,
            **SANGGAU,
        ),
        write(
            "sessions-api:participant-list",
            "POST",
            tiers(manages(SEE_SANGGAU, api=True), pelatih=ALLOWED, admin=ALLOWED),
            "add someone already invited",
            data=lambda w: {"nrp": w.users["peserta"].nrp},
            state=count("training_sessions.Participant", session=pk("sanggau_session")),
            api=True,
            unchanged_for=MANAGERS,
            **SANGGAU,
        ),
    ),
    "sessions-api:check-in": rule(
        "login",
        "POST",
        # Three days ahead: invitees are told it is not open yet, others that they are not
        # invited (400); outside their scope 404.
        write(
            "sessions-api:check-in",
            "POST",
            sees(*SEE_SANGGAU, api=True, status=400),
            "the Sanggau session",
            state=_attendance("sanggau_session"),
            api=True,
            **SANGGAU,
        ),
    ),
    "sessions-api:attendance": rule(
        "role",
        "POST",
        write(
            "sessions-api:attendance",
            "POST",
            tiers(
                sees(*SEE_KALBAR, api=True),
                peserta=403,
                pimpinan=403,
                outsider=403,
                # All or nothing: a participant outside the operator's subtree refuses the list.
                operator=400,
                pelatih=None,
                admin=None,
            ),
            "mark a Sintang participant",
            data=lambda w: {
                "marks": [{"participant": w["participant_sintang"].pk, "status": "IZIN"}]
            },
            state=_attendance("kalbar_finished"),
            api=True,
            **KALBAR,
        ),
        write(
            "sessions-api:attendance",
            "POST",
            {"pelatih": ALLOWED, "admin": ALLOWED, "anonymous": API_ANON},
            "an empty list (harmless)",
            data={"marks": []},
            api=True,
            **KALBAR,
        ),
    ),
    "sessions-api:zoom-import": rule(
        "role",
        "POST",
        write(
            "sessions-api:zoom-import",
            "POST",
            tiers(manages(SEE_KALBAR, api=True), pelatih=None, admin=None),
            "import a report into the Polda-wide session",
            data=_zoom_file(dry_run=False),
            state=ZOOM_STATE,
            api=True,
            **KALBAR,
        ),
        write(
            "sessions-api:zoom-import",
            "POST",
            {"pelatih": 200, "admin": 200},
            "a dry run",
            data=_zoom_file(dry_run=True),
            state=ZOOM_STATE,
            api=True,
            unchanged_for=MANAGERS,
            **KALBAR,
        ),
    ),
    "sessions-api:summary": rule(
        "role",
        "GET",
        get(
            "sessions-api:summary", sees(*SEE_KALBAR, api=True), "the Polda-wide session", **KALBAR
        ),
        get("sessions-api:summary", sees(*SEE_SINTANG, api=True), "the Sintang session", **SINTANG),
    ),
}
