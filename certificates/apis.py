"""`/api/v1/certificates/...`: the same rules as the HTML pages, through the same services and
selectors."""

from __future__ import annotations

import django_filters
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.client import client_address
from core.fields import IdFilter
from sessions.models import Participant
from sessions.selectors import sessions_visible_to

from . import selectors, services
from .models import BulkJob, Certificate
from .numbering import date_range_id
from .ratelimit import verification_allowed, verification_missed
from .services.issuing import REASON_MAX_LENGTH
from .views import DOWNLOADABLE, zip_response


class CertificateSerializer(serializers.ModelSerializer):
    session = serializers.IntegerField(source="participant.session_id", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    replaces = serializers.SlugRelatedField(slug_field="number", read_only=True)
    verification_url = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "id",
            "number",
            "code",
            "status",
            "status_display",
            "error",
            "recipient_name",
            "recipient_nrp",
            "recipient_rank",
            "recipient_unit",
            "session",
            "session_title",
            "session_start",
            "session_end",
            "modules",
            "issued_on",
            "signatory_name",
            "signatory_position",
            "replaces",
            "reissue_reason",
            "revoked_at",
            "revoke_reason",
            "rendered_at",
            "created_at",
            "verification_url",
        ]

    def get_verification_url(self, obj: Certificate) -> str:
        return services.verification_url(obj.code)


class CertificateFilter(django_filters.FilterSet):
    session = IdFilter(field_name="participant__session_id")
    status = django_filters.ChoiceFilter(choices=Certificate.Status.choices)

    class Meta:
        model = Certificate
        fields = ["session", "status"]


class CertificateListApi(generics.ListAPIView):
    """Certificates in the requesting user's scope."""

    serializer_class = CertificateSerializer
    filterset_class = CertificateFilter

    def get_queryset(self):
        return selectors.certificates_visible_to(user=self.request.user).order_by("-id")


class MyCertificateListApi(generics.ListAPIView):
    """The requesting user's own certificates."""

    serializer_class = CertificateSerializer

    def get_queryset(self):
        return selectors.certificates_of(user=self.request.user).order_by("-id")


class CertificateDetailApi(generics.RetrieveAPIView):
    serializer_class = CertificateSerializer

    def get_queryset(self):
        return selectors.certificates_visible_to(user=self.request.user)


class CertificateDownloadApi(APIView):
    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 409: OpenApiResponse()}
    )
    def get(self, request, pk: int):
        certificate = get_object_or_404(selectors.certificates_visible_to(user=request.user), pk=pk)
        if certificate.status not in DOWNLOADABLE:
            return Response(
                {"detail": f"{certificate.get_status_display()}"}, status=status.HTTP_409_CONFLICT
            )
        pdf = services.certificate_pdf(certificate=certificate)
        response = HttpResponse(pdf, content_type="application/pdf")
        filename = certificate.number.replace("/", "-")
        response["Content-Disposition"] = f'attachment; filename="sertifikat-{filename}.pdf"'
        return response


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)


def _managed_certificate(request, pk: int) -> Certificate:
    certificate = get_object_or_404(selectors.certificates_visible_to(user=request.user), pk=pk)
    if not selectors.certificate_can_manage(user=request.user, certificate=certificate):
        raise PermissionDenied
    return certificate


class CertificateRevokeApi(APIView):
    @extend_schema(request=ReasonInputSerializer, responses=CertificateSerializer)
    def post(self, request, pk: int):
        certificate = _managed_certificate(request, pk)
        data = ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        certificate = services.certificate_revoke(
            certificate=certificate, by=request.user, reason=data.validated_data["reason"]
        )
        return Response(CertificateSerializer(certificate).data)


class CertificateReissueApi(APIView):
    @extend_schema(request=ReasonInputSerializer, responses={201: CertificateSerializer})
    def post(self, request, pk: int):
        certificate = _managed_certificate(request, pk)
        data = ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        new = services.certificate_reissue(
            certificate=certificate, by=request.user, reason=data.validated_data["reason"]
        )
        return Response(CertificateSerializer(new).data, status=status.HTTP_201_CREATED)


class CertificateRetryApi(APIView):
    @extend_schema(request=None, responses=CertificateSerializer)
    def post(self, request, pk: int):
        certificate = services.certificate_retry(certificate=_managed_certificate(request, pk))
        return Response(CertificateSerializer(certificate).data)


# --- Sessions: rule, bulk issue, ZIP, jobs ---------------------------------------------------


class CompletionRuleSerializer(serializers.Serializer):
    attendance_statuses = serializers.ListField(
        child=serializers.ChoiceField(choices=Participant.AttendanceStatus.choices),
        allow_empty=False,
    )
    min_minutes = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=1440
    )
    require_quiz = serializers.BooleanField()
    require_material_read = serializers.BooleanField()
    auto_issue = serializers.BooleanField()
    session_has_quiz = serializers.BooleanField(read_only=True)


