"""check --deploy warns when Campus callbacks cannot be authenticated."""

from django.core.checks import run_checks

from campus.checks import campus_callback_secret


def ids(settings_secret, settings) -> list[str]:
    settings.CAMPUS_CALLBACK_SECRET = settings_secret
    return [message.id for message in campus_callback_secret(None)]


def test_a_missing_secret_is_a_deploy_warning(settings):
    assert ids("", settings) == ["campus.W001"]
    deploy = [m.id for m in run_checks(include_deployment_checks=True)]
    assert "campus.W001" in deploy
    assert "campus.W001" not in [m.id for m in run_checks()]


def test_a_short_secret_is_a_warning_and_a_long_one_passes(settings):
    assert ids("short", settings) == ["campus.W002"]
    assert ids("x" * 48, settings) == []
