from django.contrib import admin
from django.urls import include, path

from certificates import views as certificate_views
from config.api import DocsView, SchemaView
from training.views import core as training_views

api_v1 = [
    path("", include("training.api_urls")),
    path("", include("sessions.api_urls")),
    path("", include("certificates.api_urls")),
    path("", include("reports.api_urls")),
    path("", include("quizzes.api_urls")),
]

urlpatterns = [
    path("", training_views.home, name="home"),
    path("healthz/", training_views.healthz, name="healthz"),
    path("accounts/", include("training.urls")),
    path("sessions/", include("sessions.urls")),
    path("modules/", include("training.urls_curriculum")),
    path("personnel/", include("training.urls_personnel")),
    path("reports/", include("reports.urls")),
    path("quizzes/", include("quizzes.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("certificates/", include("certificates.urls")),
    path("v/<str:code>/", certificate_views.verify, name="certificate-verify"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", DocsView.as_view(url_name="api-schema"), name="api-docs"),
]
