"""What one processed night leaves on a blade: raw files and headers, ABs, products with QC1
keywords, scores, logs, plots, lists and job files (DOMAIN.md §2-§4 conventions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .fitsfile import (
    Card,
    Header,
    extension_header,
    fits_bytes,
    hdr_text,
    header,
    mef_bytes,
    mef_hdr_text,
    qc_value,
)
from .world import Calendar, Instrument, RawType

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + bytes(40)
RAW_PER_AB = 3


@dataclass(frozen=True)
class CalibAB:
    """One AB of a night (CALIB or SCIENCE, by its raw type), in the state it ends in."""

    inst: Instrument
    night: dt.date
    raw_type: RawType
    index: int
    state: str = "SUCCESSFUL"
    """SUCCESSFUL, FAILED (the recipe failed: no product, no score) or INCOMPLETE (createAB
    found no complete set: never run)."""

    def raw_name(self, n: int) -> str:
        hour, seconds = 14 + self.index % 10, 12 + self.index // 10  # unique below MAX_DENSITY
        return f"{self.inst.file_prefix}.{self.night}T{hour:02d}:{5 + 7 * n:02d}:{seconds:02d}.{123 + n}.fits"

    @property
    def raw_names(self) -> list[str]:
        return [self.raw_name(n) for n in range(RAW_PER_AB)]

    @property
    def base(self) -> str:
        """The AB's name without ``.ab``: its first raw file's, with a grouping tag where the
        instrument's ABs carry one."""
        first = self.raw_name(0).removesuffix(".fits")
        return f"{first}_grp{self.index + 1}" if self.inst.grouping_tags else first

    @property
    def name(self) -> str:
        return self.base + ".ab"

    @property
    def processed(self) -> bool:
        return self.state == "SUCCESSFUL"

    @property
    def science(self) -> bool:
        return self.raw_type.dpr_catg == "SCIENCE"

    def product_name(self, n: int) -> str:
        return f"r.{self.base}_{n:04d}.fits"

    @property
    def product(self) -> str:
        return self.product_name(0)

    @property
    def products(self) -> list[str]:
        return [self.product_name(n) for n in range(self.raw_type.products)]

    def certified_name(self, n: int) -> str:
        """``GI_MBIA_130112A_1x1.fits``; a dense night's further ABs of the raw type carry their
        number after the letter (``A2``)."""
        letter = chr(ord("A") + n)
        sequence = self.index // len(self.inst.raw_types)
        number = str(sequence) if sequence else ""
        return f"{self.inst.code}_{self.raw_type.code}_{self.night:%y%m%d}{letter}{number}_1x1.fits"

    @property
    def certified(self) -> str:
        return self.certified_name(0)

    @property
    def mjd(self) -> float:
        return (self.night - dt.date(1858, 11, 17)).days + (14 + self.index) / 24

    def qc_cards(self, n: int = 0, detector: str = "") -> list[Card]:
        """The QC1 cards of product ``n``: all of them in the primary header, and the float ones
        again, with the detector's own values, in each detector extension."""
        cards: list[Card] = []
        for keyword, kind, typical in self.raw_type.qc:
            if detector and kind != "float":
                continue
            seed = f"{self.inst.account}/{self.night}/{self.raw_type.name}/{keyword}"
            seed += f"/{n}" * bool(n) + f"/{detector}" * bool(detector)
            cards.append(
                (f"ESO QC {keyword}", qc_value(kind, typical, seed), f"QC1 {keyword.lower()}")
            )
        return cards

    def product_cards(self, n: int = 0, pipefile: str = "") -> list[Card]:
        return [
            ("ORIGIN", "ESO-PARANAL", "European Southern Observatory"),
            ("INSTRUME", self.inst.account.upper(), "instrument used"),
            ("DATE-OBS", f"{self.night}T{14 + self.index:02d}:05:12.123", "observing date"),
            ("MJD-OBS", round(self.mjd, 8), "MJD start"),
            ("PIPEFILE", pipefile or self.product_name(n), "filename of data product"),
            ("ESO DPR CATG", self.raw_type.dpr_catg, "observation category"),
            ("ESO DPR TYPE", self.raw_type.name, "observation type"),
            ("ESO PRO CATG", self.raw_type.pro_catg, "category of pipeline product"),
            ("ESO PRO TYPE", "REDUCED", "product type"),
            ("ESO PRO REC1 ID", self.raw_type.recipe, "pipeline recipe"),
            ("ESO PRO DATANCOM", RAW_PER_AB, "number of combined frames"),
            ("ESO PRO REC1 RAW1 NAME", self.raw_name(0), "first raw frame"),
            *self.qc_cards(n),
        ]

    def product_headers(self, n: int = 0, pipefile: str = "") -> list[Header]:
        """The primary header, then one per detector extension."""
        primary = header(self.product_cards(n, pipefile))
        return [
            primary,
            *(extension_header(d, self.qc_cards(n, d)) for d in self.inst.detectors),
        ]

    def raw_cards(self, n: int) -> list[Card]:
        name = self.raw_name(n)
        return [
            ("ORIGIN", "ESO-PARANAL", "European Southern Observatory"),
            ("INSTRUME", self.inst.account.upper(), "instrument used"),
            ("DATE-OBS", name.split(".", 1)[1].removesuffix(".fits"), "observing date"),
            ("MJD-OBS", round(self.mjd + n / 1440, 8), "MJD start"),
            ("ARCFILE", name, "archive file name"),
            ("ESO DPR CATG", self.raw_type.dpr_catg, "observation category"),
            ("ESO DPR TYPE", self.raw_type.name, "observation type"),
            ("ESO DET READ MODE", "normal", "readout mode"),
        ]

    def scores(self) -> list[tuple[str, object, str]]:
        """(parameter, value, score) as scoreQC writes them: every QC1 parameter of the first
        product (extension ones by their HDU), floats scored (0, or 1 for an outlying RMS), the
        others unscored (``-``), and one value processQC computes from the QC1 database, -999
        on nights it has no history for."""
        rows: list[tuple[str, object, str]] = []
        for detector in ("", *self.inst.detectors):
            for keyword, value, _comment in self.qc_cards(0, detector):
                name = ("QC." if not detector else f"{detector}:QC.") + keyword[7:].replace(
                    " ", "."
                )
                red = keyword.endswith("RMS") and self.night.day % 7 == 0
                scored = isinstance(value, float)
                rows.append((name, value, ("1" if red else "0") if scored else "-"))
        trend = -999.0 if self.night.day % 3 == 0 else qc_value("float", 0.35, self.name)
        rows.append((f"QC.{self.raw_type.code}.TREND.DELTA", trend, "0"))
        return rows

    def score_text(self) -> str:
        rows = self.scores()
        lines = [f"{name}\t{_value_text(value)}\t{score}" for name, value, score in rows]
        lines.append(f"TOTAL\t{sum(score == '1' for _, _, score in rows)}")
        return "# scoreQC\n" + "\n".join(lines) + "\n"

    def paf_text(self, n: int, pipefile: str) -> str:
        """The PAF file of product ``n``: its category and primary QC1 parameters."""
        records = [
            f'PRO.CATG             "{self.raw_type.pro_catg}" ;',
            f'PIPEFILE             "{pipefile}" ;',
            f'PRO.REC1.RAW1.NAME   "{self.raw_name(0)}" ;',
        ]
        for keyword, value, _comment in self.qc_cards(n):
            shown = f'"{value}"' if isinstance(value, str) else _value_text(value)
            records.append(f"{'QC.' + keyword[7:].replace(' ', '.'):<32} {shown} ;")
        head = [
            "PAF.HDR.START         ;",
            'PAF.TYPE              "pipeline product" ;',
            f'PAF.ID                "{self.raw_type.recipe}" ;',
            "PAF.HDR.END           ;",
        ]
        return "\n".join([*head, "", *records]) + "\n"

    def ab_text(self, account_root: str, active: bool) -> str:
        raw_dir = f"/data/{self.inst.account}/raw/{self.night}"
        yesterday = self.night - dt.timedelta(days=1)
        # a SCIENCE AB calls for the masters of the first CALIB raw type
        master = self.inst.raw_types[0] if self.science else self.raw_type
        vcal = f"$DFO_CAL_DIR/VCAL/{self.inst.code}_{master.code}_{yesterday:%y%m%d}A_1x1.hdr"
        gencal = f"$GEN_CALDIR/{self.inst.code}_BPM_STATIC_1x1.fits"
        massoc = f"{account_root}/calib/{yesterday}/{self.inst.code}_{master.code}_{yesterday:%y%m%d}A_1x1.fits"
        status = {"INCOMPLETE": "CREATED"}.get(self.state, self.state)
        lines = [
            "TOOL_VERSION\tcreateAB v3.2",
            "CONFIG_VERSION\tconfig.createAB v1.4",
            f"INSTRUMENT\t{self.inst.account.upper()}",
            f"DATE\t{self.night}",
            f"DPR_CATG\t{self.raw_type.dpr_catg}",
            f"RAW_TYPE\t{self.raw_type.name}",
            f"RECIPE\t{self.raw_type.recipe}",
            "DRS_TYPE\tCPL",
            f"BATCH_ID\t{self.raw_type.dpr_catg}_{self.night}",
            f"AB_NAME\t{self.name}",
            "AB_EVENT\tNEW",
            f"COMPLETENESS\t{'INCOMPLETE' if self.state == 'INCOMPLETE' else 'COMPLETE'}",
            f"PROCESS_STATUS\t{status}",
            "OBS_PROG_ID\t60.A-9022(C)",
            f"OBS_MODE\t{self.raw_type.dpr_catg}",
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
            f"MCALIB\tVIRTUAL\t{vcal}\t{master.pro_catg}",
            f"MASSOC\tREAL\t{massoc}\t{master.pro_catg}",
            *(f"SOF_CONTENT\t{raw_dir}/{raw}\t{self.raw_type.name}" for raw in self.raw_names),
            f"SOF_CONTENT\t{gencal}\tBAD_PIXEL_MAP",
            *(f"PRODUCTS\t{name}\t{self.raw_type.pro_catg}" for name in self.products),
            f"RBLOG\t{self.base}.rblog",
        ]
        return "\n".join(lines) + "\n"


