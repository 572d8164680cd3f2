"""training: organisation, personnel import and the curriculum.

The curriculum is scoped by role, not by unit (training/README.md): trainers and admins read
every module, commanders every active module, everyone else the modules of sessions they are
invited to. `modul-sanggau` is used by the Sanggau session (peserta, operator and pimpinan are
invited) and owned by pelatih; `modul-sintang` by the Sintang session and owned by the stranger.
Only a module's owner (and admins) edit it; who may read but not edit gets 403, who may not
read gets 404.
"""

from __future__ import annotations

import io

from tests.factories import sample_file

from .matrix import (
    ALLOWED,
    both,
    count,
    get,
    login_api,
    login_html,
    pk,
    roles_api,
    roles_html,
    row,
    rule,
    tiers,
    write,
)

# Who reads which module (and its active materials).
READ_SANGGAU_HTML = login_html()
READ_SANGGAU_API = login_api()
READ_SINTANG_HTML = tiers(login_html(), peserta=404, operator=404)
READ_SINTANG_API = tiers(login_api(), peserta=404, operator=404)
READERS_OF_SINTANG = ("pimpinan", "outsider", "pelatih", "stranger", "admin")
# Who edits: the owner and admins; readers who may not edit get 403, the rest 404.
EDIT_SANGGAU_HTML = roles_html("pelatih", "admin", refused=403, ok=ALLOWED)
EDIT_SANGGAU_API = roles_api("pelatih", "admin", refused=403, ok=ALLOWED)
EDIT_SINTANG_HTML = tiers(
    roles_html("stranger", "admin", refused=403, ok=ALLOWED), peserta=404, operator=404
)
EDIT_SINTANG_API = tiers(
    roles_api("stranger", "admin", refused=403, ok=ALLOWED), peserta=404, operator=404
)
# Earlier versions of a file: trainers and admins only.
TRAINERS_HTML = roles_html("pelatih", "stranger", "admin", refused=404)
TRAINERS_API = roles_api("pelatih", "stranger", "admin", refused=404)

SANGGAU = {"code": "modul-sanggau"}
SINTANG = {"code": "modul-sintang"}


def _pdf(world):
    return {"file": sample_file("pdf", "baru.pdf"), "title": "Materi Baru"}


def _replacement(world):
    return {"file": sample_file("pdf", "pengganti.pdf")}


def _materials_of(code: str):
    return count("training.Material", module__code=code)


def _personnel_csv(*rows: str):
    def data(world):
        text = "NRP,NAMA,PANGKAT,JABATAN,SATUAN\r\n" + "".join(f"{r}\r\n" for r in rows)
        upload = io.BytesIO(text.encode())
        upload.name = "personel.csv"
        return {"file": upload, "dry_run": "false"}

    return data


def _dry_run_csv(world):
    text = (
        "NRP,NAMA,PANGKAT,JABATAN,SATUAN\r\n85019999,Agus Salim,BRIGADIR,Banit,POLRES-SANGGAU\r\n"
    )
    upload = io.BytesIO(text.encode())
    upload.name = "personel.csv"
    return {"file": upload, "dry_run": "true"}


def _sintang_marker(world):
    marker = world.markers["sintang"]
    return type(marker).objects.filter(pk=marker.pk).values_list("name", "unit_id").first()


