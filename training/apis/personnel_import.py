"""`POST /api/v1/personnel/import/`: import an HR personnel list (CSV or XLSX), or dry-run it.

Same rules as the command and the web page (training.services.personnel.personnel_import):
a file with any bad row writes nothing and answers 400 with every problem by line.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.nul import StrictFormParser, StrictMultiPartParser
from training.importers.personnel import max_file_bytes, too_large_message
from training.services.personnel import personnel_import, personnel_import_allowed


class CanImportPersonnel(BasePermission):
    message = _("Only an Admin or an Operator may import personnel.")

    def has_permission(self, request, view) -> bool:
        return personnel_import_allowed(user=request.user)


class PersonnelImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=_(
            "CSV (UTF-8, comma or semicolon) or XLSX with the columns NRP, NAMA, PANGKAT, "
            "JABATAN (optional) and SATUAN."
        )
    )
    dry_run = serializers.BooleanField(
        default=False, help_text=_("Check and count only; write nothing.")
    )

    def validate_file(self, upload):
        if upload.size > max_file_bytes():
            raise serializers.ValidationError(too_large_message())
        return upload


class ImportProblemSerializer(serializers.Serializer):
    line = serializers.IntegerField(
        allow_null=True, help_text=_("Row number in the file; null for the whole file.")
    )
    message = serializers.CharField()


class PersonnelImportResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = ImportProblemSerializer(many=True)


class PersonnelImportApi(APIView):
    """Admins import into any unit; an Operator only into their own unit's subtree."""

    parser_classes = [StrictMultiPartParser, StrictFormParser]
    permission_classes = [IsAuthenticated, CanImportPersonnel]

    @extend_schema(
        operation_id="personnel_import",
        request={"multipart/form-data": PersonnelImportInputSerializer},
        responses={200: PersonnelImportResultSerializer, 400: PersonnelImportResultSerializer},
        tags=["personnel"],
    )
    def post(self, request):
        serializer = PersonnelImportInputSerializer(data=request.data)
        if not serializer.is_valid():
            # Same shape as a refused file, so clients read one kind of 400.
            problems = [
                {"line": None, "message": f"{field}: {message}"}
                for field, messages in serializer.errors.items()
                for message in messages
            ]
            body = {"dry_run": True, "created": 0, "updated": 0, "unchanged": 0, "errors": problems}
            return Response(PersonnelImportResultSerializer(body).data, status=400)
        result = personnel_import(
            source=serializer.validated_data["file"],
            dry_run=serializer.validated_data["dry_run"],
            actor=request.user,
        )
        body = PersonnelImportResultSerializer(result.as_dict()).data
        return Response(body, status=200 if result.ok else 400)
