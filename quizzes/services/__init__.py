"""Every state change of the quizzes app. Other apps call these; they never write our models.

Split by area: `bank` (questions, import/export), `editor` (one question at a time, versions),
`quizzes` (quiz settings), `regrade` (recompute results after the grading changed), `attempts`
(start, save an answer, submit, grade, close overdue), `statistics`.
"""

from .attempts import (
    DealtQuestion,
    answer_save,
    attempt_deal_preview,
    attempt_start,
    attempt_submit,
    attempts_close_overdue,
    dealt_questions,
)
from .bank import ImportReport, questions_export, questions_file_text, questions_import
from .editor import (
    ChoiceInput,
    question_create,
    question_delete,
    question_in_use,
    question_move,
    question_restore,
    question_update,
    questions_reorder,
)
from .quizzes import quiz_create, quiz_update
from .regrade import (
    RecomputeRun,
    quiz_regrade_request,
    quiz_regrades_sweep,
    quiz_results_recompute,
)
from .statistics import quiz_statistics_compute

__all__ = [
    "ChoiceInput",
    "RecomputeRun",
    "DealtQuestion",
    "ImportReport",
    "answer_save",
    "attempt_deal_preview",
    "attempt_start",
    "attempt_submit",
    "attempts_close_overdue",
    "dealt_questions",
    "question_create",
    "question_delete",
    "question_in_use",
    "question_move",
    "question_restore",
    "question_update",
    "questions_export",
    "questions_file_text",
    "questions_import",
    "questions_reorder",
    "quiz_create",
    "quiz_regrade_request",
    "quiz_regrades_sweep",
    "quiz_results_recompute",
    "quiz_statistics_compute",
    "quiz_update",
]
