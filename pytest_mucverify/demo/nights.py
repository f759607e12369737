"""What one processed night leaves on a blade: raw files and headers, ABs, products with QC1
keywords, scores, logs, plots, lists and job files (DOMAIN.md §2-§4 conventions)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .fitsfile import Card, fits_bytes, hdr_text, header, qc_value
from .world import Calendar, Instrument, RawType

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + bytes(40)
RAW_PER_AB = 3


@dataclass(frozen=True)
class CalibAB:
    inst: Instrument
    night: dt.date
    raw_type: RawType
    index: int

    def raw_name(self, n: int) -> str:
        return f"{self.inst.file_prefix}.{self.night}T{14 + self.index:02d}:{5 + 7 * n:02d}:12.{123 + n}.fits"

    @property
    def raw_names(self) -> list[str]:
        return [self.raw_name(n) for n in range(RAW_PER_AB)]

    @property
    def base(self) -> str:
        return self.raw_name(0).removesuffix(".fits")

    @property
    def name(self) -> str:
        return self.base + ".ab"

    @property
    def product(self) -> str:
        return f"r.{self.base}_0000.fits"

    @property
    def certified(self) -> str:
        return f"{self.inst.code}_{self.raw_type.code}_{self.night:%y%m%d}A_1x1.fits"

    @property
    def mjd(self) -> float:
        return (self.night - dt.date(1858, 11, 17)).days + (14 + self.index) / 24

    def qc_cards(self) -> list[Card]:
        cards: list[Card] = []
        for keyword, kind, typical in self.raw_type.qc:
            seed = f"{self.inst.account}/{self.night}/{self.raw_type.name}/{keyword}"
            cards.append(
                (f"ESO QC {keyword}", qc_value(kind, typical, seed), f"QC1 {keyword.lower()}")
            )
        return cards

    def product_cards(self) -> list[Card]:
        return [
            ("ORIGIN", "ESO-PARANAL", "European Southern Observatory"),
            ("INSTRUME", self.inst.account.upper(), "instrument used"),
            ("DATE-OBS", f"{self.night}T{14 + self.index:02d}:05:12.123", "observing date"),
            ("MJD-OBS", round(self.mjd, 8), "MJD start"),
            ("PIPEFILE", self.product, "filename of data product"),
            ("ESO DPR CATG", "CALIB", "observation category"),
            ("ESO DPR TYPE", self.raw_type.name, "observation type"),
            ("ESO PRO CATG", self.raw_type.pro_catg, "category of pipeline product"),
            ("ESO PRO TYPE", "REDUCED", "product type"),
            ("ESO PRO REC1 ID", self.raw_type.recipe, "pipeline recipe"),
            ("ESO PRO DATANCOM", RAW_PER_AB, "number of combined frames"),
            ("ESO PRO REC1 RAW1 NAME", self.raw_name(0), "first raw frame"),
            *self.qc_cards(),
        ]

    def raw_cards(self, n: int) -> list[Card]:
        name = self.raw_name(n)
        return [
            ("ORIGIN", "ESO-PARANAL", "European Southern Observatory"),
            ("INSTRUME", self.inst.account.upper(), "instrument used"),
            ("DATE-OBS", name.split(".", 1)[1].removesuffix(".fits"), "observing date"),
            ("MJD-OBS", round(self.mjd + n / 1440, 8), "MJD start"),
            ("ARCFILE", name, "archive file name"),
            ("ESO DPR CATG", "CALIB", "observation category"),
            ("ESO DPR TYPE", self.raw_type.name, "observation type"),
            ("ESO DET READ MODE", "normal", "readout mode"),
        ]

    def scores(self) -> list[tuple[str, object, int]]:
        rows = []
        for (keyword, _kind, _typical), (_, value, _) in zip(
            self.raw_type.qc, self.qc_cards(), strict=True
        ):
            score = 1 if keyword.endswith("RMS") and self.night.day % 7 == 0 else 0
            rows.append(("QC." + keyword.replace(" ", "."), value, score))
        return rows

    def score_text(self) -> str:
        rows = self.scores()
        lines = [f"{name} {_value_text(value)} {score}" for name, value, score in rows]
        lines.append(f"TOTAL {sum(score for _, _, score in rows)}")
        return "\n".join(lines) + "\n"

    def ab_text(self, account_root: str, active: bool) -> str:
        raw_dir = f"/data/{self.inst.account}/raw/{self.night}"
        yesterday = self.night - dt.timedelta(days=1)
        vcal = (
            f"$DFO_CAL_DIR/VCAL/{self.inst.code}_{self.raw_type.code}_{yesterday:%y%m%d}A_1x1.hdr"
        )
        gencal = f"$GEN_CALDIR/{self.inst.code}_BPM_STATIC_1x1.fits"
        massoc = f"{account_root}/calib/{yesterday}/{self.inst.code}_{self.raw_type.code}_{yesterday:%y%m%d}A_1x1.fits"
        lines = [
            "TOOL_VERSION\tcreateAB v3.2",
            "CONFIG_VERSION\tconfig.createAB v1.4",
            f"INSTRUMENT\t{self.inst.account.upper()}",
            f"DATE\t{self.night}",
            "DPR_CATG\tCALIB",
            f"RAW_TYPE\t{self.raw_type.name}",
            f"RECIPE\t{self.raw_type.recipe}",
            "DRS_TYPE\tCPL",
            f"BATCH_ID\tCALIB_{self.night}",
            f"AB_NAME\t{self.name}",
            "AB_EVENT\tNEW",
            "COMPLETENESS\tCOMPLETE",
            "PROCESS_STATUS\tSUCCESSFUL",
            "OBS_PROG_ID\t60.A-9022(C)",
            "OBS_MODE\tCALIB",
            f"OBS_ID\t{200150000 + self.night.toordinal() % 1000}",
            f"MJD-OBS\t{self.mjd:.8f}",
            f"MJD-OBS_MOD\t{self.mjd - 0.5:.8f}",
            f"PROD_ROOT_NAME\tr.{self.base}",
            f"LOG_NAME\t{self.base}.log",
            f"PROD_PATH\t$DFS_PRODUCT/{self.raw_type.name}/{self.night}",
            "RAW_MATCH_KEY\tDET.READ.MODE=normal",
            "RAW_MATCH_KEY\tINS.MODE=default",
            "# raw frames",
            *(f"RAWFILE\t{raw_dir}/{raw}\t{self.raw_type.name}" for raw in self.raw_names),
            "# master calibrations",
            f"MCALIB\tREAL\t{gencal}\tBAD_PIXEL_MAP",
            f"MCALIB\tVIRTUAL\t{vcal}\t{self.raw_type.pro_catg}",
            f"MASSOC\tREAL\t{massoc}\t{self.raw_type.pro_catg}",
            *(f"SOF_CONTENT\t{raw_dir}/{raw}\t{self.raw_type.name}" for raw in self.raw_names),
            f"SOF_CONTENT\t{gencal}\tBAD_PIXEL_MAP",
            f"PRODUCTS\t{self.product}\t{self.raw_type.pro_catg}",
            f"RBLOG\t{self.base}.rblog",
        ]
        return "\n".join(lines) + "\n"


def _value_text(value: object) -> str:
    if isinstance(value, bool):
        return "T" if value else "F"
    return str(value)


def abs_of_night(inst: Instrument, night: dt.date) -> list[CalibAB]:
    return [CalibAB(inst, night, raw_type, i) for i, raw_type in enumerate(inst.raw_types)]


def _write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data)


def write_headers(disk: Path, inst: Instrument, night: dt.date) -> None:
    """calChecker's header downloads: one .hdr per raw file of the night."""
    for ab in abs_of_night(inst, night):
        for n, raw in enumerate(ab.raw_names):
            _write(
                disk / "hdr" / str(night) / raw.replace(".fits", ".hdr"),
                hdr_text(header(ab.raw_cards(n))),
            )


