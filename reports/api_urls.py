from django.urls import path

from . import apis

urlpatterns = [
    path("reports/completion/", apis.CompletionReportApi.as_view(), name="api-report-completion"),
    path("reports/exports/", apis.ExportRequestApi.as_view(), name="api-report-export"),
    path(
        "reports/exports/<int:pk>/", apis.ExportStatusApi.as_view(), name="api-report-export-status"
    ),
    path(
        "reports/exports/<int:pk>/download/",
        apis.ExportDownloadApi.as_view(),
        name="api-report-export-download",
    ),
]
