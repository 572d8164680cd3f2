"""HTML pages for the curriculum: browse modules, open materials; trainers create and upload.

Files are never linked from a public media URL: `material_open` and `material_version_download`
check the reader, record the read and stream the file from storage (with HTTP Range support, so
phones can seek in videos).
"""

import re

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models import Count, Q
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.http.response import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from training import access
from training.errors import ApplicationError
from training.models import Material, MaterialVersion, Module
from training.selectors.curriculum import (
    material_get_for,
    material_read_counts,
    material_read_ids,
    material_read_of,
    material_versions_visible_to,
    materials_for_module,
    module_can_create,
    module_can_edit,
    modules_visible_to,
    user_is_trainer,
)
from training.services import curriculum as services
from training.uploads import ACCEPT_ATTRIBUTE, FILE_TYPES

# --- Forms (input shape only; the rules are in the services) ------------------------------


class ModuleForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=64,
        help_text=gettext_lazy("Lowercase letters, digits and dashes; it cannot change later."),
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=255)
    summary = forms.CharField(
        label=gettext_lazy("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    objectives = forms.CharField(
        label=gettext_lazy("Learning objectives"),
        required=False,
        help_text=gettext_lazy("One per line."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    tags = forms.CharField(
        label=gettext_lazy("Topic tags"),
        required=False,
        help_text=gettext_lazy("Separated by commas."),
    )
    hours = forms.IntegerField(
        label=gettext_lazy("Hours (JP)"), min_value=1, max_value=services.MAX_HOURS, initial=1
    )
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]

    @classmethod
    def initial_for(cls, module: Module) -> dict:
        return {
            "title": module.title,
            "summary": module.summary,
            "objectives": "\n".join(module.objectives),
            "tags": ", ".join(module.tags),
            "hours": module.hours,
            "is_active": module.is_active,
        }


class MaterialUploadForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=255,
        required=False,
        help_text=gettext_lazy("Leave empty to use the file name."),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )


class MaterialReplaceForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("New version"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )


class MaterialLinkForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=255)
    url = forms.CharField(
        label=gettext_lazy("Address (URL)"),
        max_length=1000,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    link_type = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Material.LinkType.choices)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MaterialEditForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=255)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    url = forms.CharField(label=gettext_lazy("Address (URL)"), max_length=1000, required=False)
    link_type = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=Material.LinkType.choices, required=False
    )

    def __init__(self, *args, is_link: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not is_link:
            del self.fields["url"]
            del self.fields["link_type"]


# --- Helpers ------------------------------------------------------------------------------


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("x-requested-with") == "XMLHttpRequest"


def _form_errors(form: forms.Form) -> list[str]:
    return [f"{form.fields[f].label if f in form.fields else ''}: {e}".lstrip(": ")
            for f, errs in form.errors.items() for e in errs]  # fmt: skip


def _readable_module(request: HttpRequest, code: str) -> Module:
    return get_object_or_404(modules_visible_to(user=request.user), code=code)


def _editable_module(request: HttpRequest, code: str) -> Module:
    module = _readable_module(request, code)
    if not module_can_edit(user=request.user, module=module):
        raise PermissionDenied(_("You may not change this module."))
    return module


def _readable_material(request: HttpRequest, pk: int) -> Material:
    material = material_get_for(user=request.user, pk=pk)
    if material is None:
        raise Http404(_("No such material."))
    return material


def _editable_material(request: HttpRequest, pk: int) -> Material:
    material = _readable_material(request, pk)
    if not module_can_edit(user=request.user, module=material.module):
        raise PermissionDenied(_("You may not change this material."))
    return material


# ASCII digits, at most 19 (any byte offset fits): a longer "number" is no range, and int() of
# thousands of digits would raise.
RANGE_RE = re.compile(r"^bytes=([0-9]{0,19})-([0-9]{0,19})$")
# A stored file opened in the browser runs nothing and loads nothing else; `object-src 'self'`
# lets the browser's own PDF viewer show a PDF (the site-wide policy says 'none').
FILE_POLICY = (
    "default-src 'none'; img-src 'self'; media-src 'self'; object-src 'self'; "
    "style-src 'unsafe-inline'; frame-ancestors 'none'"
)


def _chunks(handle, remaining: int, block: int = 64 * 1024):
    try:
        while remaining > 0:
            data = handle.read(min(block, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        handle.close()


def version_response(
    request: HttpRequest, version: MaterialVersion, *, attachment: bool
) -> HttpResponse:
    """Stream a stored version with safe headers. Honours one `Range: bytes=a-b` (video
    seeking on phones); anything else gets the whole file. The caller has authorized."""
    try:
        handle = default_storage.open(version.file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file of this material is missing from storage.")) from exc
    size = version.size
    match = RANGE_RE.match(request.headers.get("Range", "").strip())
    if match and (match.group(1) or match.group(2)):
        first, last = match.groups()
        if first:
            start, end = int(first), min(int(last) if last else size - 1, size - 1)
        else:  # the last N bytes
            start, end = max(size - int(last), 0), size - 1
        if start > end or start >= size:
            handle.close()
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        handle.seek(start)
        response = StreamingHttpResponse(
            _chunks(handle, end - start + 1), status=206, content_type=version.content_type
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
        response["Content-Disposition"] = content_disposition_header(
            attachment, version.original_name
        )
    else:
        response = FileResponse(
            handle,
            content_type=version.content_type,
            as_attachment=attachment,
            filename=version.original_name,
        )
    response["Accept-Ranges"] = "bytes"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_POLICY
    response["Cache-Control"] = "private, no-cache"
    return response


def _attachment_wanted(request: HttpRequest, version: MaterialVersion) -> bool:
    file_type = FILE_TYPES.get(version.file_type)
    return request.GET.get("download") == "1" or file_type is None or not file_type.inline


# --- Browsing -----------------------------------------------------------------------------


@login_required
@require_GET
def module_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    modules = modules_visible_to(user=request.user).annotate(
        material_count=Count("materials", filter=Q(materials__is_active=True))
    )
    if query:
        modules = modules.filter(Q(title__icontains=query) | Q(code__icontains=query))
    return render(
        request,
        "training/module_list.html",
        {
            "modules": modules,
            "query": query,
            "can_create": module_can_create(user=request.user),
        },
    )


def _module_page(
    request: HttpRequest,
    module: Module,
    *,
    upload_form: MaterialUploadForm | None = None,
    link_form: MaterialLinkForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    materials = list(materials_for_module(user=user, module=module))
    can_edit = module_can_edit(user=user, module=module)
    read_ids = material_read_ids(user=user, materials=materials)
    read_counts = material_read_counts(user=user, module=module)
    for material in materials:
        material.was_read = material.pk in read_ids
        material.read_count = read_counts.get(material.pk, 0)
    return render(
        request,
        "training/module_detail.html",
        {
            "module": module,
            "materials": materials,
            "usages": access.module_usages(module=module, user=user),
            "can_edit": can_edit,
            "upload_form": upload_form or MaterialUploadForm(),
            "link_form": link_form or MaterialLinkForm(),
            "max_upload": settings.MATERIAL_MAX_UPLOAD_BYTES,
        },
        status=status,
    )


@login_required
@require_GET
def module_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _module_page(request, _readable_module(request, code))


@login_required
@require_GET
def material_detail(request: HttpRequest, pk: int) -> HttpResponse:
    material = _readable_material(request, pk)
    return _material_page(request, material)


def _material_page(
    request: HttpRequest,
    material: Material,
    *,
    edit_form: MaterialEditForm | None = None,
    replace_form: MaterialReplaceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    can_edit = module_can_edit(user=user, module=material.module)
    if edit_form is None:
        edit_form = MaterialEditForm(
            is_link=material.is_link,
            initial={
                "title": material.title,
                "description": material.description,
                "url": material.url,
                "link_type": material.link_type,
            },
        )
    return render(
        request,
        "training/material_detail.html",
        {
            "material": material,
            "module": material.module,
            "versions": material_versions_visible_to(user=user, material=material),
            "read": material_read_of(user=user, material=material),
            "can_edit": can_edit,
            "is_trainer": user_is_trainer(user=user),
            "edit_form": edit_form,
            "replace_form": replace_form or MaterialReplaceForm(),
            "max_upload": settings.MATERIAL_MAX_UPLOAD_BYTES,
        },
        status=status,
    )


@login_required
@require_GET
def material_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a material: record the read, then stream the current file or go to the link."""
    material = _readable_material(request, pk)
    if not material.is_active and not user_is_trainer(user=request.user):
        raise Http404(_("No such material."))
    if material.is_link:
        services.material_open(user=request.user, material=material)
        return HttpResponseRedirect(material.url)
    version = material.current_version
    if version is None:
        raise Http404(_("This material has no file yet."))
    # Seeking in a video sends many Range requests: only the first one counts as opening.
    range_header = request.headers.get("Range", "")
    if not range_header or range_header.startswith("bytes=0-"):
        services.material_open(user=request.user, material=material)
    return version_response(request, version, attachment=_attachment_wanted(request, version))


@login_required
@require_GET
def material_version_download(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """One version of a file: earlier versions for trainers and admins only."""
    material = _readable_material(request, pk)
    version = get_object_or_404(
        material_versions_visible_to(user=request.user, material=material), number=number
    )
    return version_response(request, version, attachment=_attachment_wanted(request, version))


# --- Trainer pages ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def module_create(request: HttpRequest) -> HttpResponse:
    if not module_can_create(user=request.user):
        raise PermissionDenied(_("Only trainers and administrators may create modules."))
    form = ModuleForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                module = services.module_create(user=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Module created. Now add its materials."))
                return redirect("curriculum:module-detail", code=module.code)
        status = 400
    return render(
        request, "training/module_form.html", {"form": form, "module": None}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def module_update(request: HttpRequest, code: str) -> HttpResponse:
    module = _editable_module(request, code)
    form = ModuleForm(request.POST or None, editing=True, initial=ModuleForm.initial_for(module))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.module_update(user=request.user, module=module, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Module saved."))
                return redirect("curriculum:module-detail", code=module.code)
        status = 400
    return render(
        request, "training/module_form.html", {"form": form, "module": module}, status=status
    )


@login_required
@require_POST
def material_upload(request: HttpRequest, code: str) -> HttpResponse:
    module = _editable_module(request, code)
    form = MaterialUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            material = services.material_upload(
                user=request.user,
                module=module,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
            )
        except ApplicationError as exc:
            form.add_error("file", exc.message)
        else:
            target = reverse("curriculum:module-detail", kwargs={"code": module.code})
            messages.success(request, _("“%(title)s” uploaded.") % {"title": material.title})
            if _wants_json(request):
                return JsonResponse({"redirect": target})
            return redirect(target)
    if _wants_json(request):
        return JsonResponse({"errors": _form_errors(form)}, status=400)
    return _module_page(request, module, upload_form=form, status=400)


@login_required
@require_POST
def material_link_create(request: HttpRequest, code: str) -> HttpResponse:
    module = _editable_module(request, code)
    form = MaterialLinkForm(request.POST)
    if form.is_valid():
        try:
            services.material_link_create(user=request.user, module=module, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Link added."))
            return redirect("curriculum:module-detail", code=module.code)
    return _module_page(request, module, link_form=form, status=400)


@login_required
@require_POST
def material_move(request: HttpRequest, pk: int) -> HttpResponse:
    material = _editable_material(request, pk)
    try:
        services.material_move(
            user=request.user, material=material, direction=request.POST.get("direction", "")
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(
        reverse("curriculum:module-detail", kwargs={"code": material.module.code})
        + f"#material-{material.pk}"
    )


@login_required
@require_POST
def material_update(request: HttpRequest, pk: int) -> HttpResponse:
    material = _editable_material(request, pk)
    form = MaterialEditForm(request.POST, is_link=material.is_link)
    if form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k in form.fields}
        try:
            services.material_update(user=request.user, material=material, **changes)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Material saved."))
            return redirect("curriculum:material-detail", pk=material.pk)
    return _material_page(request, material, edit_form=form, status=400)


@login_required
@require_POST
def material_replace(request: HttpRequest, pk: int) -> HttpResponse:
    material = _editable_material(request, pk)
    form = MaterialReplaceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            version = services.material_replace(
                user=request.user, material=material, upload=form.cleaned_data["file"]
            )
        except ApplicationError as exc:
            form.add_error("file", exc.message)
        else:
            target = reverse("curriculum:material-detail", kwargs={"pk": material.pk})
            messages.success(
                request, _("Version %(number)s uploaded.") % {"number": version.number}
            )
            if _wants_json(request):
                return JsonResponse({"redirect": target})
            return redirect(target)
    if _wants_json(request):
        return JsonResponse({"errors": _form_errors(form)}, status=400)
    return _material_page(request, material, replace_form=form, status=400)


@login_required
@require_POST
def material_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    material = _editable_material(request, pk)
    active = request.POST.get("is_active") == "1"
    services.material_set_active(user=request.user, material=material, is_active=active)
    messages.success(request, _("Material restored.") if active else _("Material archived."))
    return redirect("curriculum:module-detail", code=material.module.code)