def write_processed_night(
    disk: Path, inst: Instrument, night: dt.date, age: int, calendar: Calendar
) -> None:
    """A night a blade has run the pipelines for, in the state its age has brought it to."""
    active = age < calendar.moved_after
    account_root = f"/data/{inst.account}"
    abs_ = abs_of_night(inst, night)
    date = str(night)
    for ab in abs_:
        if active:
            for n, raw in enumerate(ab.raw_names):
                _write(disk / "raw" / date / raw, fits_bytes(header(ab.raw_cards(n))))
            _write(disk / "AB" / ab.name, ab.ab_text(account_root, active))
            _write(
                disk / "product" / ab.raw_type.name / date / ab.product,
                fits_bytes(header(ab.product_cards())),
            )
        else:
            _write(disk / "logs" / date / ab.name, ab.ab_text(account_root, active))
            cards = [
                c if c[0] != "PIPEFILE" else ("PIPEFILE", ab.certified, c[2])
                for c in ab.product_cards()
            ]
            if age < calendar.cleaned_after:
                _write(disk / "calib" / date / ab.certified, fits_bytes(header(cards)))
            else:
                _write(
                    disk / "calib" / date / ab.certified.replace(".fits", ".hdr"),
                    hdr_text(header(cards)),
                )
        _write(disk / "logs" / date / f"{ab.base}.score", ab.score_text())
        _write(
            disk / "logs" / date / f"{ab.base}.log",
            f"[ INFO  ] {ab.raw_type.recipe}: processing {ab.name}\n[ INFO  ] done\n",
        )
        _write(disk / "plots" / date / f"{ab.base}.png", PNG)
    science = f"{inst.code}_SOBJ_{night:%y%m%d}A.fits"
    if age < calendar.cleaned_after:
        sci_cards: list[Card] = [
            ("INSTRUME", inst.account.upper(), ""),
            ("ESO PRO CATG", "SCIENCE_REDUCED", ""),
        ]
        _write(disk / "science" / date / science, fits_bytes(header(sci_cards)))
    else:
        _write(
            disk / "science" / date / science.replace(".fits", ".hdr"),
            hdr_text(header([("INSTRUME", inst.account.upper(), "")])),
        )
    _write(
        disk / "lists" / date / f"data_report_{date}.txt",
        "".join(f"{r}\n" for ab in abs_ for r in ab.raw_names),
    )
    _write(
        disk / "jobs" / f"execAB_CALIB_{date}", "".join(f"processAB -a {ab.name}\n" for ab in abs_)
    )
    _write(
        disk / "jobs" / f"execQC_CALIB_{date}", "".join(f"processQC -a {ab.name}\n" for ab in abs_)
    )
    _write(disk / "jobs" / f"mcalDown_{date}", f"ngasClient -c {inst.code}_BPM_STATIC_1x1.fits\n")


