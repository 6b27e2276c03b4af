"""rqworker --metrics-port: a taken port or a bad one is a one-line error."""

import socket

import pytest
from click.testing import CliRunner

from rustforge.management.commands.rqworker import command as rqworker

pytestmark = pytest.mark.usefixtures("rq_settings")


def test_a_taken_port_is_a_clear_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = CliRunner().invoke(rqworker, ["--burst", "--metrics-port", str(port)])
    assert result.exit_code == 1
    assert f"cannot serve metrics on 127.0.0.1:{port}" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("port", ["0", "70000", "http", "-1"])
def test_bad_ports_are_usage_errors(port):
    result = CliRunner().invoke(rqworker, ["--burst", "--metrics-port", port])
    assert result.exit_code == 2 and "Traceback" not in result.output

