"""`linkclf check-real`: linkclf on real data (the domain prior on real host labels, the model's flag
rates on real links, the reality gap)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from linkclf.cli._common import info, user_errors
from linkclf.io import write_text_atomic


@user_errors
def command(
    data_dir: Path = typer.Option(
        None, "--data-dir", help="The real-data folder (default: ../shared/data/real)."
    ),
    output: Path = typer.Option(None, "-o", "--output", help="Write every figure as JSON here."),
    n_boot: int = typer.Option(1000, "--n-boot", min=50, help="Bootstrap replicates per CI."),
    seed: int = typer.Option(0, "--seed", help="Seed for LightGBM, the LR and the bootstrap."),
    uk2006: bool = typer.Option(True, "--uk2006/--no-uk2006", help="Also run WEBSPAM-UK2006."),
    domains: bool = typer.Option(
        True, "--domains/--no-domains", help="Run the domain-level checks of the hostname prior."
    ),
    links: bool = typer.Option(
        True, "--links/--no-links", help="Score the real pages' outbound links with --model."
    ),
    gap: bool = typer.Option(
        False, "--gap", help="Also the reality gap: real vs simulated natural links."
    ),
    model: Path = typer.Option(
        Path("models/default"), "--model", help="Model for the link-level section and --gap."
    ),
    data: Path = typer.Option(
        Path("datasets/default/links.csv.gz"),
        "--data",
        help="Simulated links for --gap (their natural rows are compared with the real ones).",
    ),
) -> None:
    """Check linkclf on real data. Domain level: the domain prior (LightGBM on hostname
    features) on WEBSPAM-UK2007 SET1 -> SET2, WEBSPAM-UK2006 set1 -> set2, and domains disavowed
    by >= 2 sites vs the Tranco top 10k and Wikipedia's reliable sources. Link level: flag rates
    of --model on the outbound links of ~290 real article pages (in-body editorial, template,
    rel-qualified, affiliate, by language), with the top reasons. --gap: how well a classifier
    tells real from simulated natural links. The data are read in place and never copied.

    Example:

        linkclf check-real --data-dir ../shared/data/real --model models/default -o realdata.json
    """
    figures: dict[str, Any] = {}
    if domains:
        # Imported here: LightGBM and scikit-learn load only for this command.
        from linkclf.realdata import run_checks

        info("training the domain prior and the n-gram baseline, bootstrapping CIs ...")
        figures = run_checks(data_dir, n_boot=n_boot, seed=seed, uk2006=uk2006)
        typer.echo(format_table(figures))
    if links:
        from linkclf.realdata_links import (
            RENDERINGS,
            flag_rates,
            flag_rates_markdown,
            placement_vs_ground_truth,
            score_real_links,
            tld_sensitivity,
            tld_sensitivity_markdown,
        )

        check = placement_vs_ground_truth(data_dir)
        figures["real_links"] = {"placement_vs_ground_truth": check}
        typer.echo(
            f"placement=content vs the scrapinghub article bodies: precision "
            f"{check['precision']:.3f}, recall {check['recall']:.3f} "
            f"({check['n_evaluated']:,} links with anchor text)"
        )
        scored = {}
        for rendering in RENDERINGS:
            info(f"scoring the real pages' outbound links ({rendering} rendering) with {model} ...")
            scored[rendering] = score_real_links(model, data_dir, rendering=rendering)
            figures["real_links"][rendering] = rates = flag_rates(scored[rendering])
            typer.echo("\n" + flag_rates_markdown(rates))
        info("the same links with their pages moved from .com to .info ...")
        sensitivity = tld_sensitivity(model, data_dir, as_is=scored["ahrefs"])
        figures["real_links"]["tld_sensitivity"] = sensitivity
        typer.echo("\n" + tld_sensitivity_markdown(sensitivity))
    if gap:
        from linkclf.realgap import gap_markdown, reality_gap

        info(f"training the real-vs-simulated classifier on {model}'s features ...")
        figures["reality_gap"] = reality_gap(model, data, data_dir=data_dir, seed=seed)
        typer.echo("\n" + gap_markdown(figures["reality_gap"]))
    if output is not None:
        write_text_atomic(output, json.dumps(figures, indent=2) + "\n")
        info(f"wrote {output}")


def _fmt(metric: dict[str, Any]) -> str:
    low, high = metric["ci95"]
    return f"{metric['value']:.3f} [{low:.3f}, {high:.3f}]"


def format_table(figures: dict[str, Any]) -> str:
    """The headline figures as a plain-text table."""
    lines = [
        f"{'check':<38} {'model':<20} {'ROC-AUC [95% CI]':<24} {'PR-AUC [95% CI]':<24} chance",
    ]
    names = {
        "webspam_uk2007_set1_to_set2": "WEBSPAM-UK2007 SET1->SET2",
        "webspam_uk2006_set1_to_set2": "WEBSPAM-UK2006 set1->set2",
        "disavowed_vs_trusted": "disavowed(>=2 sites) vs trusted",
    }
    models = {
        "domain_prior": "domain prior (LGBM)",
        "hostname_ngram_lr": "char n-gram LR",
        "domain_prior_cv5_in_distribution": "prior, 5-fold CV*",
    }
    for key, label in names.items():
        block = figures.get(key)
        if block is None:
            continue
        for model, model_label in models.items():
            if model in block:
                m = block[model]
                lines.append(
                    f"{label:<38} {model_label:<20} {_fmt(m['roc_auc']):<24} "
                    f"{_fmt(m['pr_auc']):<24} {m['pr_auc_chance']:.3f}"
                )
    ref = figures["webspam_uk2007_set1_to_set2"]["reference_roc_auc"]
    lines.append(
        f"reference on UK2007 SET2 (ROC-AUC): hostname-only LR {ref['hostname_lr_published']}, "
        f"best WSC-2008 entry (link + content features) {ref['wsc2008_best_full_features']}"
    )
    dvt = figures.get("disavowed_vs_trusted")
    if dvt is not None:
        lines.append(
            "* trained on the disavowed/trusted lists themselves (out-of-fold), not on UK2007"
        )
        o = dvt["overlap"]
        listed = ", ".join(
            f"{d['domain']} (Tranco #{d['tranco_rank']})" if d["tranco_rank"] else d["domain"]
            for d in o["domains"]
        )
        lines.append(
            f"overlap: {o['disavowed_in_tranco_top10k']} of {dvt['n_disavowed']} domains disavowed "
            f"by >= 2 sites are in the Tranco top 10k, {o['disavowed_in_wikipedia_reliable']} "
            f"are Wikipedia-reliable; {o['covered_by_default_allowlist']} of those are on the "
            f"default allowlist: {listed or 'none'}"
        )
    return "\n".join(lines)
