from django.urls import path

from . import views

app_name = "sessions"

urlpatterns = [
    path("", views.session_list, name="list"),
    path("new/", views.session_edit, name="create"),
    path("calendar/", views.my_calendar, name="my-calendar"),
    path("feed/<str:token>.ics", views.calendar_feed, name="feed"),
    path("<int:pk>/", views.session_detail, name="detail"),
    path("<int:pk>/edit/", views.session_edit, name="edit"),
    path("<int:pk>/publish/", views.session_publish, name="publish"),
    path("<int:pk>/cancel/", views.session_cancel, name="cancel"),
    path("<int:pk>/check-in/", views.session_check_in, name="check-in"),
    path("<int:pk>/session.ics", views.session_ics, name="ics"),
    path("<int:pk>/attendance/", views.attendance_sheet, name="sheet"),
    path("<int:pk>/zoom-import/", views.zoom_import, name="zoom-import"),
    path("<int:pk>/summary/", views.attendance_summary, name="summary"),
]
