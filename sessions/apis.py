"""/api/v1/ endpoints for sessions, participants, check-in, operator marking and Zoom import.

Every view scopes through `sessions.selectors`; a session outside the user's scope is a 404.
Writes call `sessions.services`; domain refusals become 400s (config.api.exception_handler).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from core.parsers import StrictFormParser, StrictMultiPartParser
from core.relations import ScopedPrimaryKeyRelatedField, ScopedSlugRelatedField
from training.models import Module, Personnel, Unit
from training.selectors import modules_visible_to, personnel_visible_to, units_visible_to

from . import selectors, services
from .models import Participant, TrainingSession, ViconPoint
from .services.scheduling import OPTION_FIELDS
from .timefmt import format_local


def _session_for(request, pk: int) -> TrainingSession:
    return get_object_or_404(selectors.sessions_visible_to(user=request.user), pk=pk)


# --- scoped related fields ---------------------------------------------------------------------
def _markable_participants(*, user, context) -> QuerySet[Participant]:
    """The participants of the session being marked (`context["session"]`) the user may mark."""
    session = context.get("session")
    if session is None:
        return Participant.objects.none()
    return selectors.participants_markable_by(user=user, session=session)


def _minutes_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(required=False, min_value=0, max_value=24 * 60, **kwargs)


# --- serializers -------------------------------------------------------------------------------
class SessionListSerializer(serializers.ModelSerializer):
    host_unit = serializers.CharField(source="host_unit.code")
    start_local = serializers.SerializerMethodField()

    class Meta:
        model = TrainingSession
        fields = ["id", "title", "host_unit", "start_at", "end_at", "start_local", "status"]

    def get_start_local(self, obj) -> str:
        return format_local(obj.start_at, self.context.get("tz"))


class PresenterSerializer(serializers.Serializer):
    name = serializers.CharField(source="__str__")
    title = serializers.CharField(source="display_title")


class SessionDetailSerializer(SessionListSerializer):
    led_by = serializers.StringRelatedField()
    presenters = PresenterSerializer(many=True)
    modules = serializers.SerializerMethodField()
    invited_units = serializers.SerializerMethodField()
    zoom = serializers.SerializerMethodField()
    my_attendance = serializers.SerializerMethodField()

    class Meta(SessionListSerializer.Meta):
        fields = [
            *SessionListSerializer.Meta.fields,
            "description",
            "led_by",
            "presenters",
            "modules",
            "invited_units",
            "cancel_reason",
            "checkin_opens_before",
            "checkin_grace",
            "min_attendance_percent",
            "reminder_minutes_before",
            "zoom",
            "my_attendance",
        ]

    def get_modules(self, obj) -> list[str]:
        return [sm.module.code for sm in obj.session_modules.select_related("module")]

    def get_invited_units(self, obj) -> list[str]:
        return list(obj.invited_units.values_list("code", flat=True))

    def get_zoom(self, obj) -> dict | None:
        """Only for invitees and trainers/commanders in scope; null for everyone else."""
        if not selectors.session_can_see_join_link(user=self.context["request"].user, session=obj):
            return None
        return {
            "join_url": obj.zoom_join_url,
            "meeting_id": obj.zoom_meeting_id_display,
            "passcode": obj.zoom_passcode,
        }

    def get_my_attendance(self, obj) -> str | None:
        participant = selectors.participant_for(session=obj, user=self.context["request"].user)
        return participant.attendance_status if participant else None


class SessionWriteSerializer(serializers.Serializer):
    """Units, the leader and modules are looked up in the requesting user's scope
    (`context["request"]`): anything outside it "does not exist". Whether the user may schedule
    in the host unit is the service's decision."""

    title = serializers.CharField(max_length=255)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    host_unit = ScopedSlugRelatedField(
        slug_field="code", queryset=Unit.objects.none(), scope=units_visible_to
    )
    start_at = serializers.DateTimeField()
    end_at = serializers.DateTimeField()
    led_by = ScopedSlugRelatedField(
        slug_field="nrp",
        queryset=Personnel.objects.none(),
        scope=personnel_visible_to,
        required=False,
        allow_null=True,
    )
    zoom_join_url = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=500
    )
    zoom_meeting_id = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=20
    )
    zoom_passcode = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=32
    )
    invited_units = ScopedSlugRelatedField(
        slug_field="code",
        queryset=Unit.objects.none(),
        scope=units_visible_to,
        many=True,
        required=False,
        default=list,
    )
    modules = ScopedSlugRelatedField(
        slug_field="code",
        queryset=Module.objects.none(),
        scope=modules_visible_to,
        many=True,
        required=False,
        default=list,
    )
    checkin_opens_before = _minutes_field()
    checkin_grace = _minutes_field()
    checkin_closes_after_end = _minutes_field()
    min_attendance_percent = serializers.IntegerField(required=False, min_value=0, max_value=100)
    reminder_minutes_before = _minutes_field()


