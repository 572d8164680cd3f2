"""Every state change of the quizzes app. Other apps call these; they never write our models.

Split by area: `bank` (questions, import/export), `quizzes` (quiz settings), `attempts`
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
from .quizzes import quiz_create, quiz_update
from .statistics import quiz_statistics_compute

__all__ = [
    "DealtQuestion",
    "ImportReport",
    "answer_save",
    "attempt_deal_preview",
    "attempt_start",
    "attempt_submit",
    "attempts_close_overdue",
    "dealt_questions",
    "questions_export",
    "questions_file_text",
    "questions_import",
    "quiz_create",
    "quiz_statistics_compute",
    "quiz_update",
]
