"""I.7 and II.3: every AB processed on both blades gives the same QC1 parameters and scores
(what muc_compare did by hand). The shared QC1 database cannot tell: the last run overwrote it,
so each blade's own products and score files are compared."""

from __future__ import annotations

import datetime as dt

from pytest_mucverify import (
    check,
    examined,
    not_applicable,
    note,
    nothing_to_compare,
    require,
    require_none,
)
from pytest_mucverify.context import AccountUnderTest
from pytest_mucverify.dfos.qc1compare import compare_qc1, largest_relative_difference
from pytest_mucverify.dfos.scores import score_differences
from pytest_mucverify.qc1plots import difference_figures


def night_both_blades_processed(account: AccountUnderTest, night: dt.date) -> None:
    """Not applicable only where the site's dates say one of the blades does not process the
    night; otherwise both must hold it."""
    reason = account.roles(night).both
    if reason:
        not_applicable(reason)


def product_folders(account: AccountUnderTest, night: dt.date) -> list[str]:
    return [
        f"{blade.name}:{account.directory(variable, blade)}{sub}"
        for blade in (account.ops, account.muc)
        for variable, sub in (("DFS_PRODUCT", f"/<RAW_TYPE>/{night}"), ("DFO_CAL_DIR", f"/{night}"))
    ]


@check("qc1.values")
def test_every_qc1_parameter_is_the_same_on_both_blades(
    account: AccountUnderTest, night: dt.date
) -> None:
    night_both_blades_processed(account, night)
    old, old_problems = account.ops_data.products_of_night(night)
    new, new_problems = account.muc_data.products_of_night(night)
    pairs = sorted(set(old) & set(new))
    unreadable = [*old_problems, *new_problems]
    if not pairs and not unreadable:
        nothing_to_compare(
            f"no product of {night} on both blades ({len(old)} on {account.ops.name},"
            f" {len(new)} on {account.muc.name})",
            product_folders(account, night),
        )
    unreadable += [
        f"{p.path}: {d}" for key in pairs for p in (old[key], new[key]) for d in p.problems
    ]
    tolerances = account.site.tolerances
    compared = {key: compare_qc1(old[key].values, new[key].values, tolerances) for key in pairs}
    examined("products paired", len(pairs))
    examined("parameters", sum(len(set(old[k].values) | set(new[k].values)) for k in pairs))
    closest = max(
        (largest_relative_difference(old[k].values, new[k].values) for k in pairs), default=0.0
    )
    note(f"max |rel| {closest:.1g}")
    evidence = [d.evidence(ab, catg) for (ab, catg), found in compared.items() for d in found]
    figures = difference_figures(
        night, {key: (old[key].values, new[key].values) for key in pairs}, compared, tolerances
    )
    require_none(unreadable, f"product headers of {night} that could not be read in full")
    require(
        not evidence,
        f"{len(evidence)} QC1 differences in {len(pairs)} products of {night}",
        evidence,
        figures=figures,
    )


@check("qc1.scores")
def test_every_score_and_total_is_the_same_on_both_blades(
    account: AccountUnderTest, night: dt.date
) -> None:
    night_both_blades_processed(account, night)
    old_abs, new_abs = account.ops_data.calib_abs(night), account.muc_data.calib_abs(night)
    both = sorted(set(old_abs) & set(new_abs))
    if not both:
        nothing_to_compare(
            f"no CALIB AB of {night} processed on both blades ({len(old_abs)} on"
            f" {account.ops.name}, {len(new_abs)} on {account.muc.name})",
            [
                f"{blade.name}:{account.directory('DFO_LOG_DIR', blade)}/{night}"
                for blade in (account.ops, account.muc)
            ],
        )
    old = account.ops_data.score_files(night, both)
    new = account.muc_data.score_files(night, both)
    differences = []
    for ab in both:
        if ab not in old or ab not in new:
            where = "the old blade" if ab not in old else "the muc"
            differences.append(f"{ab}  no score file on {where}")
            continue
        for blade, scores in ((account.ops, old[ab]), (account.muc, new[ab])):
            differences += [f"{ab}  {blade.name} score file {p}" for p in scores.problems]
        differences += [f"{ab}  {line}" for line in score_differences(old[ab], new[ab])]
    examined("ABs scored on both blades", len(both))
    examined("scores", sum(len(old[ab].scores) + (old[ab].total is not None) for ab in old))
    require_none(differences, f"score differences in {len(both)} ABs of {night}")


@check("qc1.coverage")
def test_both_blades_processed_the_same_abs_into_the_same_products(
    account: AccountUnderTest, night: dt.date
) -> None:
    night_both_blades_processed(account, night)
    old_abs, new_abs = account.ops_data.calib_abs(night), account.muc_data.calib_abs(night)
    if not old_abs and not new_abs:
        nothing_to_compare(
            f"no CALIB AB of {night} on either blade",
            [
                f"{blade.name}:{account.directory('DFO_LOG_DIR', blade)}/{night}"
                for blade in (account.ops, account.muc)
            ],
        )
    old, old_problems = account.ops_data.products_of_night(night)
    new, new_problems = account.muc_data.products_of_night(night)
    examined("CALIB ABs", len(set(old_abs) | set(new_abs)))
    examined("products", len(set(old) | set(new)))
    gaps = [*old_problems, *new_problems]
    gaps += [
        f"{ab}  processed on the old blade, not on the muc"
        for ab in sorted(set(old_abs) - set(new_abs))
    ]
    gaps += [
        f"{ab}  processed on the muc, not on the old blade"
        for ab in sorted(set(new_abs) - set(old_abs))
    ]
    for ab in sorted(set(old_abs) & set(new_abs)):
        old_catgs = {catg for a, catg in old if a == ab}
        new_catgs = {catg for a, catg in new if a == ab}
        gaps += [
            f"{ab}  {catg}  product on the old blade only" for catg in sorted(old_catgs - new_catgs)
        ]
        gaps += [f"{ab}  {catg}  product on the muc only" for catg in sorted(new_catgs - old_catgs)]
    require_none(gaps, f"differences in what the blades processed on {night}")