class SessionListQuerySerializer(serializers.Serializer):
    """The list filters. `unit` and `module` are looked up in the user's scope: a unit or module
    outside it (or an id that cannot exist) is a 400 "does not exist", not an empty filter."""

    when = serializers.CharField(required=False, default="", max_length=16)
    unit = ScopedSlugRelatedField(
        slug_field="code",
        queryset=Unit.objects.none(),
        scope=units_visible_to,
        required=False,
        allow_null=True,
    )
    module = ScopedPrimaryKeyRelatedField(
        queryset=Module.objects.none(), scope=modules_visible_to, required=False, allow_null=True
    )
    mine = serializers.CharField(required=False, default="", max_length=8)


@extend_schema_view(get=extend_schema(parameters=[SessionListQuerySerializer]))
class SessionListCreateApi(ListAPIView):
    """Sessions the user may see. Filters: `when` (upcoming/today/past), `unit` (code),
    `module` (id), `mine` (1)."""

    serializer_class = SessionListSerializer

    def get_queryset(self):
        params = SessionListQuerySerializer(
            data=self.request.query_params, context={"request": self.request}
        )
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        module = filters.get("module")
        return selectors.session_list(
            user=self.request.user,
            when=filters["when"],
            unit=filters.get("unit"),
            module_id=module.pk if module else None,
            mine=filters["mine"] in ("1", "true"),
        )

    def get_serializer_context(self):
        return {
            **super().get_serializer_context(),
            "tz": selectors.viewer_timezone(user=self.request.user),
        }

    @extend_schema(request=SessionWriteSerializer, responses={201: SessionDetailSerializer})
    def post(self, request):
        data = SessionWriteSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        options = {name: fields.pop(name) for name in OPTION_FIELDS if name in fields}
        session = services.session_create(user=request.user, options=options, **fields)
        return Response(
            SessionDetailSerializer(session, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class SessionDetailApi(APIView):
    def _context(self, request):
        return {"request": request, "tz": selectors.viewer_timezone(user=request.user)}

    @extend_schema(responses=SessionDetailSerializer)
    def get(self, request, pk: int):
        session = _session_for(request, pk)
        return Response(SessionDetailSerializer(session, context=self._context(request)).data)

    @extend_schema(request=SessionWriteSerializer, responses=SessionDetailSerializer)
    def patch(self, request, pk: int):
        session = _session_for(request, pk)
        data = SessionWriteSerializer(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        units = fields.pop("invited_units", None) if "invited_units" in request.data else None
        modules = fields.pop("modules", None) if "modules" in request.data else None
        fields.pop("invited_units", None)
        fields.pop("modules", None)
        session = services.session_update(
            session=session, user=request.user, invited_units=units, modules=modules, **fields
        )
        return Response(SessionDetailSerializer(session, context=self._context(request)).data)


class SessionPublishApi(APIView):
    @extend_schema(request=None, responses=SessionListSerializer)
    def post(self, request, pk: int):
        session = services.session_publish(session=_session_for(request, pk), user=request.user)
        return Response(SessionListSerializer(session).data)


class SessionCancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField()


class SessionCancelApi(APIView):
    @extend_schema(request=SessionCancelInputSerializer, responses=SessionListSerializer)
    def post(self, request, pk: int):
        data = SessionCancelInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = services.session_cancel(
            session=_session_for(request, pk), user=request.user, **data.validated_data
        )
        return Response(SessionListSerializer(session).data)


class ParticipantSerializer(serializers.ModelSerializer):
    nrp = serializers.CharField(source="personnel.nrp")
    name = serializers.CharField(source="personnel.name")
    rank = serializers.CharField(source="personnel.rank", default="")
    unit = serializers.CharField(source="unit.code")
    vicon_point = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Participant
        fields = [
            "id",
            "nrp",
            "name",
            "rank",
            "unit",
            "attendance_status",
            "minutes_attended",
            "attendance_source",
            "recorded_at",
            "note",
            "vicon_point",
            "quiz_score",
            "quiz_passed",
            "added_late",
        ]


class ParticipantAddInputSerializer(serializers.Serializer):
    # Looked up in the trainer's scope by the view: outside it, or unknown, is the same 404.
    nrp = serializers.CharField(max_length=32)


class ParticipantListApi(ListAPIView):
    """Participants of a session the user may see (their units' people, or themselves)."""

    serializer_class = ParticipantSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Participant.objects.none()
        session = _session_for(self.request, self.kwargs["pk"])
        qs = selectors.participants_visible_to(user=self.request.user, session=session)
        if self.request.query_params.get("status") is not None:
            qs = qs.filter(attendance_status=self.request.query_params["status"])
        return qs.order_by("unit__path", "personnel__name")

    @extend_schema(request=ParticipantAddInputSerializer, responses={201: ParticipantSerializer})
    def post(self, request, pk: int):
        """Add one participant explicitly (trainers; also after the start)."""
        session = _session_for(request, pk)
        data = ParticipantAddInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person = get_object_or_404(
            personnel_visible_to(user=request.user), nrp=data.validated_data["nrp"]
        )
        participant = services.participant_add_late(
            session=session, user=request.user, personnel=person
        )
        return Response(ParticipantSerializer(participant).data, status=status.HTTP_201_CREATED)


class CheckInApi(APIView):
    """Record my own attendance (HADIR, or TERLAMBAT after the grace period)."""

    @extend_schema(request=None, responses={201: ParticipantSerializer, 200: ParticipantSerializer})
    def post(self, request, pk: int):
        # Hot path: an invitee's own row (with its session) in one query. Anyone else goes
        # through the scoped lookup: 404 outside their scope, 400 "not invited" inside it.
        own = (
            Participant.objects.select_related("session")
            .filter(session_id=pk, personnel=request.user)
            .first()
        )
        session = own.session if own else _session_for(request, pk)
        participant, recorded = services.participant_check_in(
            session=session, user=request.user, participant=own
        )
        return Response(
            ParticipantSerializer(participant).data,
            status=status.HTTP_201_CREATED if recorded else status.HTTP_200_OK,
        )


class MarkSerializer(serializers.Serializer):
    """One mark. `participant` is one the user may mark in `context["session"]`, `vicon_point`
    one of the user's units' rooms; any other id "does not exist"."""

    participant = ScopedPrimaryKeyRelatedField(
        queryset=Participant.objects.none(), scope=_markable_participants, uses_context=True
    )
    status = serializers.ChoiceField(choices=Participant.AttendanceStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=255)
    vicon_point = ScopedPrimaryKeyRelatedField(
        queryset=ViconPoint.objects.none(),
        scope=selectors.vicon_points_for,
        required=False,
        allow_null=True,
    )
    minutes = _minutes_field(allow_null=True)


class AttendanceBulkInputSerializer(serializers.Serializer):
    marks = MarkSerializer(many=True, allow_empty=False)


class AttendanceBulkApi(APIView):
    """Operators and trainers record attendance for many participants of their units at once;
    all or nothing."""

    @extend_schema(
        request=AttendanceBulkInputSerializer,
        responses=inline_serializer(
            "AttendanceBulkResult", {"changed": serializers.IntegerField()}
        ),
    )
    def post(self, request, pk: int):
        session = _session_for(request, pk)
        if not selectors.user_can_mark_attendance(user=request.user):
            raise PermissionDenied("Only operators and trainers can record attendance.")
        data = AttendanceBulkInputSerializer(
            data=request.data, context={"request": request, "session": session}
        )
        data.is_valid(raise_exception=True)
        marks = [
            services.AttendanceMark(
                participant_id=m["participant"].pk,
                status=m["status"],
                note=m.get("note"),
                vicon_point_id=m["vicon_point"].pk if m.get("vicon_point") else None,
                minutes=m.get("minutes"),
            )
            for m in data.validated_data["marks"]
        ]
        changed = services.attendance_mark_bulk(session=session, user=request.user, marks=marks)
        return Response({"changed": changed})


class ZoomImportInputSerializer(serializers.Serializer):
    file = serializers.FileField()
    dry_run = serializers.BooleanField(required=False, default=False)


class ZoomImportApi(APIView):
    """Upload a Zoom participant report: `dry_run=true` shows what would change."""

    parser_classes = [StrictMultiPartParser, StrictFormParser]

    @extend_schema(
        request=ZoomImportInputSerializer,
        responses=inline_serializer(
            "ZoomImportResult",
            {"plan": serializers.DictField(), "applied": serializers.DictField(allow_null=True)},
        ),
    )
    def post(self, request, pk: int):
        session = _session_for(request, pk)
        if not selectors.session_can_manage(user=request.user, session=session):
            raise PermissionDenied("Only the session's trainers can import Zoom reports.")
        data = ZoomImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > services.zoom_import.max_file_bytes():
            raise services.zoom_import.zoom_report_too_large()
        plan, applied = services.zoom_report_import(
            session=session,
            content=upload.read(),
            user=request.user,
            dry_run=data.validated_data["dry_run"],
        )
        return Response({"plan": plan.as_dict(), "applied": applied})


class SummaryApi(APIView):
    """Attendance per unit (frozen at invitation), for the units the user may see."""

    @extend_schema(
        responses=inline_serializer(
            "UnitAttendance",
            {
                "unit_id": serializers.IntegerField(),
                "unit__name": serializers.CharField(),
                "invited": serializers.IntegerField(),
                "present": serializers.IntegerField(),
                "present_percent": serializers.IntegerField(),
            },
            many=True,
        )
    )
    def get(self, request, pk: int):
        session = _session_for(request, pk)
        return Response(selectors.attendance_summary_by_unit(user=request.user, session=session))
