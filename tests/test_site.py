"""The site file: what it accepts, and errors that name the file, the key and the problem."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import pytest_mucverify
from pytest_mucverify.site import SiteError, load_site

FLEET = Path(pytest_mucverify.__file__).parent / "sites" / "fleet.toml"
MINIMAL = '[hosts.muc02]\nurl = "local://"\n[hosts.dfo23]\nurl = "ssh://{account}@dfo23"\n[accounts.giraffe]\nmuc = "muc02"\nops = "dfo23"\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "site.toml"
    path.write_text(text)
    return path


def test_the_example_fleet_places_every_account_of_the_plan() -> None:
    site = load_site(FLEET)
    assert [a.name for a in site.accounts_on("muc02")] == [
        "giraffe",
        "qc_shift",
        "uves",
        "xshooter",
    ]
    assert len(site.accounts) == 25
    assert site.accounts["giraffe"].ops == "dfo23"
    assert not site.accounts["uvesr"].has("calchecker")
    assert site.accounts["preimg"].has("processpreimg") and not site.accounts["preimg"].has(
        "autodaily"
    )
    assert site.physical_prefixes == ("/fujisan3", "/diska")


def test_a_minimal_site_gets_the_defaults(tmp_path: Path) -> None:
    site = load_site(write(tmp_path, MINIMAL))
    giraffe = site.account("giraffe")
    assert giraffe.home == "/home/giraffe"
    assert site.physical_prefixes == ("/fujisan3", "/diska")
    assert site.hosts["dfo23"].url_for("giraffe") == "ssh://giraffe@dfo23"
    assert site.hosts["muc02"].is_muc and not site.hosts["dfo23"].is_muc


def test_dates_are_read_as_dates(tmp_path: Path) -> None:
    site = load_site(
        write(
            tmp_path, MINIMAL + 'transition_date = 2013-02-21\ncommissioning_date = "2013-02-25"\n'
        )
    )
    assert site.account("giraffe").transition_date == dt.date(2013, 2, 21)
    assert site.account("giraffe").commissioning_date == dt.date(2013, 2, 25)


def assert_refused(tmp_path: Path, text: str, problem: str) -> None:
    """The site file is refused in one line that names the file and says what is wrong."""
    path = write(tmp_path, text)
    with pytest.raises(SiteError) as raised:
        load_site(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: ")
    assert problem in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[hosts.muc02\n", "not valid TOML"),
        (
            MINIMAL.replace('ops = "dfo23"', 'ops = "dfo99"'),
            "accounts.giraffe.ops: names host 'dfo99', which is not under [hosts]",
        ),
        (
            MINIMAL.replace('muc = "muc02"', 'muc = "dfo23"'),
            "accounts.giraffe.muc: 'dfo23' is not a muc blade name",
        ),
        (
            MINIMAL + 'features = ["calchecker", "coffee"]\n',
            "accounts.giraffe.features: unknown feature 'coffee'",
        ),
        (MINIMAL + "transition_date = 2013-13-01\n", "not valid TOML"),
        (
            MINIMAL + 'transition_date = "soon"\n',
            "accounts.giraffe.transition_date: must be a date YYYY-MM-DD",
        ),
        (
            MINIMAL + "transition_date = 2013-02-21\ncommissioning_date = 2013-01-01\n",
            "is not after the transition date",
        ),
        (
            MINIMAL + "transition_date = 2013-02-21\ncommissioning_date = 2013-02-21\n",
            "accounts.giraffe.commissioning_date: 2013-02-21 is not after the transition date",
        ),
        (
            MINIMAL
            + "transition_date = 2013-02-21\ncommissioning_date = 2013-02-23\n"
            + "switch_date = 2013-02-23\n",
            "accounts.giraffe.switch_date: 2013-02-23 is not after the commissioning",
        ),
        (
            MINIMAL + "first_night = 2013-02-21\n",
            "accounts.giraffe.first_night: the night window is no longer fixed in the site",
        ),
        (MINIMAL + "colour = 1\n", "accounts.giraffe.colour: unknown key"),
        (
            MINIMAL.replace('url = "local://"', 'url = "muc02"'),
            "hosts.muc02.url: 'muc02' is not a host URL",
        ),
        (
            '[site]\nphysical_prefixes = ["fujisan3"]\n' + MINIMAL,
            "site.physical_prefixes: 'fujisan3' must be an absolute path",
        ),
        ("[site]\ntimeout = -1\n" + MINIMAL, "site.timeout: must be a positive number"),
        ('[hosts.muc02]\nurl = "local://"\n', "accounts: the site names no account"),
        (MINIMAL + "[extra]\n", "extra: unknown top-level key"),
    ],
)
def test_a_broken_site_file_says_where_and_what(tmp_path: Path, text: str, problem: str) -> None:
    assert_refused(tmp_path, text, problem)


def test_a_site_file_that_is_not_text(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(SiteError, match="not UTF-8 text"):
        load_site(path)


def test_a_missing_site_file(tmp_path: Path) -> None:
    with pytest.raises(SiteError, match="cannot read the site file"):
        load_site(tmp_path / "nowhere.toml")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            '[site]\nphysical_prefixs = ["/fujisan3"]\n' + MINIMAL,
            "site.physical_prefixs: unknown key (one of ",
        ),
        (
            "[site]\ntimeout = nan\n" + MINIMAL,
            "site.timeout: must be a positive number of seconds, at most 3600",
        ),
        (
            "[site]\ntimeout = inf\n" + MINIMAL,
            "site.timeout: must be a positive number of seconds, at most 3600",
        ),
        (
            "[site]\ntimeout = -inf\n" + MINIMAL,
            "site.timeout: must be a positive number of seconds, at most 3600",
        ),
        (
            "[site]\ntimeout = -1\n" + MINIMAL,
            "site.timeout: must be a positive number of seconds, at most 3600",
        ),
        (
            "[site]\ntimeout = 0\n" + MINIMAL,
            "site.timeout: must be a positive number of seconds, at most 3600",
        ),
        (
            "[site]\ntimeout = 1e9\n" + MINIMAL,
            "site.timeout: must be a positive number of seconds, at most 3600",
        ),
        (
            '[site]\ntimeout = "30"\n' + MINIMAL,
            "site.timeout: must be a positive number of seconds, at most 3600",
        ),
        (
            MINIMAL.replace('url = "local://"', 'url = "local://"\ntimeout = nan'),
            "hosts.muc02.timeout: must be a positive number of seconds, at most 3600",
        ),
        (
            MINIMAL.replace('url = "local://"', 'url = "local://"\ncondor_slots = 1025'),
            "hosts.muc02.condor_slots: must be a whole number from 0 to 1024",
        ),
        (
            MINIMAL.replace('url = "local://"', 'url = "local://"\ncondor_slots = -1'),
            "hosts.muc02.condor_slots: must be a whole number from 0 to 1024",
        ),
        (
            MINIMAL.replace('url = "local://"', 'url = "local://"\ncondor_slots = 8.0'),
            "hosts.muc02.condor_slots: must be a whole number from 0 to 1024",
        ),
        (MINIMAL + "[tolerances]\ndefault = {rtol = nan}\n", "tolerances.default.rtol"),
        (
            MINIMAL + "[tolerances]\ndefault = {rtol = 1.0}\n",
            "tolerances.default.rtol: 1.0 is more than 0.01",
        ),
        (MINIMAL + '[tolerances]\n"QC.*" = {atol = inf}\n', "tolerances.QC.*.atol"),
        (MINIMAL + '[tolerances]\n"QC.*" = {atol = -0.1}\n', "tolerances.QC.*.atol"),
    ],
)
def test_unknown_keys_and_insane_numbers_are_refused(
    tmp_path: Path, text: str, problem: str
) -> None:
    assert_refused(tmp_path, text, problem)


def test_sane_numbers_and_the_keys_being_added_are_accepted(tmp_path: Path) -> None:
    text = (
        '[site]\nname = "s"\ndemo = false\nphysical_prefixes = ["/fujisan3"]\ntimeout = 3600\n'
        'waivers = "waivers.toml"\ntoday = 2013-02-22\nnight_offset_hours = 12\n'
        + MINIMAL.replace(
            'url = "local://"', 'url = "local://"\ncondor_slots = 1024\ntimeout = 0.5'
        )
        + "[tolerances]\ndefault = {rtol = 0, atol = 1e-3}\n"
    )
    site = load_site(write(tmp_path, text))
    assert site.hosts["muc02"].condor_slots == 1024
    assert site.hosts["muc02"].timeout == 0.5
    assert site.hosts["dfo23"].timeout == 3600.0
    assert site.tolerances.default.rtol == 0.0


@pytest.mark.parametrize(
    "value",
    [
        "[" * 1000 + "]" * 1000,
        "{ b = " * 1000 + "1" + " }" * 1000,
        "[" * 9 + "]" * 9,
        "{ b = " * 9 + "1" + " }" * 9,
    ],
    ids=["arrays-1000", "inline-tables-1000", "arrays-9", "inline-tables-9"],
)
def test_deep_nesting_is_refused_in_one_line(tmp_path: Path, value: str) -> None:
    path = write(tmp_path, MINIMAL + f"[hosts.muc02.mounts]\nx = {value}\n")
    with pytest.raises(SiteError) as raised:
        load_site(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: ")
    assert "nested" in message
    assert "\n" not in message
    assert len(message) < 300


def test_deep_table_headers_are_refused(tmp_path: Path) -> None:
    """tomllib reads dotted table headers without recursing: the depth check catches them."""
    path = write(tmp_path, MINIMAL + "[" + ".".join(["x"] * 1000) + "]\ny = 1\n")
    with pytest.raises(SiteError, match="nested deeper than 8") as raised:
        load_site(path)
    assert "\n" not in str(raised.value)


def test_the_deepest_allowed_structure_reads(tmp_path: Path) -> None:
    # document > hosts > muc02 > mounts: depth 4, as deep as a real site file goes
    path = write(tmp_path, MINIMAL.replace('url = "local://"', 'url = "local://"\nroot = "r"'))
    path.write_text(path.read_text() + '[hosts.muc02.mounts]\n"/home" = "h"\n')
    assert load_site(path).hosts["muc02"].mounts
