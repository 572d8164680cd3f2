"""Personnel import pages, mounted at /personnel/ (namespace "personnel").

Upload → preview → confirm. The upload is checked with a dry run and the preview shows the counts
and every problem by line. A clean file is kept in storage under an unguessable name that only
this user's session knows, so "Confirm" imports exactly the file that was previewed without a
second upload. The confirm step validates again (the data may have changed meanwhile) and then
deletes the file. Unconfirmed uploads are purged (`personnel_import_uploads_purge`: on each
upload, and hourly by Celery beat) after `PERSONNEL_IMPORT_PREVIEW_MAX_AGE_HOURS`.
"""

import secrets

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from training.importers.personnel import (
    COLUMN_ALIASES,
    MAX_ROWS,
    max_file_bytes,
    too_large_message,
)
from training.services.personnel import (
    PENDING_DIR,
    ImportResult,
    personnel_import,
    personnel_import_allowed,
    personnel_import_uploads_purge,
)

SESSION_KEY = "personnel_import_pending"
PROBLEMS_SHOWN = 500
TEMPLATE = "training/personnel_import.html"


class PersonnelImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Personnel list (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_file_bytes():
            raise forms.ValidationError(too_large_message())
        return upload


def _require_importer(request: HttpRequest) -> None:
    if not personnel_import_allowed(user=request.user):
        raise PermissionDenied(_("Only an Admin or an Operator may import personnel."))


def _context(**extra) -> dict:
    return {
        "columns": [(aliases[0], aliases[1:]) for aliases in COLUMN_ALIASES.values()],
        "max_rows": MAX_ROWS,
        "max_mb": max(1, max_file_bytes() // (1024 * 1024)),
        "problems_shown": PROBLEMS_SHOWN,
        **extra,
    }


def _result_context(result: ImportResult) -> dict:
    return {
        "result": result,
        "problems": [str(problem) for problem in result.errors[:PROBLEMS_SHOWN]],
        "problems_hidden": max(0, len(result.errors) - PROBLEMS_SHOWN),
    }


def _discard_pending(request: HttpRequest) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    if pending and pending.get("name", "").startswith(PENDING_DIR + "/"):
        default_storage.delete(pending["name"])


@login_required
@require_http_methods(["GET", "POST"])
def personnel_import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a list and preview it (a dry run); a clean list waits for confirmation."""
    _require_importer(request)
    if request.method == "GET":
        return render(request, TEMPLATE, _context(form=PersonnelImportForm()))
    form = PersonnelImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, TEMPLATE, _context(form=form), status=400)
    upload = form.cleaned_data["file"]
    result = personnel_import(source=upload, dry_run=True, actor=request.user)
    _discard_pending(request)
    if result.ok:
        personnel_import_uploads_purge()
        upload.seek(0)
        name = default_storage.save(f"{PENDING_DIR}/{secrets.token_hex(16)}.upload", upload)
        request.session[SESSION_KEY] = {
            "name": name,
            "filename": upload.name[:200],
            "saved_at": timezone.now().isoformat(),
        }
    return render(
        request,
        TEMPLATE,
        _context(form=PersonnelImportForm(), filename=upload.name, **_result_context(result)),
        status=200 if result.ok else 400,
    )


@login_required
@require_POST
def personnel_import_confirm(request: HttpRequest) -> HttpResponse:
    """Import the list previewed in this session."""
    _require_importer(request)
    pending = request.session.get(SESSION_KEY)
    name = (pending or {}).get("name", "")
    if not name.startswith(PENDING_DIR + "/") or not default_storage.exists(name):
        request.session.pop(SESSION_KEY, None)
        notice = _("Nothing is waiting to be imported; please upload the file again.")
        return render(
            request, TEMPLATE, _context(form=PersonnelImportForm(), notice=notice), status=400
        )
    if "cancel" in request.POST:
        _discard_pending(request)
        return redirect("personnel:import")
    with default_storage.open(name, "rb") as handle:
        result = personnel_import(source=handle, dry_run=False, actor=request.user)
    _discard_pending(request)
    return render(
        request,
        TEMPLATE,
        _context(
            form=PersonnelImportForm(),
            filename=pending.get("filename", ""),
            done=result.ok,
            **_result_context(result),
        ),
        status=200 if result.ok else 400,
    )
