from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("", views.my_certificates, name="mine"),
    path("all/", views.certificate_list, name="list"),
    path("<int:pk>/", views.certificate_detail, name="detail"),
    path("<int:pk>/download/", views.certificate_download, name="download"),
    path("<int:pk>/revoke/", views.certificate_revoke, name="revoke"),
    path("<int:pk>/reissue/", views.certificate_reissue, name="reissue"),
    path("<int:pk>/retry/", views.certificate_retry, name="retry"),
    path("sessions/<int:session_id>/", views.session_certificates, name="session"),
    path("sessions/<int:session_id>/rule/", views.session_rule, name="session-rule"),
    path("sessions/<int:session_id>/issue/", views.session_issue, name="session-issue"),
    path("sessions/<int:session_id>/zip/", views.session_zip, name="session-zip"),
    path("jobs/<int:pk>/", views.job_status, name="job"),
    path("jobs/<int:pk>/download/", views.job_download, name="job-download"),
]
