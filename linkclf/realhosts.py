"""Hostname reality check: do the simulator's hostname signals point the way real hostnames do?

The hostname features (:func:`linkclf.features.url.hostname_features`: digits, hyphens, TLD,
spam words, ...) are measured on two real sets of hostnames and on the simulated source hosts:

* **real natural**: the Tranco top 10k (``top-sites/``), well-known sites;
* **real manipulative**: hosts at least two site owners disavowed (``disavow/``) and the hosts
  of a guest-post seller's inventory (``link-sellers/``), minus any Tranco host;
* **simulated**: each source host of the training data, manipulative if any of its links is.

For every feature the ROC-AUC of "higher means manipulative" is given on both. A feature whose
simulated separation points the other way from the real one, or separates far more strongly in
the simulator, teaches the model a rule the web does not follow. Tranco is a biased sample of
natural hosts (popular sites have short names), so lengths are read with care; digits, hyphens,
TLDs and spam words are not popularity effects.

``python -m linkclf.realhosts`` prints the table (markdown) the datasheet quotes.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from linkclf.domains import hostname
from linkclf.features._util import map_unique
from linkclf.features.url import SPAMMY_TLDS, hostname_features
from linkclf.realdata import load_disavowed, load_tranco, require, roc_auc

#: A separation this far from 0.5 on one side and the other way on the other is a contradiction.
MARGIN = 0.05
#: The same for the log odds ratio of a non-zero value.
LOG_ODDS_MARGIN = 0.5


def _hosts(values: pd.Series) -> list[str]:
    hosts = values.dropna().astype(str).str.strip().str.lower()
    return [h.removeprefix("www.") for h in hosts if h and " " not in h]


def real_hostnames(data_dir: str | os.PathLike[str] | None = None) -> tuple[list[str], list[str]]:
    """(natural, manipulative) real hostnames; see the module docstring.

    Raises
    ------
    InputError
        The real-data folder or one of its files is missing.
    """
    root = require(data_dir)
    natural = load_tranco(root)
    sellers = pd.read_csv(root / "link-sellers" / "gpitfirm-guest-post-inventory.csv")
    bad = load_disavowed(root, min_sites=2) | set(_hosts(sellers["domain"]))
    return natural, sorted(bad - set(natural))


def simulated_hostnames(path: str | os.PathLike[str]) -> tuple[list[str], list[str]]:
    """(natural, manipulative) source hosts of a simulated file (label per host: any link
    manipulative makes the host manipulative)."""
    frame = pd.read_csv(path, usecols=["source_url", "label"], dtype={"source_url": str})
    host = map_unique(frame["source_url"].fillna(""), hostname)
    label = frame.groupby(host)["label"].max()
    return _hosts(pd.Series(label.index[label == 0])), _hosts(pd.Series(label.index[label == 1]))


def _separation(natural: list[str], manipulative: list[str]) -> pd.DataFrame:
    X = hostname_features(natural + manipulative)
    y = np.r_[np.zeros(len(natural)), np.ones(len(manipulative))].astype(int)
    rows = []
    for col in X.columns:
        values = X[col].to_numpy(dtype=float)
        rows.append(
            {
                "feature": col,
                "auc": roc_auc(y, values),
                "log_odds_nonzero": _log_odds_nonzero(values != 0, y),
                "natural_mean": float(values[y == 0].mean()),
                "manipulative_mean": float(values[y == 1].mean()),
            }
        )
    return pd.DataFrame(rows).set_index("feature")


def _log_odds_nonzero(nonzero: np.ndarray, y: np.ndarray) -> float:
    """Log odds ratio of "the feature is not zero" for manipulative vs natural hosts (smoothed):
    a rare feature (digits, an IP) can be a near-perfect rule in the simulator while its ROC-AUC
    stays close to 0.5."""
    if nonzero.mean() > 0.5:
        return float("nan")  # a value nearly every host has (a length): ROC-AUC says it all
    p_bad = (nonzero[y == 1].sum() + 0.5) / ((y == 1).sum() + 1)
    p_nat = (nonzero[y == 0].sum() + 0.5) / ((y == 0).sum() + 1)
    return float(np.log(p_bad / (1 - p_bad)) - np.log(p_nat / (1 - p_nat)))


def verdict(real: dict[str, float], simulated: dict[str, float]) -> str:
    """``contradicts``, ``stronger in the simulator`` or ``agrees``, from the ROC-AUCs and the
    log odds ratios of a non-zero value (``auc`` and ``log_odds_nonzero`` of each side)."""
    r_auc, s_auc = real["auc"] - 0.5, simulated["auc"] - 0.5
    # NaN (a feature nearly every host has) compares false everywhere below: AUC decides.
    r_lo, s_lo = real["log_odds_nonzero"], simulated["log_odds_nonzero"]
    if (r_auc * s_auc < 0 and min(abs(r_auc), abs(s_auc)) > MARGIN / 2) or (
        r_lo * s_lo < 0 and min(abs(r_lo), abs(s_lo)) > LOG_ODDS_MARGIN
    ):
        return "contradicts"
    if abs(s_auc) > abs(r_auc) + MARGIN or abs(s_lo) > abs(r_lo) + 1.0:
        return "stronger in the simulator"
    return "agrees"


def hostname_check(
    simulated: str | os.PathLike[str] = "datasets/default/links.csv.gz",
    data_dir: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """Real and simulated separation of every hostname feature, with a verdict each."""
    real = _separation(*real_hostnames(data_dir))
    sim_natural, sim_bad = simulated_hostnames(simulated)
    sim = _separation(sim_natural, sim_bad)
    rows = []
    for feature in real.index:
        r, s = real.loc[feature], sim.loc[feature]
        if np.isnan(r["auc"]) or np.isnan(s["auc"]):
            continue
        rows.append(
            {
                "feature": feature,
                "real_auc": round(float(r["auc"]), 3),
                "simulated_auc": round(float(s["auc"]), 3),
                "real_log_odds_nonzero": round(float(r["log_odds_nonzero"]), 2),
                "simulated_log_odds_nonzero": round(float(s["log_odds_nonzero"]), 2),
                "real_means": [round(r["natural_mean"], 3), round(r["manipulative_mean"], 3)],
                "simulated_means": [round(s["natural_mean"], 3), round(s["manipulative_mean"], 3)],
                "verdict": verdict(dict(r), dict(s)),
            }
        )
    natural, bad = real_hostnames(data_dir)
    return {
        "real": {"natural": len(natural), "manipulative": len(bad)},
        "simulated": {"natural": len(sim_natural), "manipulative": len(sim_bad)},
        "features": rows,
    }


def check_markdown(check: dict[str, Any]) -> str:
    lines = [
        f"Real: {check['real']['natural']:,} Tranco hosts vs {check['real']['manipulative']:,} "
        f"disavowed (by 2+ sites) or link-selling hosts; simulated: "
        f"{check['simulated']['natural']:,} natural vs {check['simulated']['manipulative']:,} "
        "manipulative source hosts. ROC-AUC of 'higher means manipulative'; log odds ratio of a "
        "non-zero value, manipulative vs natural.",
        "",
        "| feature | real ROC-AUC | simulated ROC-AUC | real log OR | simulated log OR "
        "| real mean (nat / manip) | simulated mean (nat / manip) | verdict |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for f in check["features"]:
        rn, rm = f["real_means"]
        sn, sm = f["simulated_means"]
        lines.append(
            f"| {f['feature']} | {f['real_auc']:.3f} | {f['simulated_auc']:.3f} | "
            f"{_signed(f['real_log_odds_nonzero'])} | {_signed(f['simulated_log_odds_nonzero'])} | "
            f"{rn:.2f} / {rm:.2f} | {sn:.2f} / {sm:.2f} | {f['verdict']} |"
        )
    return "\n".join(lines)


def _signed(value: float) -> str:
    return "n/a" if np.isnan(value) else f"{value:+.2f}"


#: Country TLDs shown next to the spam-heavy list: the ones on it, and two that are not, for scale.
COUNTRY_TLDS = ("ru", "cn", "cc", "ws", "de", "uk")


def tld_counts(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """How many real natural and real manipulative hostnames (:func:`real_hostnames`) end in each
    TLD of :data:`linkclf.features.url.SPAMMY_TLDS` and of :data:`COUNTRY_TLDS`, with the smoothed
    log odds ratio (manipulative vs natural): the evidence the spam-heavy TLD list rests on."""
    natural, bad = real_hostnames(data_dir)
    n_counts, b_counts = _tld_counts(natural), _tld_counts(bad)
    rows = []
    for tld in sorted(SPAMMY_TLDS) + [t for t in COUNTRY_TLDS if t not in SPAMMY_TLDS]:
        n, b = int(n_counts.get(tld, 0)), int(b_counts.get(tld, 0))
        log_or = np.log((b + 0.5) / (len(bad) - b + 0.5)) - np.log(
            (n + 0.5) / (len(natural) - n + 0.5)
        )
        rows.append(
            {"tld": tld, "listed": tld in SPAMMY_TLDS, "natural": n, "manipulative": b,
             "log_odds": round(float(log_or), 2)}
        )  # fmt: skip
    return pd.DataFrame(rows).set_index("tld")


def _tld_counts(hosts: list[str]) -> pd.Series:
    return pd.Series([h.rsplit(".", 1)[-1] for h in hosts]).value_counts()


def tld_markdown(counts: pd.DataFrame) -> str:
    lines = ["| TLD | on the spam-heavy list | Tranco hosts | manipulative hosts | log OR |"]
    lines.append("|---|---|---|---|---|")
    for tld, row in counts.iterrows():
        lines.append(
            f"| .{tld} | {'yes' if row['listed'] else 'no'} | {row['natural']} | "
            f"{row['manipulative']} | {_signed(row['log_odds'])} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="datasets/default/links.csv.gz")
    parser.add_argument("--data-dir", default=None, help="the real-data folder")
    parser.add_argument("--tlds", action="store_true", help="per-TLD counts of the real hostnames")
    args = parser.parse_args(argv)
    if args.tlds:
        print(tld_markdown(tld_counts(args.data_dir)))
        return
    if not Path(args.data).exists():
        raise SystemExit(f"error: no simulated data at {args.data} (run `make data`)")
    print(check_markdown(hostname_check(args.data, args.data_dir)))


if __name__ == "__main__":
    main()
