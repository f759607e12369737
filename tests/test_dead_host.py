"""A blade that does not answer is found once, before the checks: one line per host, every check
that needs it an error row with that reason, and the run done within one timeout and a few
seconds."""

from __future__ import annotations

import os
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import build_site, verify

TIMEOUT = 3


@pytest.fixture
def frozen_port() -> Iterator[int]:
    """A TCP port on 127.0.0.1 that accepts connections and never says a word (a hung sshd)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(0.2)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(2)
    for connection in accepted:
        connection.close()
    server.close()


@pytest.mark.skipif(shutil.which("ssh") is None, reason="needs an OpenSSH client (ssh)")
def test_a_hanging_old_blade_costs_one_timeout(
    frozen_port: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = build_site(tmp_path / "site", accounts=("giraffe",))
    text = site.read_text()
    local = '[hosts.dfo23]\nurl = "local://"\nroot = "hosts/dfo23"\nbin = "hosts/dfo23/bin"\nmounts = { "/home" = "home" }'
    assert local in text
    site.write_text(
        text.replace(
            local,
            f'[hosts.dfo23]\nurl = "ssh://giraffe@127.0.0.1:{frozen_port}"\ntimeout = {TIMEOUT}',
        )
    )
    # every ssh the run starts is counted: one attempt, however many checks need the blade
    wrappers = tmp_path / "bin"
    wrappers.mkdir()
    attempts = tmp_path / "ssh-attempts"
    real_ssh = shutil.which("ssh")
    (wrappers / "ssh").write_text(f'#!/bin/sh\necho "$*" >> {attempts}\nexec {real_ssh} "$@"\n')
    (wrappers / "ssh").chmod(0o755)
    monkeypatch.setenv("PATH", f"{wrappers}:{os.environ['PATH']}")
    run = verify(site, "giraffe", tmp_path, workers=2)
    results = run.results("giraffe")
    errors = [row for row in results["checks"] if row["status"] == "error"]
    assert results["verdict"] == "NOT READY"
    assert len(errors) > 10
    assert len({row["message"] for row in errors}) == 1, {row["message"] for row in errors}
    assert errors[0]["message"].startswith("dfo23: ")
    assert run.output.count("dfo23 is down:") == 1
    assert "Traceback" not in run.output
    assert f"{len(errors)} errors" in run.output
    tried = [line for line in attempts.read_text().splitlines() if " -O " not in f" {line} "]
    assert len(tried) == 1, tried  # the probe's; every check after it knew the blade was down
    # and none of them waited: the one timeout was the probe's, before the checks
    assert max(row["duration"] for row in errors) < TIMEOUT
