"""`/api/v1/` for the organisation: the current user, units and personnel, scoped by role."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from core.scope import subtree_q
from training.models import Personnel, Rank, Unit
from training.selectors import personnel_visible_to, units_nameable_by, units_visible_to


def _unit_by_code(request, field: str, code: str) -> Unit:
    """The unit a filter names, looked up in the requester's scope; an unknown code (or one
    outside the scope, which reads the same) is a 400 that says so, not an empty list."""
    unit = units_nameable_by(user=request.user).filter(code=code).first()
    if unit is None:
        raise serializers.ValidationError({field: [_("No unit has the code %s.") % code]})
    return unit


class RankSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rank
        fields = ["code", "abbreviation", "name", "category", "golongan", "seniority"]


class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    tz_abbreviation = serializers.CharField(read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "kind", "parent", "timezone", "tz_abbreviation", "depth"]


class PersonnelSerializer(serializers.ModelSerializer):
    rank = RankSerializer(read_only=True)
    unit = UnitSerializer(read_only=True)

    class Meta:
        model = Personnel
        fields = ["id", "nrp", "name", "rank", "position", "unit", "is_active"]


class MeSerializer(PersonnelSerializer):
    roles = serializers.SerializerMethodField()

    class Meta(PersonnelSerializer.Meta):
        fields = [*PersonnelSerializer.Meta.fields, "roles"]

    def get_roles(self, obj: Personnel) -> list[str]:
        return sorted(obj.role_names)


class MeApi(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class UnitFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Unit.Kind.choices)
    parent = django_filters.CharFilter(field_name="parent__code", label="Parent unit code")
    within = django_filters.CharFilter(method="filter_within", label="Unit code: its subtree")
    q = django_filters.CharFilter(method="filter_q", label="Name or code contains")

    class Meta:
        model = Unit
        fields = ["kind", "parent", "within", "q"]

    def filter_within(self, queryset, name, value):
        return queryset.filter(subtree_q(_unit_by_code(self.request, "within", value)))

    def filter_q(self, queryset, name, value):

        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Units the requesting user may see (their subtree; everything for admins)."""

    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    lookup_field = "code"

    def get_queryset(self):
        return units_visible_to(user=self.request.user).select_related("parent")


class PersonnelFilter(django_filters.FilterSet):
    unit = django_filters.CharFilter(method="filter_unit", label="Unit code: its whole subtree")
    rank = django_filters.CharFilter(method="filter_rank", label="Rank code or abbreviation")
    q = django_filters.CharFilter(method="filter_q", label="NRP or name contains")
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = Personnel
        fields = ["unit", "rank", "q", "is_active"]

    def filter_unit(self, queryset, name, value):
        unit = _unit_by_code(self.request, "unit", value)
        return queryset.filter(subtree_q(unit, via="unit"))

    def filter_rank(self, queryset, name, value):

        return queryset.filter(Q(rank__code__iexact=value) | Q(rank__abbreviation__iexact=value))

    def filter_q(self, queryset, name, value):

        return queryset.filter(Q(nrp__contains=value) | Q(name__icontains=value))


class PersonnelViewSet(viewsets.ReadOnlyModelViewSet):
    """Personnel the requesting user may see: their unit subtree, or only themselves."""

    serializer_class = PersonnelSerializer
    filterset_class = PersonnelFilter

    def get_queryset(self):
        return personnel_visible_to(user=self.request.user).order_by("-rank__seniority", "name")


class RankListApi(generics.ListAPIView):
    serializer_class = RankSerializer
    queryset = Rank.objects.all()
    pagination_class = None
