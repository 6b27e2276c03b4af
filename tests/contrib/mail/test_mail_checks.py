"""System checks of the mail app."""

from rustforge.contrib.mail.checks import check_email_url, check_production_backend


def ids(messages):
    return [m.id for m in messages]


def test_valid_configuration_passes(settings):
    settings.EMAIL_URL = "smtp://mail.example.com:587?starttls=1"
    settings.ADMINS = [("Ada", "ada@example.com")]
    assert check_email_url() == []
    assert check_production_backend() == []


def test_bad_url_and_addresses_are_errors(settings):
    settings.EMAIL_URL = "smtp://mail.example.com?startls=1"
    settings.DEFAULT_FROM_EMAIL = "no-at-sign"
    settings.ADMINS = [("Ada", "ada@")]
    messages = check_email_url()
    assert ids(messages) == ["mail.E001", "mail.E002", "mail.E003"]
    assert "unknown option 'startls'" in messages[0].msg


def test_development_backend_is_a_deploy_warning(settings):
    settings.EMAIL_URL = "console://"
    (warning,) = check_production_backend()
    assert warning.id == "mail.W001" and "console://" in warning.msg
