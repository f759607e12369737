"""The simulated site: which accounts, blades, instruments and nights the demo holds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from ..phases import PHASES, reached
from ..site import FEATURES

MUC = "muc02"
MUC_DISK = "/fujisan3"
OLD_DISK = "/diska"
CONDOR_SLOTS = 8
TRANSITION = dt.date(2013, 2, 21)
COMMISSIONING = TRANSITION + dt.timedelta(days=2)
DEFAULT_NIGHTS = 8
MAX_DENSITY = 400
"""raw file names stay unique up to this many ABs of a raw type a night."""
MIN_NIGHTS_FROM_TRANSITION = 4
"""the transition night, the one after it, the commissioning night and the switch night: the
calendar holds at least these, however few nights are asked for."""
DEFAULT_ACCOUNTS = ("giraffe", "uves", "xshooter")


@dataclass(frozen=True)
class RawType:
    name: str
    recipe: str
    code: str
    """certified product code (``MBIA`` in ``GI_MBIA_130112A_1x1.fits``)."""
    pro_catg: str
    qc: tuple[tuple[str, str, float], ...]
    """QC1 parameters: keyword after ``ESO QC``, FITS type (float/int/str/bool), typical value."""
    products: int = 1
    """products of ``pro_catg`` one AB makes (several masters per AB, as real recipes write)."""
    dpr_catg: str = "CALIB"


@dataclass(frozen=True)
class Instrument:
    account: str
    ops: str
    file_prefix: str
    code: str
    uid: int
    raw_types: tuple[RawType, ...]
    qc_cluster: bool = False
    processqc: str = "python"
    features: tuple[str, ...] = tuple(sorted(FEATURES - {"processpreimg"}))
    """a full DFOS account: every part of the plan applies (autoDaily, not processPreImg)."""
    detectors: tuple[str, ...] = ()
    """EXTNAMEs of the detector extensions of its products: each carries its own QC1 values,
    as vircam, hawki, kmos, muse, omegacam write them. None: single-HDU products."""
    grouping_tags: bool = False
    """AB names carry a grouping tag (``<first raw>_grp1.ab``), so an AB name is not its first
    raw file's name."""
    writes_paf: bool = False
    """each product has a PAF file of its QC1 parameters (in a ``qc/`` sub-folder)."""
    science: RawType | None = None
    """a SCIENCE AB each night (createAB SCI)."""
    failing: bool = False
    """each night one AB fails and one is INCOMPLETE (on both blades alike)."""
    density: int = 1
    """CALIB ABs of each raw type a night (``demo-site --density``: a busy account has ~100 ABs
    a night)."""


def _bias(recipe: str, catg: str) -> RawType:
    return RawType(
        "BIAS",
        recipe,
        "MBIA",
        catg,
        (
            ("BIAS MASTER MEDIAN", "float", 200.5),
            ("BIAS MASTER RMS", "float", 1.83),
            ("RON RAW", "float", 3.41),
            ("RON MASTER", "float", 0.61),
            ("NCOMBINED", "int", 5),
            ("OUT1 NX", "int", 2048),
            ("DID", "str", 0),
            ("CHECK OK", "bool", 1),
        ),
    )


def _dark(recipe: str, catg: str) -> RawType:
    return RawType(
        "DARK",
        recipe,
        "MDRK",
        catg,
        (
            ("DARK MASTER MEDIAN", "float", 0.72),
            ("DARK CURRENT", "float", 1.7e-4),
            ("DARK NBADPIX", "int", 311),
            ("NCOMBINED", "int", 3),
            ("DID", "str", 0),
        ),
    )


def _flat(recipe: str, catg: str) -> RawType:
    return RawType(
        "FLAT",
        recipe,
        "MFLT",
        catg,
        (
            ("FLAT MASTER MEAN", "float", 18321.7),
            ("FLAT MASTER RMS", "float", 0.0173),
            ("FLAT EFFICIENCY", "float", 0.431),
            ("NCOMBINED", "int", 5),
            ("FLAT SATURATED", "bool", 0),
        ),
    )


def _science(recipe: str, catg: str) -> RawType:
    return RawType(
        "OBJECT",
        recipe,
        "SOBJ",
        catg,
        (("SCI SNR MEDIAN", "float", 41.2), ("SCI NSPEC", "int", 130)),
        dpr_catg="SCIENCE",
    )


INSTRUMENTS: dict[str, Instrument] = {
    # The demo's giraffe is the realistic account: its products are multi-extension (two
    # detector extensions with their own QC1, as multi-detector instruments write them), a DARK
    # AB makes two masters, PAF files sit beside the products, AB names carry grouping tags,
    # and each night has a SCIENCE AB, a FAILED and an INCOMPLETE AB.
    "giraffe": Instrument(
        "giraffe",
        "dfo23",
        "GIRAF",
        "GI",
        2101,
        (
            _bias("gimasterbias", "MASTER_BIAS"),
            replace(_dark("gimasterdark", "MASTER_DARK"), products=2),
            _flat("gimasterflat", "FF_EXTSPECTRA"),
        ),
        processqc="midas",
        detectors=("CHIP1", "CHIP2"),
        grouping_tags=True,
        writes_paf=True,
        science=_science("giscience", "SCIENCE_REDUCED"),
        failing=True,
    ),
    "uves": Instrument(
        "uves",
        "dfo22",
        "UVES",
        "UV",
        2102,
        (_bias("uves_cal_mbias", "MASTER_BIAS_BLUE"), _flat("uves_cal_mflat", "MASTER_FLAT_BLUE")),
        processqc="midas",
    ),
    "xshooter": Instrument(
        "xshooter",
        "qc03",
        "XSHOO",
        "XS",
        2103,
        (_bias("xsh_mbias", "MASTER_BIAS_UVB"), _dark("xsh_mdark", "MASTER_DARK_NIR")),
        qc_cluster=True,
        processqc="python",
    ),
}