def _value_text(value: object) -> str:
    if isinstance(value, bool):
        return "T" if value else "F"
    if value == -999.0:
        return "-999"
    return str(value)


def abs_of_night(inst: Instrument, night: dt.date) -> list[CalibAB]:
    """The night's ABs: one per CALIB raw type, then the SCIENCE AB, a FAILED and an INCOMPLETE
    one where the instrument has them."""
    calib = [raw_type for _ in range(inst.density) for raw_type in inst.raw_types]
    found = [CalibAB(inst, night, raw_type, i) for i, raw_type in enumerate(calib)]
    if inst.science is not None:
        found.append(CalibAB(inst, night, inst.science, len(found)))
    if inst.failing:
        found.append(CalibAB(inst, night, inst.raw_types[-1], len(found), "FAILED"))
        found.append(CalibAB(inst, night, inst.raw_types[0], len(found), "INCOMPLETE"))
    return found


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


def _write_products(disk: Path, ab: CalibAB, date: str, age: int, calendar: Calendar) -> None:
    """The AB's products: in DFS_PRODUCT while active (PAF files in its ``qc/`` sub-folder),
    certified into DFO_CAL_DIR after moveProducts (``.hdr`` after cleanup). SCIENCE products stay
    in DFS_PRODUCT (DFO_SCI_DIR is not compared)."""
    active = age < calendar.moved_after or ab.science
    for n, pipeline_name in enumerate(ab.products):
        if active:
            folder, name = disk / "product" / ab.raw_type.name / date, pipeline_name
        else:
            folder, name = disk / "calib" / date, ab.certified_name(n)
        headers = ab.product_headers(n, name)
        if active or age < calendar.cleaned_after:
            _write(folder / name, mef_bytes(headers))
        else:
            _write(folder / name.replace(".fits", ".hdr"), mef_hdr_text(headers))
        if ab.inst.writes_paf:
            _write(folder / "qc" / name.replace(".fits", ".paf"), ab.paf_text(n, name))


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
        else:
            _write(disk / "logs" / date / ab.name, ab.ab_text(account_root, active))
        if ab.state == "INCOMPLETE":
            continue
        if ab.processed:
            _write_products(disk, ab, date, age, calendar)
            if not ab.science:
                _write(disk / "logs" / date / f"{ab.base}.score", ab.score_text())
            _write(disk / "plots" / date / f"{ab.base}.png", PNG)
        outcome = "done" if ab.processed else "recipe failed"
        _write(
            disk / "logs" / date / f"{ab.base}.log",
            f"[ INFO  ] {ab.raw_type.recipe}: processing {ab.name}\n[ INFO  ] {outcome}\n",
        )
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
    """``AB_list_CALIB_<date>``: the night's CALIB ABs, DONE (or FAILED) once processed."""
    lines = []
    for ab in abs_of_night(inst, night):
        if ab.science:
            continue
        complete = "INCOMPLETE" if ab.state == "INCOMPLETE" else "COMPLETE"
        tag = ("\tDONE" if ab.processed else "\tFAILED") if done and complete == "COMPLETE" else ""
        lines.append(f"{ab.name}\t{ab.raw_type.name}\t{ab.raw_type.recipe}\t{complete}{tag}\n")
    return "".join(lines)


def write_virtual_masters(disk: Path, inst: Instrument, nights: Iterable[dt.date]) -> None:
    """calChecker's virtual masters of the nights (what the next night's ABs name as VIRTUAL)."""
    for raw_type in inst.raw_types:
        for night in nights:
            name = f"{inst.code}_{raw_type.code}_{night:%y%m%d}A_1x1.hdr"
            text = hdr_text(
                header([("ESO PRO CATG", raw_type.pro_catg, ""), ("ESO QC NCOMBINED", 3, "")])
            )
            _write(disk / "calib" / "VCAL" / name, text)
            _write(disk / "calib" / "CALCHECK" / "VCAL" / name, text)
            _write(disk / "calib" / "CAL4CAL" / "VCAL" / name, text)


def write_calibration_memory(disk: Path, inst: Instrument, nights: tuple[dt.date, ...]) -> None:
    """calChecker's memory and the static calibrations."""
    previous = nights[0] - dt.timedelta(days=1)
    write_virtual_masters(disk, inst, (previous, *nights))
    for raw_type in inst.raw_types:
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
