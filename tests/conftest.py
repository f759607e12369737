"""Fixtures shared by the tests."""

from __future__ import annotations

from sshd import sshd_server

__all__ = ["sshd_server"]