@dataclass(frozen=True)
class DemoOptions:
    accounts: tuple[str, ...] = DEFAULT_ACCOUNTS
    nights: int = DEFAULT_NIGHTS
    phase: str = "operational"
    faults: tuple[str, ...] = ()
    today: dt.date | None = None
    """the day the site is built as of: it holds the nights before it. Default: the day the
    phase is typically reached (see Calendar)."""
    density: int = 1
    """CALIB ABs of each raw type a night."""

    def __post_init__(self) -> None:
        unknown = [a for a in self.accounts if a not in INSTRUMENTS]
        if unknown:
            raise ValueError(
                f"the demo has no account {unknown[0]!r} (it has: {', '.join(INSTRUMENTS)})"
            )
        if not self.accounts:
            raise ValueError("the demo needs at least one account")
        if not 1 <= self.density <= MAX_DENSITY:
            raise ValueError(f"the demo's density is 1 to {MAX_DENSITY} ABs of a raw type a night")
        if self.nights < 2:
            raise ValueError(
                "the demo needs at least two nights: one before the transition date, and the"
                " transition night"
            )
        if self.phase not in PHASES:
            raise ValueError(f"unknown phase {self.phase!r} (one of {', '.join(PHASES)})")


@dataclass(frozen=True)
class Calendar:
    """The demo's days, the same for every demo account.

    The calendar spans ``nights`` nights around the transition date, half of them before it (at
    least one before, and at least four from it); the commissioning date is two nights after it
    and the switch to operations the night after that. A site is built as of
    one day of it (TODAY) and holds the nights before that day. Unless a day is asked for, TODAY
    is where the phase typically stands: the transition date before the pipeline phase, the day
    after it in the pipeline and full-migration phases (the muc has processed the transition
    night), the commissioning date while verifying, the day after it while commissioning, and the
    day after the calendar's last night once operational (the last night is then the muc's alone).
    """

    span: tuple[dt.date, ...]
    transition: dt.date
    commissioning: dt.date
    switch: dt.date
    today: dt.date
    phase: str
    moved_after: int = 3
    cleaned_after: int = 10

    @classmethod
    def for_options(cls, options: DemoOptions) -> Calendar:
        before = max(1, options.nights // 2)
        after = max(MIN_NIGHTS_FROM_TRANSITION, options.nights - options.nights // 2)
        first = TRANSITION - dt.timedelta(days=before)
        span = tuple(first + dt.timedelta(days=i) for i in range(before + after))
        commissioning = COMMISSIONING
        switch = commissioning + dt.timedelta(days=1)
        today = options.today or cls.typical_today(options.phase, span, commissioning)
        if not span[0] < today <= span[-1] + dt.timedelta(days=1):
            raise ValueError(
                f"the demo's calendar runs {span[0]}..{span[-1]}: build it as of a day from"
                f" {span[0] + dt.timedelta(days=1)} to {span[-1] + dt.timedelta(days=1)}"
            )
        return cls(span, TRANSITION, commissioning, switch, today, options.phase)

    @staticmethod
    def typical_today(phase: str, span: tuple[dt.date, ...], commissioning: dt.date) -> dt.date:
        day = dt.timedelta(days=1)
        if reached(phase, "operational"):
            return span[-1] + day
        if reached(phase, "commissioning"):
            return commissioning + day
        if reached(phase, "verification"):
            return commissioning
        if reached(phase, "pipeline"):
            return TRANSITION + day
        return TRANSITION

    @property
    def nights(self) -> tuple[dt.date, ...]:
        """The nights that have happened by TODAY."""
        return tuple(night for night in self.span if night < self.today)

    def processed_on_muc(self, night: dt.date) -> bool:
        """Nights the muc has run the pipelines for, by the phase the site is in."""
        if night < self.transition or night >= self.today:
            return False
        if reached(self.phase, "operational"):
            return True
        if reached(self.phase, "pipeline"):
            return night < self.commissioning
        return False

    def processed_on_old_blade(self, night: dt.date) -> bool:
        """The old blade processes every night until the switch to operations."""
        if night >= self.today:
            return False
        return not (reached(self.phase, "operational") and night >= self.switch)

    def age(self, night: dt.date, processed: list[dt.date]) -> int:
        """How many processed nights are newer than this one on that blade."""
        return sum(1 for other in processed if other > night)


def incremental_set(night: dt.date) -> bool:
    """muc_migrate -I copies the 2012-12 and all 2013 date directories."""
    return night >= dt.date(2012, 12, 1)


@dataclass
class Written:
    """What the builder wrote where, for the faults that edit it later."""

    files: dict[str, list[str]] = field(default_factory=dict)

    def add(self, kind: str, path: str) -> None:
        self.files.setdefault(kind, []).append(path)
