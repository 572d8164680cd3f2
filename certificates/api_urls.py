from django.urls import path

from . import apis

urlpatterns = [
    path("certificates/", apis.CertificateListApi.as_view(), name="api-certificates"),
    path("certificates/mine/", apis.MyCertificateListApi.as_view(), name="api-certificates-mine"),
    path(
        "certificates/verify/<str:code>/",
        apis.VerifyApi.as_view(),
        name="api-certificate-verify",
    ),
    path("certificates/<int:pk>/", apis.CertificateDetailApi.as_view(), name="api-certificate"),
    path(
        "certificates/<int:pk>/download/",
        apis.CertificateDownloadApi.as_view(),
        name="api-certificate-download",
    ),
    path(
        "certificates/<int:pk>/revoke/",
        apis.CertificateRevokeApi.as_view(),
        name="api-certificate-revoke",
    ),
    path(
        "certificates/<int:pk>/reissue/",
        apis.CertificateReissueApi.as_view(),
        name="api-certificate-reissue",
    ),
    path(
        "certificates/<int:pk>/retry/",
        apis.CertificateRetryApi.as_view(),
        name="api-certificate-retry",
    ),
    path(
        "certificates/sessions/<int:session_id>/rule/",
        apis.CompletionRuleApi.as_view(),
        name="api-certificates-session-rule",
    ),
    path(
        "certificates/sessions/<int:session_id>/issue/",
        apis.SessionIssueApi.as_view(),
        name="api-certificates-session-issue",
    ),
    path(
        "certificates/sessions/<int:session_id>/zip/",
        apis.SessionZipApi.as_view(),
        name="api-certificates-session-zip",
    ),
    path(
        "certificates/jobs/<int:pk>/", apis.BulkJobDetailApi.as_view(), name="api-certificate-job"
    ),
    path(
        "certificates/jobs/<int:pk>/download/",
        apis.BulkJobDownloadApi.as_view(),
        name="api-certificate-job-download",
    ),
]
