"""Personnel pages, mounted at /personnel/ (namespace "personnel")."""

from django.urls import path

from .views import personnel_import as views

app_name = "personnel"

urlpatterns = [
    path("import/", views.personnel_import_upload, name="import"),
    path("import/confirm/", views.personnel_import_confirm, name="import-confirm"),
]