RULES = {
    "personnel:import": rule(
        "role",
        "GET POST",
        get("personnel:import", roles_html("operator", "admin")),
        write(
            "personnel:import",
            "POST",
            roles_html("operator", "admin", ok=ALLOWED),
            "a preview (an empty form)",
            state=count("training.Personnel"),
        ),
    ),
    "curriculum:module-create": rule(
        "role",
        "GET POST",
        get("curriculum:module-create", roles_html("pelatih", "stranger", "admin")),
        write(
            "curriculum:module-create",
            "POST",
            roles_html("pelatih", "stranger", "admin", ok=ALLOWED),
            "a new module",
            data={"code": "modul-baru", "title": "Modul Baru", "hours": 1, "is_active": "on"},
            state=count("training.Module"),
        ),
    ),
    "api-modules": rule(
        "login",
        "GET POST",
        get("api-modules", login_api()),
        write(
            "api-modules",
            "POST",
            roles_api("pelatih", "stranger", "admin", refused=403, ok=ALLOWED),
            "a new module",
            data={"code": "modul-api", "title": "Modul API"},
            state=count("training.Module"),
            api=True,
        ),
    ),
    "api-personnel-import": rule(
        "role",
        "POST",
        write(
            "api-personnel-import",
            "POST",
            roles_api("operator", "admin", refused=403),
            "a dry run in the operator's own Polres",
            data=_dry_run_csv,
            state=count("training.Personnel"),
            api=True,
        ),
        write(
            "api-personnel-import",
            "POST",
            {
                **roles_api(refused=403),
                # An Operator imports into their own subtree only: the whole file is refused.
                "operator": 400,
                "admin": None,  # admins may rename anyone: not tried, the marker must stay
            },
            "renaming a person of Polres Sintang",
            data=_personnel_csv("77000001,Nama Diganti,BRIPKA,Bamin,POLRES-SINTANG"),
            state=_sintang_marker,
            api=True,
        ),
    ),
    "curriculum:module-detail": rule(
        "login",
        "GET",
        get("curriculum:module-detail", READ_SANGGAU_HTML, "the Sanggau module", **SANGGAU),
        get("curriculum:module-detail", READ_SINTANG_HTML, "the Sintang module", **SINTANG),
    ),
    "curriculum:module-update": rule(
        "role",
        "GET POST",
        get(
            "curriculum:module-update",
            tiers(EDIT_SANGGAU_HTML, pelatih=200, admin=200),
            "pelatih's module",
            **SANGGAU,
        ),
        get(
            "curriculum:module-update",
            tiers(EDIT_SINTANG_HTML, stranger=200, admin=200),
            "the stranger's module",
            **SINTANG,
        ),
        write(
            "curriculum:module-update",
            "POST",
            EDIT_SINTANG_HTML,
            "rename the stranger's module",
            data={"title": "Modul Sintang Diubah", "hours": 1, "is_active": "on"},
            state=row("mod_sintang", "title"),
            **SINTANG,
        ),
    ),
    "curriculum:material-detail": rule(
        "login",
        "GET",
        get(
            "curriculum:material-detail",
            READ_SANGGAU_HTML,
            "a file of the Sanggau module",
            pk=pk("file_sanggau"),
        ),
        get(
            "curriculum:material-detail",
            READ_SINTANG_HTML,
            "a file of the Sintang module",
            pk=pk("file_sintang"),
        ),
        get(
            "curriculum:material-detail",
            READ_SINTANG_HTML,
            "a link of the Sintang module",
            pk=pk("link_sintang"),
        ),
    ),
    "curriculum:material-open": rule(
        "login",
        "GET",
        get(
            "curriculum:material-open",
            READ_SANGGAU_HTML,
            "a file of the Sanggau module",
            pk=pk("file_sanggau"),
        ),
        get(
            "curriculum:material-open",
            READ_SINTANG_HTML,
            "a file of the Sintang module",
            pk=pk("file_sintang"),
        ),
        get(
            "curriculum:material-open",
            tiers(login_html(302), peserta=404, operator=404),
            "a link of the Sintang module (redirects to it)",
            pk=pk("link_sintang"),
        ),
    ),
    "curriculum:material-version": rule(
        "login",
        "GET",
        get(
            "curriculum:material-version",
            READ_SANGGAU_HTML,
            "the current version (2)",
            pk=pk("file_sanggau"),
            number=2,
        ),
        get(
            "curriculum:material-version",
            TRAINERS_HTML,
            "an earlier version (1): trainers only",
            pk=pk("file_sanggau"),
            number=1,
        ),
        get(
            "curriculum:material-version",
            READ_SINTANG_HTML,
            "the Sintang file",
            pk=pk("file_sintang"),
            number=1,
        ),
    ),
    "curriculum:material-update": rule(
        "role",
        "POST",
        write(
            "curriculum:material-update",
            "POST",
            EDIT_SINTANG_HTML,
            "retitle a Sintang file",
            data={"title": "Diubah lewat halaman"},
            state=row("file_sintang", "title", "description"),
            pk=pk("file_sintang"),
        ),
        note="POST only (GET is 405).",
    ),
    "curriculum:material-replace": rule(
        "role",
        "POST",
        write(
            "curriculum:material-replace",
            "POST",
            EDIT_SINTANG_HTML,
            "replace a Sintang file",
            data=_replacement,
            state=both(
                row("file_sintang", "current_version"),
                count("training.MaterialVersion", material=pk("file_sintang")),
            ),
            pk=pk("file_sintang"),
        ),
        note="POST only (GET is 405).",
    ),
    "curriculum:material-move": rule(
        "role",
        "POST",
        write(
            "curriculum:material-move",
            "POST",
            EDIT_SINTANG_HTML,
            "move a Sintang file down",
            data={"direction": "down"},
            state=both(row("file_sintang", "position"), row("link_sintang", "position")),
            pk=pk("file_sintang"),
        ),
    ),
    "curriculum:material-upload": rule(
        "role",
        "POST",
        write(
            "curriculum:material-upload",
            "POST",
            EDIT_SINTANG_HTML,
            "upload into the stranger's module",
            data=_pdf,
            state=_materials_of("modul-sintang"),
            **SINTANG,
        ),
        note="POST only (GET is 405).",
    ),
    "curriculum:material-link": rule(
        "role",
        "POST",
        write(
            "curriculum:material-link",
            "POST",
            EDIT_SINTANG_HTML,
            "add a link to the stranger's module",
            data={"title": "Tautan", "url": "https://example.org/x", "link_type": "document"},
            state=_materials_of("modul-sintang"),
            **SINTANG,
        ),
        note="POST only (GET is 405).",
    ),
    "api-module": rule(
        "login",
        "GET PATCH",
        get("api-module", READ_SANGGAU_API, "the Sanggau module", **SANGGAU),
        get("api-module", READ_SINTANG_API, "the Sintang module", **SINTANG),
        write(
            "api-module",
            "PATCH",
            EDIT_SINTANG_API,
            "change the stranger's module",
            data={"summary": "Diubah"},
            state=row("mod_sintang", "summary"),
            api=True,
            **SINTANG,
        ),
    ),
    "api-module-materials": rule(
        "login",
        "GET",
        get("api-module-materials", READ_SANGGAU_API, "the Sanggau module", **SANGGAU),
        get("api-module-materials", READ_SINTANG_API, "the Sintang module", **SINTANG),
    ),
    "api-material-upload": rule(
        "role",
        "POST",
        write(
            "api-material-upload",
            "POST",
            EDIT_SINTANG_API,
            "upload into the stranger's module",
            data=_pdf,
            state=_materials_of("modul-sintang"),
            api=True,
            **SINTANG,
        ),
    ),
    "api-material-link": rule(
        "role",
        "POST",
        write(
            "api-material-link",
            "POST",
            EDIT_SINTANG_API,
            "add a link to the stranger's module",
            data={"title": "Tautan", "url": "https://example.org/x"},
            state=_materials_of("modul-sintang"),
            api=True,
            **SINTANG,
        ),
    ),
    "api-material-order": rule(
        "role",
        "PUT",
        write(
            "api-material-order",
            "PUT",
            EDIT_SINTANG_API,
            "reverse the stranger's module",
            data=lambda w: {"order": [w["link_sintang"].pk, w["file_sintang"].pk]},
            state=both(row("file_sintang", "position"), row("link_sintang", "position")),
            api=True,
            **SINTANG,
        ),
    ),
    "api-material": rule(
        "login",
        "GET PATCH",
        get("api-material", READ_SANGGAU_API, "a Sanggau file", pk=pk("file_sanggau")),
        get("api-material", READ_SINTANG_API, "a Sintang file", pk=pk("file_sintang")),
        write(
            "api-material",
            "PATCH",
            EDIT_SINTANG_API,
            "retitle a Sintang file",
            data={"title": "Diubah lewat API"},
            state=row("file_sintang", "title"),
            api=True,
            pk=pk("file_sintang"),
        ),
    ),
    "api-material-versions": rule(
        "login",
        "GET",
        get("api-material-versions", READ_SANGGAU_API, "a Sanggau file", pk=pk("file_sanggau")),
        get("api-material-versions", READ_SINTANG_API, "a Sintang file", pk=pk("file_sintang")),
    ),
    "api-material-replace": rule(
        "role",
        "POST",
        write(
            "api-material-replace",
            "POST",
            EDIT_SINTANG_API,
            "replace a Sintang file",
            data=_replacement,
            state=count("training.MaterialVersion", material=pk("file_sintang")),
            api=True,
            pk=pk("file_sintang"),
        ),
    ),
    "api-material-download": rule(
        "login",
        "GET",
        get("api-material-download", READ_SANGGAU_API, "a Sanggau file", pk=pk("file_sanggau")),
        get("api-material-download", READ_SINTANG_API, "a Sintang file", pk=pk("file_sintang")),
        get(
            "api-material-download",
            tiers(READ_SINTANG_API, **dict.fromkeys(READERS_OF_SINTANG, 400)),
            "a Sintang link (no file: 400 for readers)",
            pk=pk("link_sintang"),
        ),
    ),
    "api-material-open": rule(
        "login",
        "POST",
        write(
            "api-material-open",
            "POST",
            tiers(READ_SINTANG_API, **dict.fromkeys(READERS_OF_SINTANG, 200)),
            "record reading a Sintang link",
            state=count("training.MaterialRead", material=pk("link_sintang")),
            api=True,
            pk=pk("link_sintang"),
        ),
    ),
    "curriculum:material-set-active": rule(
        "role",
        "POST",
        # Last of the curriculum writes: the owner's request really archives the link.
        write(
            "curriculum:material-set-active",
            "POST",
            EDIT_SINTANG_HTML,
            "archive a Sintang link",
            data={"is_active": "0"},
            state=row("link_sintang", "is_active"),
            pk=pk("link_sintang"),
        ),
    ),
}