def ab_list_text(inst: Instrument, night: dt.date, done: bool) -> str:
    tag = "\tDONE" if done else ""
    return "".join(
        f"{ab.name}\t{ab.raw_type.name}\t{ab.raw_type.recipe}\tCOMPLETE{tag}\n"
        for ab in abs_of_night(inst, night)
    )


def write_calibration_memory(disk: Path, inst: Instrument, nights: tuple[dt.date, ...]) -> None:
    """calChecker's memory and the static calibrations."""
    previous = nights[0] - dt.timedelta(days=1)
    for raw_type in inst.raw_types:
        for night in (previous, *nights):
            name = f"{inst.code}_{raw_type.code}_{night:%y%m%d}A_1x1.hdr"
            text = hdr_text(
                header([("ESO PRO CATG", raw_type.pro_catg, ""), ("ESO QC NCOMBINED", 3, "")])
            )
            _write(disk / "calib" / "VCAL" / name, text)
            _write(disk / "calib" / "CALCHECK" / "VCAL" / name, text)
            _write(disk / "calib" / "CAL4CAL" / "VCAL" / name, text)
        _write(
            disk / "tmp" / "CALCHECK" / "PREVIOUS" / f"{raw_type.name}.txt",
            f"{raw_type.name} {nights[-1]} OK\n",
        )
        _write(
            disk / "tmp" / "CAL4CAL" / "PREVIOUS" / f"{raw_type.name}.txt",
            f"{raw_type.name} {nights[-1]} OK\n",
        )
    for night in nights:
        _write(
            disk / "lists" / "REPORT" / f"report_{night}.txt",
            f"data report {inst.account} {night}\n",
        )
    _write(
        disk / "gencal" / f"{inst.code}_BPM_STATIC_1x1.fits",
        fits_bytes(header([("ESO PRO CATG", "BAD_PIXEL_MAP", "")])),
    )
    _write(
        disk / "gencal" / f"{inst.code}_LINE_CATALOG.fits",
        fits_bytes(header([("ESO PRO CATG", "LINE_CATALOG", "")])),
    )
