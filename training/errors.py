"""The one exception type for domain refusals, shared by every app.

Services raise `ApplicationError("a sentence a person understands")`; DRF maps it to HTTP 400
(config.api.exception_handler) and HTML views show it as a form error.
"""


class ApplicationError(Exception):
    def __init__(self, message: str, *, extra: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}
