from django.contrib import admin

from .models import Answer, Attempt, Category, Choice, Question, Quiz


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "module"]
    list_filter = ["module"]
    search_fields = ["name"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["name", "qtype", "category", "module", "is_active"]
    list_filter = ["qtype", "is_active", "module"]
    search_fields = ["name", "text"]
    inlines = [ChoiceInline]
    raw_id_fields = ["category", "created_by"]


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = ["title", "session", "kind", "open_at", "close_at"]
    list_filter = ["kind"]
    raw_id_fields = ["session", "created_by"]
    filter_horizontal = ["categories"]


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    """Read-only: attempts change only through quizzes.services."""

    list_display = ["quiz", "participant", "number", "status", "score", "deadline"]
    list_filter = ["status"]
    raw_id_fields = ["quiz", "participant"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["attempt", "question", "fraction", "saved_at"]
    raw_id_fields = ["attempt", "question"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
