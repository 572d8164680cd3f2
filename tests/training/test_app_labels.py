from django.apps import apps


def test_sessions_app_uses_its_own_label_beside_django_sessions():
    # `sessions` is also django.contrib.sessions' label; ours must not collide with it.
    ours = apps.get_app_config("training_sessions")
    assert ours.name == "sessions"
    assert apps.get_app_config("sessions").name == "django.contrib.sessions"
