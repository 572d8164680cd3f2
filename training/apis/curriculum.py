"""`/api/v1/` for the curriculum: modules and their materials, scoped by role.

Reading follows training.selectors.curriculum (trainers and admins: everything; commanders: active
modules; everyone else: modules a provider grants, e.g. sessions they are invited to). Writes call
the services, which refuse a wrong role with 403 and bad input (including refused uploads, with
the reason) with 400.
"""

import json

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers, status
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.fields import IdField, parse_id
from core.parsers import StrictFormParser, StrictMultiPartParser
from core.relations import ScopedPrimaryKeyRelatedField
from training.errors import ApplicationError
from training.models import Material, MaterialRead, MaterialVersion, Module, Personnel
from training.selectors import personnel_visible_to
from training.selectors.curriculum import (
    material_get_for,
    material_versions_visible_to,
    materials_for_module,
    module_can_edit,
    modules_visible_to,
)
from training.services import curriculum as services
from training.services.curriculum import MAX_HOURS, UNSET
from training.views.curriculum import version_response

# --- Output -------------------------------------------------------------------------------


class OwnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Personnel
        fields = ["id", "nrp", "name"]


class ModuleSerializer(serializers.ModelSerializer):
    owner = OwnerSerializer(read_only=True)
    can_edit = serializers.SerializerMethodField()

    class Meta:
        model = Module
        fields = [
            "id",
            "code",
            "title",
            "summary",
            "objectives",
            "tags",
            "hours",
            "owner",
            "is_active",
            "can_edit",
            "created_at",
            "updated_at",
        ]

    def get_can_edit(self, obj: Module) -> bool:
        return module_can_edit(user=self.context["request"].user, module=obj)


class MaterialVersionSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = MaterialVersion
        fields = [
            "number",
            "original_name",
            "file_type",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "download_url",
        ]

    def get_download_url(self, obj: MaterialVersion) -> str:
        request = self.context["request"]
        url = reverse("api-material-download", kwargs={"pk": obj.material_id})
        return request.build_absolute_uri(f"{url}?version={obj.number}")


class MaterialReadSerializer(serializers.ModelSerializer):
    class Meta:
        model = MaterialRead
        fields = ["first_opened_at", "last_opened_at", "open_count"]


class MaterialSerializer(serializers.ModelSerializer):
    module = serializers.SlugRelatedField(slug_field="code", read_only=True)
    current_version = MaterialVersionSerializer(read_only=True)
    my_read = serializers.SerializerMethodField()

    class Meta:
        model = Material
        fields = [
            "id",
            "module",
            "kind",
            "title",
            "description",
            "position",
            "url",
            "link_type",
            "is_active",
            "current_version",
            "my_read",
        ]

    @extend_schema_field(MaterialReadSerializer(allow_null=True))
    def get_my_read(self, obj: Material) -> dict | None:
        reads = self.context.get("reads")
        if reads is None:
            read = MaterialRead.objects.filter(
                material=obj, person=self.context["request"].user
            ).first()
        else:
            read = reads.get(obj.pk)
        return MaterialReadSerializer(read).data if read else None


# --- Input --------------------------------------------------------------------------------

# A module with more materials than this is not one anybody reorders by hand.
MAX_MATERIALS_ORDERED = 1000


class ModuleCreateInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=64)
    title = serializers.CharField(max_length=255)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    objectives = serializers.ListField(
        child=serializers.CharField(max_length=500), required=False, default=list
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, default=list
    )
    hours = serializers.IntegerField(min_value=1, max_value=MAX_HOURS, required=False, default=1)
    is_active = serializers.BooleanField(required=False, default=True)
    owner = ScopedPrimaryKeyRelatedField(
        scope=personnel_visible_to,
        required=False,
        allow_null=True,
        help_text="Admins only: the trainer who owns the module (default: the creator).",
    )


class ModuleUpdateInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=255, required=False)
    summary = serializers.CharField(required=False, allow_blank=True)
    objectives = serializers.ListField(child=serializers.CharField(max_length=500), required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    hours = serializers.IntegerField(min_value=1, max_value=MAX_HOURS, required=False)
    is_active = serializers.BooleanField(required=False)
    owner = ScopedPrimaryKeyRelatedField(
        scope=personnel_visible_to,
        required=False,
        allow_null=True,
        help_text="Admins only.",
    )


class MaterialUploadInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PDF, PPTX, DOCX, XLSX, MP4, JPG or PNG.")
    title = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")


class MaterialReplaceInputSerializer(serializers.Serializer):
    file = serializers.FileField()


class MaterialLinkInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=255)
    url = serializers.CharField(max_length=1000, help_text="http:// or https:// only.")
    link_type = serializers.ChoiceField(
        choices=Material.LinkType.choices, default=Material.LinkType.DOCUMENT
    )
    description = serializers.CharField(required=False, allow_blank=True, default="")


class MaterialUpdateInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=255, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    url = serializers.CharField(max_length=1000, required=False, help_text="Links only.")
    link_type = serializers.ChoiceField(
        choices=Material.LinkType.choices, required=False, help_text="Links only."
    )


class MaterialOrderInputSerializer(serializers.Serializer):
    order = serializers.ListField(
        child=IdField(),
        max_length=MAX_MATERIALS_ORDERED,
        help_text="Ids of all the module's active materials, in the new order.",
    )


# --- Views --------------------------------------------------------------------------------


def _module_for(request, code: str) -> Module:
    return get_object_or_404(modules_visible_to(user=request.user), code=code)


def _material_for(request, pk: int) -> Material:
    material = material_get_for(user=request.user, pk=pk)
    if material is None:
        raise Http404
    return material


def _reads_for(request, materials) -> dict[int, MaterialRead]:
    ids = [m.pk for m in materials]
    rows = MaterialRead.objects.filter(person=request.user, material_id__in=ids)
    return {row.material_id: row for row in rows}


