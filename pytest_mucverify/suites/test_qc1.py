"""I.7 and II.3: every AB processed on both blades gives the same QC1 parameters and scores
(what muc_compare did by hand). The shared QC1 database cannot tell: the last run overwrote it,
so each blade's own products and score files are compared.

Products pair by (AB, PRO.CATG, n) and parameters by name with their HDU (see
pytest_mucverify/dfos/qc1pairing.py); ABs of every kind (CALIB and SCIENCE) are compared with
their state."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence

from pytest_mucverify import (
    check,
    examined,
    measured,
    not_applicable,
    note,
    nothing_to_compare,
    require,
    require_none,
)
from pytest_mucverify.bladedata import Product
from pytest_mucverify.context import AccountUnderTest
from pytest_mucverify.dfos.qc1compare import (
    Qc1Difference,
    compare_qc1,
    hdu_of,
    hdus_on_one_side,
    largest_relative_by_family,
)
from pytest_mucverify.dfos.qc1pairing import ProductKey
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


def log_folders(account: AccountUnderTest, night: dt.date) -> list[str]:
    return [
        f"{blade.name}:{account.directory('DFO_LOG_DIR', blade)}/{night}"
        for blade in (account.ops, account.muc)
    ]


def qc1_evidence(
    old: Mapping[ProductKey, Product],
    new: Mapping[ProductKey, Product],
    compared: Mapping[ProductKey, Sequence[Qc1Difference]],
) -> list[str]:
    """One line per product on one blade only, per HDU on one blade only (its parameters are
    not listed again), and per differing parameter."""
    evidence = [
        f"{old[key].ab}  {old[key].label}  whole product on the old blade only ({old[key].path})"
        for key in sorted(set(old) - set(new))
    ] + [
        f"{new[key].ab}  {new[key].label}  whole product on the muc only ({new[key].path})"
        for key in sorted(set(new) - set(old))
    ]
    for key, found in compared.items():
        product = old[key]
        lone = hdus_on_one_side(product.values, new[key].values)
        evidence += [
            f"{product.ab}  {product.label}  HDU {hdu}: its {count} QC1 parameters on the"
            f" {'old blade' if side == 'old' else 'muc'} only"
            for hdu, (side, count) in sorted(lone.items())
        ]
        evidence += [
            d.evidence(product.ab, product.label) for d in found if hdu_of(d.parameter) not in lone
        ]
    return evidence


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
    examined("HDUs", sum(len({hdu_of(n) for n in old[k].values}) for k in pairs))
    examined("parameters", sum(len(set(old[k].values) | set(new[k].values)) for k in pairs))
    families: dict[str, float] = {}
    for key in pairs:
        for family, rel in largest_relative_by_family(old[key].values, new[key].values).items():
            families[family] = max(families.get(family, 0.0), rel)
    for family, rel in sorted(families.items()):
        measured(f"{family} max |rel|", rel)  # drawn over the nights in the report
    note(f"max |rel| {max(families.values(), default=0.0):.1g}")
    evidence = qc1_evidence(old, new, compared)
    figures = difference_figures(
        night, {key: (old[key].values, new[key].values) for key in pairs}, compared, tolerances
    )
    require_none(unreadable, f"products of {night} that could not be read or placed in full")
    require(
        not evidence,
        f"{len(evidence)} QC1 differences in {len(set(old) | set(new))} products of {night}",
        evidence,
        figures=figures,
    )


@check("qc1.scores")
def test_every_score_and_total_is_the_same_on_both_blades(
    account: AccountUnderTest, night: dt.date
) -> None:
    night_both_blades_processed(account, night)
    old_abs, new_abs = account.ops_data.ab_states(night), account.muc_data.ab_states(night)
    both = sorted(
        name
        for name in set(old_abs) & set(new_abs)
        if old_abs[name].succeeded and new_abs[name].succeeded
    )
    if not both:
        nothing_to_compare(
            f"no AB of {night} processed successfully on both blades ({len(old_abs)} ABs on"
            f" {account.ops.name}, {len(new_abs)} on {account.muc.name})",
            log_folders(account, night),
        )
    old = account.ops_data.score_files(night, both)
    new = account.muc_data.score_files(night, both)
    differences = []
    for ab in both:
        if ab not in old and ab not in new and old_abs[ab].dpr_catg != "CALIB":
            continue  # scoreQC scores the CALIB ABs; an unscored SCIENCE AB is no difference
        if ab not in old or ab not in new:
            where = "the old blade" if ab not in old else "the muc"
            differences.append(f"{ab}  no score file on {where}")
            continue
        for scores in (old[ab], new[ab]):
            differences += [f"{ab}  {problem}" for problem in scores.problems]
        differences += [
            f"{ab}  {line}" for line in score_differences(old[ab], new[ab], account.site.tolerances)
        ]
    examined("ABs scored on both blades", len(set(old) & set(new)))
    examined("scores", sum(len(old[ab].scores) + (old[ab].total is not None) for ab in old))
    examined("scored values", sum(len(old[ab].values) for ab in old))
    require_none(differences, f"score differences in {len(both)} ABs of {night}")


def the_muc_alone_processed_its_night(account: AccountUnderTest, night: dt.date, why: str) -> None:
    """After the switch the old blade makes nothing to compare with, but the muc must still have
    run the night: every AB it ran successfully left its products."""
    abs_of_night = account.muc_data.ab_states(night)
    if not abs_of_night:
        nothing_to_compare(f"no AB of {night} on {account.muc.name}", log_folders(account, night))
    products, problems = account.muc_data.products_of_night(night)
    examined("ABs on the muc", len(abs_of_night))
    examined("products on the muc", len(products))
    made = {ab for ab, _catg, _n in products}
    barren = [
        f"{ab}  {record.dpr_catg} {record.state} on the muc, but no product of it there"
        for ab, record in sorted(abs_of_night.items())
        if record.succeeded and ab not in made
    ]
    note(f"{why}: the muc's products checked alone")
    require_none([*problems, *barren], f"ABs of {night} the muc ran without products")


@check("qc1.coverage")
def test_both_blades_processed_the_same_abs_into_the_same_products(
    account: AccountUnderTest, night: dt.date
) -> None:
    roles = account.roles(night)
    if roles.muc is None and roles.ops:
        the_muc_alone_processed_its_night(account, night, roles.ops)
        return
    night_both_blades_processed(account, night)
    old_abs, new_abs = account.ops_data.ab_states(night), account.muc_data.ab_states(night)
    if not old_abs and not new_abs:
        nothing_to_compare(f"no AB of {night} on either blade", log_folders(account, night))
    old, old_problems = account.ops_data.products_of_night(night)
    new, new_problems = account.muc_data.products_of_night(night)
    kinds = Counter(record.dpr_catg for record in {**new_abs, **old_abs}.values())
    for kind, count in sorted(kinds.items()):
        examined(f"{kind} ABs", count)
    examined(
        "ABs not successful",
        len({r.name for r in (*old_abs.values(), *new_abs.values()) if not r.succeeded}),
    )
    examined("products", len(set(old) | set(new)))
    gaps = [*old_problems, *new_problems]
    gaps += [
        f"{ab}  {old_abs[ab].dpr_catg} {old_abs[ab].state} on the old blade, not on the muc"
        for ab in sorted(set(old_abs) - set(new_abs))
    ]
    gaps += [
        f"{ab}  {new_abs[ab].dpr_catg} {new_abs[ab].state} on the muc, not on the old blade"
        for ab in sorted(set(new_abs) - set(old_abs))
    ]
    for ab in sorted(set(old_abs) & set(new_abs)):
        before, after = old_abs[ab], new_abs[ab]
        if before.state != after.state:
            gaps.append(
                f"{ab}  {before.dpr_catg}  {before.state} on the old blade, {after.state} on the muc"
            )
        old_catgs = Counter(catg for a, catg, _n in old if a == ab)
        new_catgs = Counter(catg for a, catg, _n in new if a == ab)
        for catg in sorted(set(old_catgs) | set(new_catgs)):
            if old_catgs[catg] != new_catgs[catg]:
                gaps.append(
                    f"{ab}  {catg}  {old_catgs[catg]} products on the old blade,"
                    f" {new_catgs[catg]} on the muc"
                )
    require_none(gaps, f"differences in what the blades processed on {night}")
