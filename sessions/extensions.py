"""Hooks through which higher apps add links to the session page, without sessions importing them.

`sessions` knows nothing of quizzes or certificates (training <- sessions <- quizzes <-
certificates), yet its detail page is where a trainer looks for the session's certificates and
quiz statistics and a participant for their attempt and certificate. A higher app registers a
*session link provider* once, in its `AppConfig.ready()`:

    from sessions.extensions import register_session_link_provider

    def quiz_links(*, session, user):
        return [(_("Quiz"), reverse("quizzes:detail", args=[quiz.pk])) for quiz in ...]

    register_session_link_provider(quiz_links)

A provider is called with the session and the requesting user (authenticated, active, and
already allowed to see the session) and returns a list of `(label, url)` pairs, only for pages
that user may open. It must be cheap: a query or two, never a query per participant.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

SessionLink = tuple[str, str]
SessionLinkProvider = Callable[..., Iterable[SessionLink]]

_link_providers: list[SessionLinkProvider] = []


def register_session_link_provider(func: SessionLinkProvider) -> SessionLinkProvider:
    """Add `func(*, session, user)` to the providers asked by the session page. Registering the
    same function twice has no effect (ready() may run more than once in tests). Usable as a
    decorator."""
    if func not in _link_providers:
        _link_providers.append(func)
    return func


def unregister_session_link_provider(func: SessionLinkProvider) -> None:
    if func in _link_providers:
        _link_providers.remove(func)


def session_link_providers() -> tuple[SessionLinkProvider, ...]:
    return tuple(_link_providers)


def session_links(*, session: Any, user: Any) -> list[SessionLink]:
    """Every link the providers offer `user` on `session`'s page, in registration order."""
    links: list[SessionLink] = []
    for provider in _link_providers:
        links.extend(provider(session=session, user=user))
    return links
