"""`/api/v1/reports/`: report data, export jobs (request, status, download)."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from core.fields import IdField
from training.models import Unit
from training.selectors import units_visible_to, user_sees_subtree

from .models import ReportJob
from .selectors import (
    completion_by_child_unit,
    completion_trend,
    report_filter_clean,
    report_jobs_visible_to,
    report_scope_default,
)
from .services import CONTENT_TYPES, report_job_request


class FilterInputSerializer(serializers.Serializer):
    unit = serializers.CharField(required=False, help_text="Unit code; default: your own unit")
    session = IdField(required=False)
    module = IdField(required=False)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)


class ExportInputSerializer(FilterInputSerializer):
    format = serializers.ChoiceField(choices=ReportJob.Format.choices)


class CountsSerializer(serializers.Serializer):
    invited = serializers.IntegerField()
    attended = serializers.IntegerField()
    excused = serializers.IntegerField()
    absent = serializers.IntegerField()
    quiz_taken = serializers.IntegerField()
    quiz_passed = serializers.IntegerField()
    certified = serializers.IntegerField()
    completed = serializers.IntegerField()


class UnitRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    counts = CountsSerializer()
    completion_pct = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    is_bottom = serializers.BooleanField()
    has_children = serializers.BooleanField()
    is_direct = serializers.BooleanField()


class TrendPointSerializer(serializers.Serializer):
    label = serializers.CharField()
    title = serializers.CharField()
    completion_pct = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    invited = serializers.IntegerField()


class ReportOutputSerializer(serializers.Serializer):
    unit = serializers.CharField()
    unit_name = serializers.CharField()
    completion_basis = serializers.ChoiceField(choices=["certified", "completed"])
    rows = UnitRowSerializer(many=True)
    totals = CountsSerializer()
    totals_pct = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    trend = TrendPointSerializer(many=True)


class JobOutputSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(source="scope_unit", slug_field="code", read_only=True)
    percent = serializers.IntegerField(read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportJob
        fields = [
            "id",
            "unit",
            "format",
            "params",
            "status",
            "progress",
            "total",
            "percent",
            "error",
            "created_at",
            "finished_at",
            "download_url",
        ]

    def get_download_url(self, job: ReportJob) -> str | None:
        if job.status != ReportJob.Status.DONE:
            return None
        return f"/api/v1/reports/exports/{job.pk}/download/"


def _scope(request, code: str | None) -> Unit:
    if not user_sees_subtree(user=request.user):
        raise PermissionDenied("Only commanders, operators and trainers see unit reports.")
    if code:
        return get_object_or_404(units_visible_to(user=request.user), code=code)
    unit = report_scope_default(user=request.user)
    if unit is None:
        raise Http404
    return unit


def _filters(request, data: dict):
    return report_filter_clean(
        user=request.user,
        session_id=data.get("session"),
        module_id=data.get("module"),
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )


class CompletionReportApi(APIView):
    """Completion per child unit of a unit in your command, ranked, with totals and trend."""

    @extend_schema(parameters=[FilterInputSerializer], responses=ReportOutputSerializer)
    def get(self, request):
        params = FilterInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        unit = _scope(request, params.validated_data.get("unit"))
        filters = _filters(request, params.validated_data)
        report = completion_by_child_unit(user=request.user, unit=unit, filters=filters)
        trend = completion_trend(user=request.user, unit=unit, filters=filters)
        payload = {
            "unit": unit.code,
            "unit_name": unit.name,
            "completion_basis": report.completion_basis,
            "rows": report.rows,
            "totals": report.totals,
            "totals_pct": report.totals_pct,
            "trend": trend,
        }
        return Response(ReportOutputSerializer(payload).data)


class ExportRequestApi(APIView):
    """Ask for a PDF, XLSX or CSV export; poll the job, then download the file."""

    @extend_schema(request=ExportInputSerializer, responses={202: JobOutputSerializer})
    def post(self, request):
        data = ExportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        unit = _scope(request, data.validated_data.get("unit"))
        job = report_job_request(
            user=request.user,
            unit=unit,
            filters=_filters(request, data.validated_data),
            fmt=data.validated_data["format"],
            language=get_language() or "id",
        )
        job.refresh_from_db()
        return Response(JobOutputSerializer(job).data, status=status.HTTP_202_ACCEPTED)


def _visible_job(request, pk: int) -> ReportJob:
    return get_object_or_404(report_jobs_visible_to(user=request.user), pk=pk)


class ExportStatusApi(APIView):
    @extend_schema(responses=JobOutputSerializer)
    def get(self, request, pk: int):
        return Response(JobOutputSerializer(_visible_job(request, pk)).data)


class ExportDownloadApi(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        job = _visible_job(request, pk)
        if job.status != ReportJob.Status.DONE or not job.file:
            raise Http404
        return FileResponse(
            job.file.open("rb"),
            as_attachment=True,
            filename=job.filename,
            content_type=CONTENT_TYPES[job.format],
        )
