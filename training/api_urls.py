from django.urls import path
from rest_framework.routers import SimpleRouter

from .apis import organisation as apis

router = SimpleRouter()
router.register("units", apis.UnitViewSet, basename="unit")
router.register("personnel", apis.PersonnelViewSet, basename="personnel")

urlpatterns = [
    path("me/", apis.MeApi.as_view(), name="api-me"),
    path("ranks/", apis.RankListApi.as_view(), name="api-ranks"),
    *router.urls,
]
