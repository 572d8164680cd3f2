from django.urls import path

from . import apis, editor_apis

urlpatterns = [
    path("quizzes/", apis.QuizListApi.as_view(), name="api-quiz-list"),
    path("quizzes/<int:pk>/", apis.QuizDetailApi.as_view(), name="api-quiz-detail"),
    path("quizzes/<int:pk>/attempts/", apis.AttemptStartApi.as_view(), name="api-attempt-start"),
    path("quizzes/<int:pk>/results/", apis.QuizResultsApi.as_view(), name="api-quiz-results"),
    path(
        "quizzes/<int:pk>/statistics/", apis.QuizStatisticsApi.as_view(), name="api-quiz-statistics"
    ),
    path("attempts/<int:pk>/", apis.AttemptDetailApi.as_view(), name="api-attempt-detail"),
    path(
        "attempts/<int:pk>/answers/<int:question_id>/",
        apis.AnswerSaveApi.as_view(),
        name="api-answer-save",
    ),
    path("attempts/<int:pk>/submit/", apis.AttemptSubmitApi.as_view(), name="api-attempt-submit"),
    path("attempts/<int:pk>/result/", apis.AttemptResultApi.as_view(), name="api-attempt-result"),
    path(
        "modules/<slug:code>/questions/import/",
        apis.QuestionImportApi.as_view(),
        name="api-question-import",
    ),
    path(
        "modules/<slug:code>/questions/",
        editor_apis.QuestionListApi.as_view(),
        name="api-question-list",
    ),
    path(
        "questions/<int:pk>/", editor_apis.QuestionDetailApi.as_view(), name="api-question-detail"
    ),
    path(
        "question-categories/<int:pk>/order/",
        editor_apis.QuestionReorderApi.as_view(),
        name="api-question-reorder",
    ),
]
