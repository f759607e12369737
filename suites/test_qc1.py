"""I.7 and II.3: every AB processed on both blades gives the same QC1 parameters and scores
(what muc_compare did by hand). The shared QC1 database cannot tell: the last run overwrote it,
so each blade's own products and score files are compared."""

from __future__ import annotations

import datetime as dt

from pytest_mucverify import check, not_applicable, require, require_none
from pytest_mucverify.context import AccountUnderTest
from pytest_mucverify.dfos.qc1compare import compare_qc1
from pytest_mucverify.dfos.scores import score_differences
from pytest_mucverify.phases import reached
from pytest_mucverify.qc1plots import difference_figures


def night_both_blades_processed(account: AccountUnderTest, night: dt.date) -> None:
    transition = account.spec.transition_date
    require(transition is not None, f"the site file gives no transition_date for {account.name}")
    assert transition is not None
    if night < transition:
        not_applicable(
            f"{night} is before the transition date {transition}: the muc does not process it"
        )
    commissioning = account.spec.commissioning_date
    if commissioning and night >= commissioning and not reached(account.phase, "operational"):
        not_applicable(
            f"{night}: from the commissioning date {commissioning} on, the muc processes"
            " nights only once it is operational"
        )


@check("qc1.values")
def test_every_qc1_parameter_is_the_same_on_both_blades(
    account: AccountUnderTest, night: dt.date
) -> None:
    night_both_blades_processed(account, night)
    old, old_problems = account.ops_data.products_of_night(night)
    new, new_problems = account.muc_data.products_of_night(night)
    pairs = sorted(set(old) & set(new))
    if not pairs and not old_problems + new_problems:
        not_applicable(f"no product of {night} on both blades")
    unreadable = [*old_problems, *new_problems]
    unreadable += [
        f"{p.path}: {d}" for key in pairs for p in (old[key], new[key]) for d in p.problems
    ]
    tolerances = account.site.tolerances
    compared = {key: compare_qc1(old[key].values, new[key].values, tolerances) for key in pairs}
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
    both = sorted(set(account.ops_data.calib_abs(night)) & set(account.muc_data.calib_abs(night)))
    if not both:
        not_applicable(f"no CALIB AB of {night} processed on both blades")
    old = account.ops_data.score_files(night, both)
    new = account.muc_data.score_files(night, both)
    differences = []
    for ab in both:
        if ab not in old or ab not in new:
            where = "the old blade" if ab not in old else "the muc"
            differences.append(f"{ab}  no score file on {where}")
            continue
        differences += [f"{ab}  {line}" for line in score_differences(old[ab], new[ab])]
    require_none(differences, f"score differences in {len(both)} ABs of {night}")


@check("qc1.coverage")
def test_both_blades_processed_the_same_abs_into_the_same_products(
    account: AccountUnderTest, night: dt.date
) -> None:
    night_both_blades_processed(account, night)
    old_abs, new_abs = account.ops_data.calib_abs(night), account.muc_data.calib_abs(night)
    if not old_abs and not new_abs:
        not_applicable(f"no CALIB AB of {night} on either blade")
    old, old_problems = account.ops_data.products_of_night(night)
    new, new_problems = account.muc_data.products_of_night(night)
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
