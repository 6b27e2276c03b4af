"""The mail app's tests reuse the SMTP servers of tests/mail."""

import sys
from pathlib import Path

MAIL_TESTS = Path(__file__).resolve().parents[2] / "mail"
if str(MAIL_TESTS) not in sys.path:
    sys.path.insert(0, str(MAIL_TESTS))

from mailtest_servers import refused_port, smtp_factory, smtp_server  # noqa: F401
