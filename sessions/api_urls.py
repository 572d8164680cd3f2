from django.urls import path

from . import apis

app_name = "sessions-api"

urlpatterns = [
    path("sessions/", apis.SessionListCreateApi.as_view(), name="session-list"),
    path("sessions/<int:pk>/", apis.SessionDetailApi.as_view(), name="session-detail"),
    path("sessions/<int:pk>/publish/", apis.SessionPublishApi.as_view(), name="session-publish"),
    path("sessions/<int:pk>/cancel/", apis.SessionCancelApi.as_view(), name="session-cancel"),
    path(
        "sessions/<int:pk>/participants/",
        apis.ParticipantListApi.as_view(),
        name="participant-list",
    ),
    path("sessions/<int:pk>/check-in/", apis.CheckInApi.as_view(), name="check-in"),
    path("sessions/<int:pk>/attendance/", apis.AttendanceBulkApi.as_view(), name="attendance"),
    path("sessions/<int:pk>/zoom-import/", apis.ZoomImportApi.as_view(), name="zoom-import"),
    path("sessions/<int:pk>/summary/", apis.SummaryApi.as_view(), name="summary"),
]
