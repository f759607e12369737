"""The QC1 pairing rule, PAF files and score files: pure rules, no blade."""

from __future__ import annotations

from pytest_mucverify.dfos.ab import parse_ab
from pytest_mucverify.dfos.paf import parse_paf
from pytest_mucverify.dfos.qc1compare import Tolerance, Tolerances, hdus_on_one_side
from pytest_mucverify.dfos.qc1pairing import AbIndex, ab_record, number_products, product_order
from pytest_mucverify.dfos.scores import parse_scores, score_differences


def ab(name: str, first_raw: str, products: list[str], status: str = "SUCCESSFUL") -> str:
    return "\n".join(
        [
            f"AB_NAME\t{name}",
            "DPR_CATG\tCALIB",
            "COMPLETENESS\tCOMPLETE",
            f"PROCESS_STATUS\t{status}",
            f"PROD_ROOT_NAME\tr.{name.removesuffix('.ab')}",
            f"RAWFILE\t/data/giraffe/raw/2013-02-21/{first_raw}\tBIAS",
            *(f"PRODUCTS\t{p}\tMASTER_BIAS" for p in products),
        ]
    )


TAGGED = "GIRAF.2013-02-21T14:05:12.123_grp1.ab"
RAW = "GIRAF.2013-02-21T14:05:12.123.fits"


def index() -> AbIndex:
    text = ab(TAGGED, RAW, ["r.GIRAF.2013-02-21T14:05:12.123_grp1_0000.fits"])
    return AbIndex([(f"/logs/{TAGGED}", parse_ab(text.encode(), TAGGED))])


def test_a_product_finds_its_tagged_ab_by_products_root_or_first_raw() -> None:
    found = index()
    assert found.ab_of("r.GIRAF.2013-02-21T14:05:12.123_grp1_0000.hdr", None, None) == TAGGED
    assert found.ab_of("r.GIRAF.2013-02-21T14:05:12.123_grp1_0003.fits", None, None) == TAGGED
    assert found.ab_of("GI_MBIA_130221A_1x1.fits", "GI_MBIA_130221A_1x1.fits", RAW) == TAGGED
    # the raw file's name is not the AB's: guessing from it would miss the tagged AB
    assert found.ab_of("GI_MBIA_130221A_1x1.fits", None, "GIRAF.other.fits") is None


def test_every_product_of_a_category_is_kept_and_numbered_in_pipeline_order() -> None:
    placed = [
        ("b/r.X_0001.fits", "X.ab", "MASTER_DARK", product_order("r.X_0001.fits", None)),
        ("a/r.X_0000.fits", "X.ab", "MASTER_DARK", product_order("r.X_0000.fits", None)),
        ("c/GI_B.fits", "Y.ab", "MASTER_DARK", product_order("GI_B.fits", "GI_B.fits")),
        ("c/GI_A.fits", "Y.ab", "MASTER_DARK", product_order("GI_A.fits", "GI_A.fits")),
    ]
    assert number_products(placed) == {
        "a/r.X_0000.fits": ("X.ab", "MASTER_DARK", 0),
        "b/r.X_0001.fits": ("X.ab", "MASTER_DARK", 1),
        "c/GI_A.fits": ("Y.ab", "MASTER_DARK", 0),
        "c/GI_B.fits": ("Y.ab", "MASTER_DARK", 1),
    }


def test_ab_state_tells_failed_and_incomplete() -> None:
    failed = parse_ab(ab(TAGGED, RAW, [], "FAILED").encode(), TAGGED)
    assert ab_record("x", failed).state == "FAILED"
    text = ab(TAGGED, RAW, [], "CREATED").replace("\tCOMPLETE\n", "\tINCOMPLETE\n")
    assert ab_record("x", parse_ab(text.encode(), TAGGED)).state == "INCOMPLETE"


def test_paf_records_are_typed_and_bad_lines_named() -> None:
    paf = parse_paf(
        'PAF.HDR.START ;\nPAF.TYPE "x" ;\nPAF.HDR.END ;\n'
        'PRO.CATG  "MASTER_BIAS" ;\nQC.BIAS.MEDIAN 200.5 ; # ADU\nQC.NCOMB 5\n'
        'QC.OK T ;\nQC.DID "DID 1" ;\nthis is not a record\n',
        "p.paf",
    )
    assert paf.qc1 == {"QC.BIAS.MEDIAN": 200.5, "QC.NCOMB": 5, "QC.OK": True, "QC.DID": "DID 1"}
    assert paf.text("PRO.CATG") == "MASTER_BIAS"
    assert paf.problems == ("p.paf:9: cannot read the PAF record 'this is not a record'",)


SCORES = "# scoreQC\nQC.A\t1.5\t0\nCHIP2:QC.A 1.6 1\nQC.NCOMB\t5\t-\nQC.T\t-999\t0\nTOTAL\t1\n"


def test_score_layout_with_unscored_and_missing_values() -> None:
    scores = parse_scores(SCORES, "a.score")
    assert scores.problems == ()
    assert scores.scores == {"QC.A": "0", "CHIP2:QC.A": "1", "QC.NCOMB": "-", "QC.T": "0"}
    assert scores.values["QC.T"] == -999.0 and scores.total == "1"


def test_a_line_in_another_layout_is_a_problem_naming_file_and_line() -> None:
    scores = parse_scores(SCORES.replace("QC.A\t1.5\t0", "QC.A = 1.5  score=1"), "a.score")
    assert len(scores.problems) == 1 and scores.problems[0].startswith("a.score:2: ")
    assert parse_scores("QC.A 1 0\n", "b.score").problems == ("b.score: no TOTAL line",)


def test_scored_values_are_compared_with_the_qc1_tolerances() -> None:
    old = parse_scores(SCORES)
    drifted = parse_scores(SCORES.replace("-999", "0.5").replace("1.5\t0", "1.50001\t0"))
    assert score_differences(old, drifted) == [
        "QC.A: scored value 1.5 on the old blade, 1.50001 on the muc (beyond tolerance)",
        "QC.T: scored value -999.0 on the old blade, 0.5 on the muc"
        " (-999 (missing) on one side only)",
    ]
    loose = Tolerances(patterns=(("QC.A", Tolerance(rtol=1e-3)),))
    assert len(score_differences(old, drifted, loose)) == 1


def test_an_hdu_on_one_blade_only_is_named_once() -> None:
    old = {"QC.A": 1.0, "CHIP1:QC.A": 1.0, "CHIP1:QC.B": 2.0, "CHIP2:QC.A": 3.0}
    new = {"QC.A": 1.0, "CHIP2:QC.A": 3.0, "CHIP3:QC.A": 4.0}
    assert hdus_on_one_side(old, new) == {"CHIP1": ("old", 2), "CHIP3": ("new", 1)}
    assert hdus_on_one_side(old, old) == {}
