"""Fixtures of the mail tests: real SMTP servers and a test CA."""

from mailtest_servers import (  # noqa: F401 - fixtures are found by name
    refused_port,
    server_tls_context,
    silent_server,
    smtp_factory,
    smtp_server,
    test_ca,
)
