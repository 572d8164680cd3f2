"""Signals the training app sends, so higher apps can react without training importing them."""

import django.dispatch

# Sent by `training.services.demo.demo_seed` after the organisation and personnel demo data is in
# place (sender=demo_seed). Keyword arguments: `stdout` (a callable taking one line of text, or
# None) and `scale` ("demo" or "polda"). Higher apps (sessions, quizzes, ...) connect a receiver
# in their AppConfig.ready() and add their own demo data idempotently.
demo_data_seeded = django.dispatch.Signal()