def _visible_session(request, session_id: int):
    return get_object_or_404(sessions_visible_to(user=request.user), pk=session_id)


def _managed_session(request, session_id: int):
    session = _visible_session(request, session_id)
    if not selectors.session_certificates_can_manage(user=request.user, session=session):
        raise PermissionDenied
    return session


def _rule_data(session) -> dict:
    context = services.rule_context(session=session)
    rule = context.rule
    return {
        "attendance_statuses": rule.attendance_statuses,
        "min_minutes": rule.min_minutes,
        "require_quiz": rule.require_quiz,
        "require_material_read": rule.require_material_read,
        "auto_issue": rule.auto_issue,
        "session_has_quiz": context.has_quiz,
    }


class CompletionRuleApi(APIView):
    """A session's completion rule (defaults when never set). Managers of the session only."""

    @extend_schema(responses=CompletionRuleSerializer)
    def get(self, request, session_id: int):
        session = _managed_session(request, session_id)
        return Response(CompletionRuleSerializer(_rule_data(session)).data)

    @extend_schema(request=CompletionRuleSerializer, responses=CompletionRuleSerializer)
    def put(self, request, session_id: int):
        session = _managed_session(request, session_id)
        data = CompletionRuleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.completion_rule_set(
            session=session,
            by=request.user,
            attendance_statuses=data.validated_data["attendance_statuses"],
            min_minutes=data.validated_data.get("min_minutes"),
            require_quiz=data.validated_data["require_quiz"],
            require_material_read=data.validated_data["require_material_read"],
            auto_issue=data.validated_data["auto_issue"],
        )
        return Response(CompletionRuleSerializer(_rule_data(session)).data)


class BulkJobSerializer(serializers.ModelSerializer):
    session = serializers.IntegerField(source="session_id", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = BulkJob
        fields = [
            "id",
            "kind",
            "session",
            "status",
            "progress",
            "total",
            "error",
            "created_at",
            "finished_at",
            "download_url",
        ]

    def get_download_url(self, obj: BulkJob) -> str | None:
        if obj.kind == BulkJob.Kind.ZIP and obj.status == BulkJob.Status.DONE:
            return f"/api/v1/certificates/jobs/{obj.pk}/download/"
        return None


class SessionIssueApi(APIView):
    """Issue certificates to every eligible participant (a job; poll it for progress)."""

    @extend_schema(request=None, responses={202: BulkJobSerializer})
    def post(self, request, session_id: int):
        session = _managed_session(request, session_id)
        job = services.certificates_issue_bulk(session=session, requested_by=request.user)
        return Response(BulkJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class SessionZipApi(APIView):
    """Build a ZIP of the session's certificates in the requester's scope (a job)."""

    @extend_schema(request=None, responses={202: BulkJobSerializer})
    def post(self, request, session_id: int):
        session = _visible_session(request, session_id)
        job = services.certificates_zip_request(session=session, requested_by=request.user)
        return Response(BulkJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class BulkJobDetailApi(generics.RetrieveAPIView):
    serializer_class = BulkJobSerializer

    def get_queryset(self):
        return selectors.bulk_jobs_visible_to(user=self.request.user)


class BulkJobDownloadApi(APIView):
    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        job = get_object_or_404(
            selectors.bulk_jobs_visible_to(user=request.user), pk=pk, kind=BulkJob.Kind.ZIP
        )
        return zip_response(job)


# --- Public verification --------------------------------------------------------------------


class VerificationSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    status = serializers.ChoiceField(choices=["valid", "revoked"])
    number = serializers.CharField()
    name = serializers.CharField()
    rank = serializers.CharField()
    unit = serializers.CharField()
    session = serializers.CharField()
    date = serializers.CharField()
    session_start = serializers.DateField()
    session_end = serializers.DateField(allow_null=True)


class VerifyApi(APIView):
    """Public: whether a verification code belongs to a valid certificate. Rate-limited."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses={200: VerificationSerializer, 404: OpenApiResponse(), 429: None})
    def get(self, request, code: str):
        client = client_address(request)
        if not verification_allowed(client=client):
            return Response(
                {"detail": "Too many verification requests; try again later."}, status=429
            )
        certificate = selectors.certificate_for_verification(code=code)
        if certificate is None:
            verification_missed(client=client)
            raise Http404("No certificate has this verification code.")
        return Response(
            VerificationSerializer(
                {
                    "valid": certificate.is_valid,
                    "status": "valid" if certificate.is_valid else "revoked",
                    "number": certificate.number,
                    "name": certificate.recipient_name,
                    "rank": certificate.recipient_rank,
                    "unit": certificate.recipient_unit,
                    "session": certificate.session_title,
                    "date": date_range_id(certificate.session_start, certificate.session_end),
                    "session_start": certificate.session_start,
                    "session_end": certificate.session_end,
                }
            ).data
        )
