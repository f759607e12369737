"""The VNC displays a cron job uses, and whose they are."""

from __future__ import annotations

import pytest

from pytest_mucverify.dfos.vnc import display_number, displays_of, displays_used


def test_each_account_of_a_blade_gets_three_displays_in_alphabetical_order() -> None:
    accounts = ["uves", "giraffe", "xshooter"]
    assert displays_of("giraffe", accounts) == (1, 2, 3)
    assert displays_of("uves", accounts) == (4, 5, 6)
    assert displays_of("kmos", accounts) == ()


@pytest.mark.parametrize(
    ("value", "number"),
    [
        (":1", 1),
        (":1.0", 1),
        ("unix:1", 1),
        ("localhost:2", 2),
        ("muc02:3", 3),
        ("muc02.hq.eso.org:3", 3),
        ("dfo23:1", None),  # the old blade's :1
        ("muc05:1", None),
        ("muc020:1", None),
        ("nonsense", None),
    ],
)
def test_a_display_of_another_host_is_not_the_blades_own(value: str, number: int | None) -> None:
    assert display_number(value, "muc02") == number


def test_a_display_number_without_a_blade_ignores_the_host() -> None:
    assert display_number("dfo23:4") == 4


def test_the_vnc_keep_alive_display_argument_is_read() -> None:
    assert displays_used({"DISPLAY": ":1"}, "/home/giraffe/bin/vnc_keepalive :4") == [":1", ":4"]
    assert displays_used({}, "vncserver -kill :4 && sleep 2; echo :5") == [":4"]
    assert displays_used({}, "DISPLAY=muc05:1 xterm -display :2") == ["muc05:1", ":2"]
    assert displays_used({}, "date +%H:%M") == []
