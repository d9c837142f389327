"""Running `tierlaw serve` and the CLI as real processes, for the web tests."""

import http.client
import socket
import subprocess
import sys
import time
from contextlib import contextmanager


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cli_bytes(*argv, cwd=None) -> subprocess.CompletedProcess:
    """`tierlaw ARGV...` in its own process; stdout and stderr as bytes."""
    return subprocess.run([sys.executable, "-m", "tierlaw.cli", *argv], capture_output=True, cwd=cwd, timeout=600)


def fetch(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@contextmanager
def running_server(cwd, *args):
    """`tierlaw serve --port P ARGS...` started in `cwd`; yields (port, process); stopped afterwards."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "tierlaw.cli", "serve", "--port", str(port), *args],
                              cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if fetch(port, "/openapi.json")[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("tierlaw serve did not start")
            time.sleep(0.2)
        yield port, server
    finally:
        server.terminate()
        try:
            server.stderr_text = server.communicate(timeout=30)[1].decode()
        except subprocess.TimeoutExpired:
            server.kill()
            server.stderr_text = server.communicate()[1].decode()
