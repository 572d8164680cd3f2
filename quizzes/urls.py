from django.urls import path

from . import editor_views, views

app_name = "quizzes"

urlpatterns = [
    path("", views.quiz_list, name="list"),
    path("session/<int:session_pk>/", views.session_quizzes, name="session"),
    path("session/<int:session_pk>/new/", views.quiz_new, name="new"),
    path("<int:pk>/", views.quiz_detail, name="detail"),
    path("<int:pk>/settings/", views.quiz_edit, name="edit"),
    path("<int:pk>/preview/", views.quiz_preview, name="preview"),
    path("<int:pk>/start/", views.attempt_begin, name="start"),
    path("<int:pk>/results/", views.quiz_results, name="results"),
    path("<int:pk>/statistics/", views.quiz_statistics, name="statistics"),
    path("attempts/<int:pk>/", views.attempt_page, name="attempt"),
    path("attempts/<int:pk>/answers/<int:question_id>/", views.answer_save_view, name="answer"),
    path("attempts/<int:pk>/submit/", views.attempt_finish, name="submit"),
    path("attempts/<int:pk>/result/", views.attempt_result, name="result"),
    path("bank/<slug:code>/", views.bank, name="bank"),
    path("bank/<slug:code>/import/", views.bank_import, name="import"),
    path("bank/<slug:code>/export/", views.bank_export, name="export"),
    path("bank/<slug:code>/questions/new/", editor_views.question_new, name="question-new"),
    path("questions/<int:pk>/edit/", editor_views.question_edit, name="question-edit"),
    path("questions/<int:pk>/delete/", editor_views.question_delete_view, name="question-delete"),
    path(
        "questions/<int:pk>/restore/",
        editor_views.question_restore_view,
        name="question-restore",
    ),
    path("questions/<int:pk>/move/", editor_views.question_move_view, name="question-move"),
]
