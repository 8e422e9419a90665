"""`relance serve` runs the real web app under gunicorn on 127.0.0.1.

These tests start the command as a subprocess, as a user would, on an SQLite database
in a temporary RELANCE_HOME; every wait is bounded and the server is always stopped.
"""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.plugins.ports import free_port

STARTUP_SECONDS = 40


@pytest.fixture
def home(tmp_path):
    """A migrated embedded database, whatever database the test session itself uses."""
    environ = {**os.environ, "RELANCE_HOME": str(tmp_path), "WEB_CONCURRENCY": "1"}
    environ.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "relance", "migrate", "-v0"], env=environ,
                   check=True, timeout=180, capture_output=True)
    return tmp_path, environ


def status_of(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def wait_until_up(server, url, log):
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"relance serve exited with {server.returncode}:\n{log.read_text()}")
        try:
            return status_of(url)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    pytest.fail(f"relance serve did not answer within {STARTUP_SECONDS} s:\n{log.read_text()}")


def stop(server):
    """SIGTERM lets gunicorn stop its workers; kill the whole group if it lingers."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)


def test_serve_answers_pages_and_static_files_and_logs_requests(home):
    path, environ = home
    port, log = free_port(), path / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "relance", "serve", "--port", str(port)], env=environ,
            stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        assert wait_until_up(server, f"{base}/login/", log) == 200
        assert status_of(f"{base}/static/admin/css/base.css") == 200
    finally:
        stop(server)
    assert "GET /login/" in log.read_text()


def test_serve_refuses_a_port_already_taken(home):
    _, environ = home
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "relance", "serve", "--port", str(port)], env=environ,
            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert f"port {port}" in result.stderr and "already in use" in result.stderr
