"""Operational commands and the demo hook."""

import pytest
from django.core.management import CommandError, call_command

from certificates.models import Certificate
from certificates.services.demo import certificates_demo_seed


def test_issue_certificates_command(finished_session, attended, crowd, capsys):
    call_command("issue_certificates", session=finished_session.pk, render=True)
    out = capsys.readouterr().out
    assert "5 eligible, 5 issued now" in out and "5 rendered here" in out
    assert Certificate.objects.filter(status="ready").count() == 5
    call_command("issue_certificates", session=finished_session.pk)
    assert "0 issued now" in capsys.readouterr().out


def test_issue_certificates_unknown_session(db):
    with pytest.raises(CommandError, match="No training session"):
        call_command("issue_certificates", session=999999)


def test_sweep_certificates_command(finished_session, attended, capsys):
    call_command("sweep_certificates")
    assert "issued 1 certificates" in capsys.readouterr().out


def test_demo_seed_is_idempotent(finished_session, attended, crowd):
    assert certificates_demo_seed() == 5
    assert certificates_demo_seed() == 0
    assert Certificate.objects.count() == 5
