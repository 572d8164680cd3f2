"""Signals the sessions app sends, for higher apps (certificates, reports) to react to.

`participant_changed(participant=...)` is sent after the transaction commits whenever the
attendance or the quiz result of a participant changes. Receivers must be idempotent: the same
participant may be announced more than once.
"""

from django.dispatch import Signal

participant_changed = Signal()