class ModuleListCreateApi(generics.ListAPIView):
    """Modules the requesting user may read; trainers and admins create them."""

    serializer_class = ModuleSerializer

    def get_queryset(self):
        modules = modules_visible_to(user=self.request.user).order_by("code")
        if query := self.request.query_params.get("q", "").strip():
            modules = modules.filter(Q(title__icontains=query) | Q(code__icontains=query))
        return modules

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="Title or code contains")],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=ModuleCreateInputSerializer, responses={201: ModuleSerializer})
    def post(self, request):
        payload = ModuleCreateInputSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        module = services.module_create(user=request.user, **payload.validated_data)
        return Response(
            ModuleSerializer(module, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class ModuleDetailApi(APIView):
    @extend_schema(responses=ModuleSerializer)
    def get(self, request, code: str):
        module = _module_for(request, code)
        return Response(ModuleSerializer(module, context={"request": request}).data)

    @extend_schema(request=ModuleUpdateInputSerializer, responses=ModuleSerializer)
    def patch(self, request, code: str):
        module = _module_for(request, code)
        payload = ModuleUpdateInputSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        module = services.module_update(user=request.user, module=module, **payload.validated_data)
        return Response(ModuleSerializer(module, context={"request": request}).data)


class ModuleMaterialsApi(APIView):
    """The module's materials in order (archived ones too for its editors)."""

    @extend_schema(responses=MaterialSerializer(many=True))
    def get(self, request, code: str):
        module = _module_for(request, code)
        materials = list(materials_for_module(user=request.user, module=module))
        context = {"request": request, "reads": _reads_for(request, materials)}
        return Response(MaterialSerializer(materials, many=True, context=context).data)


class MaterialUploadApi(APIView):
    parser_classes = [StrictMultiPartParser, StrictFormParser]

    @extend_schema(
        request={"multipart/form-data": MaterialUploadInputSerializer},
        responses={
            201: MaterialSerializer,
            400: OpenApiResponse(description="The upload was refused; `detail` says why."),
        },
    )
    def post(self, request, code: str):
        module = _module_for(request, code)
        payload = MaterialUploadInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        material = services.material_upload(
            user=request.user,
            module=module,
            upload=payload.validated_data["file"],
            title=payload.validated_data["title"],
            description=payload.validated_data["description"],
        )
        return Response(
            MaterialSerializer(material, context={"request": request, "reads": {}}).data,
            status=status.HTTP_201_CREATED,
        )


class MaterialLinkApi(APIView):
    @extend_schema(request=MaterialLinkInputSerializer, responses={201: MaterialSerializer})
    def post(self, request, code: str):
        module = _module_for(request, code)
        payload = MaterialLinkInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        material = services.material_link_create(
            user=request.user, module=module, **payload.validated_data
        )
        return Response(
            MaterialSerializer(material, context={"request": request, "reads": {}}).data,
            status=status.HTTP_201_CREATED,
        )


class MaterialOrderApi(APIView):
    @extend_schema(request=MaterialOrderInputSerializer, responses=MaterialSerializer(many=True))
    def put(self, request, code: str):
        module = _module_for(request, code)
        payload = MaterialOrderInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.material_reorder(
            user=request.user, module=module, material_ids=payload.validated_data["order"]
        )
        materials = list(materials_for_module(user=request.user, module=module))
        context = {"request": request, "reads": _reads_for(request, materials)}
        return Response(MaterialSerializer(materials, many=True, context=context).data)


class MaterialDetailApi(APIView):
    @extend_schema(responses=MaterialSerializer)
    def get(self, request, pk: int):
        material = _material_for(request, pk)
        return Response(MaterialSerializer(material, context={"request": request}).data)

    @extend_schema(request=MaterialUpdateInputSerializer, responses=MaterialSerializer)
    def patch(self, request, pk: int):
        material = _material_for(request, pk)
        payload = MaterialUpdateInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        changes = {key: payload.validated_data.get(key, UNSET) for key in payload.fields}
        material = services.material_update(user=request.user, material=material, **changes)
        return Response(MaterialSerializer(material, context={"request": request}).data)


class MaterialReplaceApi(APIView):
    parser_classes = [StrictMultiPartParser, StrictFormParser]

    @extend_schema(
        request={"multipart/form-data": MaterialReplaceInputSerializer},
        responses={
            201: MaterialVersionSerializer,
            400: OpenApiResponse(description="The upload was refused; `detail` says why."),
        },
    )
    def post(self, request, pk: int):
        material = _material_for(request, pk)
        payload = MaterialReplaceInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        version = services.material_replace(
            user=request.user, material=material, upload=payload.validated_data["file"]
        )
        return Response(
            MaterialVersionSerializer(version, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class MaterialVersionsApi(APIView):
    """Every version for trainers and admins; only the current one for everybody else."""

    @extend_schema(responses=MaterialVersionSerializer(many=True))
    def get(self, request, pk: int):
        material = _material_for(request, pk)
        versions = material_versions_visible_to(user=request.user, material=material)
        return Response(
            MaterialVersionSerializer(versions, many=True, context={"request": request}).data
        )


class MaterialOpenApi(APIView):
    """Record that the requesting user opened the material (use for links; downloads record
    it themselves)."""

    @extend_schema(request=None, responses=MaterialReadSerializer)
    def post(self, request, pk: int):
        material = _material_for(request, pk)
        read = services.material_open(user=request.user, material=material)
        return Response(MaterialReadSerializer(read).data)


class BinaryRenderer(BaseRenderer):
    """Lets a client ask for the file's own type; errors still come back as JSON."""

    media_type = "*/*"
    format = "bin"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return json.dumps(data).encode()


class MaterialDownloadApi(APIView):
    """Stream the current file (or `?version=n`, earlier versions for trainers) and record the
    read. Links have no file: use their `url` and POST .../open/."""

    renderer_classes = [JSONRenderer, BinaryRenderer]

    @extend_schema(
        parameters=[OpenApiParameter("version", int, description="Version number")],
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            400: OpenApiResponse(description="The material is a link, not a file."),
        },
    )
    def get(self, request, pk: int):
        material = _material_for(request, pk)
        if material.is_link:
            raise ApplicationError(_("This material is a link, not a file; open its url."))
        versions = material_versions_visible_to(user=request.user, material=material)
        number = parse_id(request.query_params.get("version"), name=_("version"))
        if number is not None:
            version = get_object_or_404(versions, number=number)
        else:
            version = get_object_or_404(versions, pk=material.current_version_id)
        range_header = request.headers.get("Range", "")
        if not range_header or range_header.startswith("bytes=0-"):
            services.material_open(user=request.user, material=material)
        return version_response(
            request, version, attachment=request.query_params.get("inline") != "1"
        )
