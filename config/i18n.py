"""Language selection: Indonesian unless the person chose otherwise.

Django's LocaleMiddleware follows the browser's Accept-Language, so a phone set to English would
get English pages. Polri Belajar speaks Indonesian by default; English is a choice a person makes
with the language switch (stored in the language cookie).
"""

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
