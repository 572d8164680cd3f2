"""Curriculum pages, mounted at /modules/ (namespace "curriculum")."""

from django.urls import path

from .views import curriculum as views

app_name = "curriculum"

urlpatterns = [
    path("", views.module_list, name="module-list"),
    path("new/", views.module_create, name="module-create"),
    path("materials/<int:pk>/", views.material_detail, name="material-detail"),
    path("materials/<int:pk>/open/", views.material_open, name="material-open"),
    path(
        "materials/<int:pk>/versions/<int:number>/",
        views.material_version_download,
        name="material-version",
    ),
    path("materials/<int:pk>/edit/", views.material_update, name="material-update"),
    path("materials/<int:pk>/replace/", views.material_replace, name="material-replace"),
    path("materials/<int:pk>/move/", views.material_move, name="material-move"),
    path("materials/<int:pk>/active/", views.material_set_active, name="material-set-active"),
    # Module codes "new" and "materials" are reserved (training.services.curriculum).
    path("<slug:code>/", views.module_detail, name="module-detail"),
    path("<slug:code>/edit/", views.module_update, name="module-update"),
    path("<slug:code>/materials/upload/", views.material_upload, name="material-upload"),
    path("<slug:code>/materials/link/", views.material_link_create, name="material-link"),
]
