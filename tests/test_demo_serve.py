"""``mucverify demo-serve`` without root, and the site file it writes (no sshd needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import build_site

from pytest_mucverify.cli import main
from pytest_mucverify.demo.sshserve import ServedBlade, loopback_address, ssh_site_text


def test_without_root_it_says_so_and_exits_non_zero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = build_site(tmp_path / "site", accounts=("giraffe",))
    monkeypatch.setattr("os.geteuid", lambda: 1000)
    assert main(["demo-serve", str(site.parent)]) == 2
    assert "needs root" in capsys.readouterr().err
    assert not (site.parent / "site-ssh.toml").exists()


def test_each_old_blade_has_its_own_loopback_address() -> None:
    assert loopback_address("dfo23") == "127.0.0.23"
    assert loopback_address("dfo22") == "127.0.0.22"
    assert loopback_address("qc03") == "127.0.0.103"


def test_the_ssh_site_file_reaches_the_served_blade_and_keeps_the_rest(tmp_path: Path) -> None:
    site = build_site(tmp_path / "site", accounts=("giraffe",))
    blade = ServedBlade("dfo23", ("giraffe",), "127.0.0.23", 2222, site.parent / "ssh/dfo23", 1)
    text = ssh_site_text(site.parent, {"dfo23": blade}, timeout=5)
    section = text.split("[hosts.dfo23]\n", 1)[1].split("\n\n", 1)[0]
    assert 'url = "ssh://{account}@127.0.0.23:2222"' in section
    assert f'ssh_identity_file = "{site.parent}/ssh/dfo23/client_key"' in section
    assert "StrictHostKeyChecking=no" in section and "timeout = 5" in section
    assert "root =" not in section and "mounts =" not in section
    assert 'disk_prefixes = ["/diska"]' in section
    muc = text.split("[hosts.muc02]\n", 1)[1].split("\n\n", 1)[0]
    assert 'url = "local://"' in muc and 'root = "hosts/muc02"' in muc
