from django.urls import path
from rest_framework.routers import SimpleRouter

from .apis import curriculum as curriculum_apis
from .apis import organisation as apis
from .apis import personnel_import as personnel_import_apis

router = SimpleRouter()
router.register("units", apis.UnitViewSet, basename="unit")
router.register("personnel", apis.PersonnelViewSet, basename="personnel")

urlpatterns = [
    path("me/", apis.MeApi.as_view(), name="api-me"),
    path("ranks/", apis.RankListApi.as_view(), name="api-ranks"),
    # Before the router, whose "personnel/<pk>/" would otherwise catch "personnel/import/".
    path(
        "personnel/import/",
        personnel_import_apis.PersonnelImportApi.as_view(),
        name="api-personnel-import",
    ),
    *router.urls,
    path("modules/", curriculum_apis.ModuleListCreateApi.as_view(), name="api-modules"),
    path("modules/<slug:code>/", curriculum_apis.ModuleDetailApi.as_view(), name="api-module"),
    path(
        "modules/<slug:code>/materials/",
        curriculum_apis.ModuleMaterialsApi.as_view(),
        name="api-module-materials",
    ),
    path(
        "modules/<slug:code>/materials/upload/",
        curriculum_apis.MaterialUploadApi.as_view(),
        name="api-material-upload",
    ),
    path(
        "modules/<slug:code>/materials/links/",
        curriculum_apis.MaterialLinkApi.as_view(),
        name="api-material-link",
    ),
    path(
        "modules/<slug:code>/materials/order/",
        curriculum_apis.MaterialOrderApi.as_view(),
        name="api-material-order",
    ),
    path("materials/<int:pk>/", curriculum_apis.MaterialDetailApi.as_view(), name="api-material"),
    path(
        "materials/<int:pk>/versions/",
        curriculum_apis.MaterialVersionsApi.as_view(),
        name="api-material-versions",
    ),
    path(
        "materials/<int:pk>/replace/",
        curriculum_apis.MaterialReplaceApi.as_view(),
        name="api-material-replace",
    ),
    path(
        "materials/<int:pk>/download/",
        curriculum_apis.MaterialDownloadApi.as_view(),
        name="api-material-download",
    ),
    path(
        "materials/<int:pk>/open/",
        curriculum_apis.MaterialOpenApi.as_view(),
        name="api-material-open",
    ),
]
