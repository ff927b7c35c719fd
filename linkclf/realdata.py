"""Domain-level checks of one component on real third-party data: the hostname-only prior.

linkclf has no public link-level labels to test on, but one of its components, the domain prior
(LightGBM on :func:`linkclf.features.url.hostname_features`), can be checked on real labels:

* **WEBSPAM-UK2007** (Web Spam Challenge 2008): train on SET1, report on SET2 with the official
  labels (spam = 1, nonspam = 0, undecided dropped), next to a logistic regression on character
  n-grams of the hostname trained in the same run (published hostname-only LR: ROC-AUC 0.625)
  and the best challenge entry with full link and content features (about 0.85);
* **WEBSPAM-UK2006** set1 -> set2 (the Web Spam Challenge 2007 split), the same way;
* **disavowed vs trusted**: domains that two or more independent sites disavowed against the
  Tranco top 10k and Wikipedia's reliable sources, scored by the prior trained on UK2007, plus
  the overlaps that the disavow allowlist must cover.

These figures say how much a hostname alone tells, not how well the link classifier works.
The data are read in place from ``../shared/data/real`` (licences forbid copying them).
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
from scipy.stats import rankdata
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline

from linkclf.domains import registrable_domain, to_ascii
from linkclf.errors import InputError
from linkclf.features.url import hostname_features

#: Where the real data sit relative to the repository (``../shared/data/real``).
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"
#: Published reference points on WEBSPAM-UK2007 SET2 (ROC-AUC).
REFERENCE_HOSTNAME_LR = 0.625
REFERENCE_WSC2008_BEST = 0.85
#: The domain prior's LightGBM: small and strongly regularised (222 spam hosts to learn from).
PRIOR_PARAMS: dict[str, Any] = {
    "n_estimators": 300,
    "learning_rate": 0.03,
    "num_leaves": 15,
    "min_child_samples": 20,
    "subsample": 0.8,
    "subsample_freq": 1,
    "colsample_bytree": 0.8,
    "reg_lambda": 1.0,
    "verbose": -1,
    "n_jobs": 1,
}


@dataclass(frozen=True)
class Metric:
    """A ranking metric with its bootstrap 95% interval."""

    value: float
    low: float
    high: float

    def as_dict(self) -> dict[str, float]:
        return {"value": round(self.value, 4), "ci95": [round(self.low, 4), round(self.high, 4)]}  # type: ignore[dict-item]


def locate(data_dir: str | os.PathLike[str] | None = None) -> Path | None:
    """The real-data folder if it exists, else None.

    ``data_dir`` when given; otherwise ``$LINKCLF_REAL_DATA`` when set, then
    ``../shared/data/real`` from the working directory (the project root), then beside the
    source checkout this module was imported from.
    """
    if data_dir is not None:
        candidates = [Path(data_dir)]
    else:
        env = os.environ.get("LINKCLF_REAL_DATA")
        candidates = [Path(env)] if env else []
        candidates += [Path.cwd().parent / "shared" / "data" / "real", DEFAULT_DATA_DIR]
    return next((p for p in candidates if (p / "SOURCES.md").is_file()), None)


def require(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The real-data folder (:func:`locate`).

    Raises
    ------
    InputError
        No folder is found.
    """
    root = locate(data_dir)
    if root is None:
        raise InputError(
            expected="the real-data folder with SOURCES.md (../shared/data/real)",
            found=f"nothing at {data_dir or DEFAULT_DATA_DIR}",
            fix="pass --data-dir PATH to the folder; the data are not shipped with linkclf",
        )
    return root


def bootstrap(
    metric: Callable[[np.ndarray, np.ndarray], float],
    y: np.ndarray,
    score: np.ndarray,
    n_boot: int = 1000,
    seed: int = 0,
) -> Metric:
    """``metric(y, score)`` with a percentile bootstrap 95% interval.

    Resampling is stratified (positives and negatives resampled separately) so every replicate
    keeps the class balance of the test set: with 122 spam hosts among 2,055 a plain resample
    would make the PR-AUC interval mostly about how many positives were drawn.
    """
    rng = np.random.default_rng(seed)
    pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    values = np.empty(n_boot)
    for i in range(n_boot):
        idx = np.concatenate(
            [rng.choice(pos, size=len(pos), replace=True), rng.choice(neg, size=len(neg))]
        )
        values[i] = metric(y[idx], score[idx])
    low, high = np.percentile(values, [2.5, 97.5])
    return Metric(float(metric(y, score)), float(low), float(high))


def roc_auc(y: np.ndarray, score: np.ndarray) -> float:
    """ROC-AUC by the rank-sum formula (ties get mean ranks): sklearn's value, ~20x faster,
    which matters inside a 1,000-replicate bootstrap."""
    ranks = rankdata(score)
    n_pos = int(y.sum())
    n_neg = len(y) - n_pos
    return float((ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _metrics(y: np.ndarray, score: np.ndarray, n_boot: int, seed: int) -> dict[str, Any]:
    return {
        "roc_auc": bootstrap(roc_auc, y, score, n_boot, seed).as_dict(),
        "pr_auc": bootstrap(average_precision_score, y, score, n_boot, seed).as_dict(),
        "pr_auc_chance": round(float(y.mean()), 4),
    }


# --- the two models -------------------------------------------------------------------------


class DomainPrior:
    """linkclf's hostname-only component: LightGBM on :func:`hostname_features`."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def fit(self, hosts: Sequence[str], y: np.ndarray) -> DomainPrior:
        X = hostname_features(list(hosts))
        self.feature_names_ = list(X.columns)
        self.model_ = lgb.LGBMClassifier(**PRIOR_PARAMS, random_state=self.seed)
        self.model_.fit(X, y)
        return self

    def predict_proba(self, hosts: Sequence[str]) -> np.ndarray:
        X = hostname_features(list(hosts))[self.feature_names_]
        return np.asarray(self.model_.predict_proba(X))[:, 1]


def ngram_lr(seed: int = 0) -> Any:
    """The comparison baseline: logistic regression on character 2-5-grams of the hostname."""
    return make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True),
        LogisticRegression(C=1.0, solver="liblinear", class_weight="balanced", random_state=seed),
    )


def _compare(
    train_hosts: list[str],
    y_train: np.ndarray,
    test_hosts: list[str],
    y_test: np.ndarray,
    n_boot: int,
    seed: int,
) -> tuple[dict[str, Any], DomainPrior, Any]:
    prior = DomainPrior(seed).fit(train_hosts, y_train)
    lr = ngram_lr(seed).fit(train_hosts, y_train)
    figures = {
        "n_train": len(train_hosts),
        "n_train_spam": int(y_train.sum()),
        "n_test": len(test_hosts),
        "n_test_spam": int(y_test.sum()),
        "domain_prior": _metrics(y_test, prior.predict_proba(test_hosts), n_boot, seed),
        "hostname_ngram_lr": _metrics(y_test, lr.predict_proba(test_hosts)[:, 1], n_boot, seed),
    }
    return figures, prior, lr


# --- WEBSPAM ----------------------------------------------------------------------------------


def _need(path: Path) -> Path:
    if not path.is_file():
        raise InputError(
            expected=f"the file {path.name}",
            found="nothing there",
            fix="point --data-dir at ../shared/data/real (see its SOURCES.md)",
            where=str(path),
        )
    return path


def load_uk2007(data_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """WEBSPAM-UK2007 SET1 and SET2 as (host, label) frames: spam 1, nonspam 0, undecided dropped."""
    folder = data_dir / "webspam-uk2007"
    names = pd.read_csv(
        _need(folder / "WEBSPAM-UK2007-hostnames.txt"),
        sep=" ",
        header=None,
        names=["hostid", "host"],
        dtype={"hostid": int, "host": str},
    ).set_index("hostid")["host"]
    sets = []
    for name in ("SET1", "SET2"):
        labels = pd.read_csv(
            _need(folder / f"WEBSPAM-UK2007-{name}-labels.txt"),
            sep=" ",
            header=None,
            names=["hostid", "label", "spamicity", "judgments"],
            dtype={"hostid": int, "label": str},
        )
        labels = labels[labels["label"].isin(["spam", "nonspam"])]
        sets.append(
            pd.DataFrame(
                {
                    "host": names.loc[labels["hostid"]].to_numpy(),
                    "y": (labels["label"] == "spam").astype(int).to_numpy(),
                }
            )
        )
    return sets[0], sets[1]


def load_uk2006(data_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """WEBSPAM-UK2006 set1 and set2 (Web Spam Challenge 2007, DomainOrTwoHumans labels)."""
    folder = data_dir / "webspam-uk2006"
    sets = []
    for name in ("set1", "set2"):
        path = _need(folder / f"webspam-uk2006-{name}-labels-DomainOrTwoHumans.txt")
        rows = [line.split() for line in path.read_text("utf-8").splitlines() if line.strip()]
        hosts = [re.sub(r"^https?://", "", r[0]).rstrip("/") for r in rows]
        y = [1 if r[1] == "spam" else 0 for r in rows]
        sets.append(pd.DataFrame({"host": hosts, "y": y}))
    return sets[0], sets[1]


def check_webspam(
    train: pd.DataFrame, test: pd.DataFrame, n_boot: int = 1000, seed: int = 0
) -> tuple[dict[str, Any], DomainPrior, Any]:
    """Train the domain prior and the n-gram LR on ``train``, report ROC-AUC / PR-AUC on ``test``;
    returns the figures and both fitted models."""
    return _compare(
        train["host"].tolist(),
        train["y"].to_numpy(),
        test["host"].tolist(),
        test["y"].to_numpy(),
        n_boot,
        seed,
    )


# --- disavowed vs trusted domains -------------------------------------------------------------


def _domain(text: str) -> str:
    host = re.sub(r"^[a-z]+://", "", text.strip().lower()).split("/", 1)[0].rstrip(".")
    host = host[4:] if host.startswith("www.") else host
    return registrable_domain(to_ascii(host)) if host else ""


def load_disavowed(data_dir: Path, min_sites: int = 2) -> set[str]:
    """Registrable domains that ``min_sites`` or more independent sites disavowed."""
    path = _need(data_dir / "disavow" / "site-disavow-union.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {d for r in rows if int(r["n_sites"]) >= min_sites if (d := _domain(r["domain"]))}


def load_tranco(data_dir: Path, top: int = 10_000) -> list[str]:
    """The Tranco top list's domains in rank order."""
    path = _need(data_dir / "top-sites" / "tranco-top-10k-LimoWagdy.csv")
    lines = path.read_text("utf-8").splitlines()[1:]
    return [d for line in lines[:top] if (d := _domain(line))]


def load_wikipedia_reliable(data_dir: Path) -> set[str]:
    """Domains Wikipedia editors rate reliable: WP:RSP "Generally reliable" + goggle $boost sites."""
    folder = data_dir / "trusted-wikipedia"
    out: set[str] = set()
    rsp = _need(folder / "perennial-sources-Kudusch-2021-03-17.csv")
    with rsp.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if json.loads(row["status"]) == ["Generally reliable"]:
                out.update(d for u in json.loads(row["urls"]) if (d := _domain(u)))
    goggle = _need(folder / "kynoptic-wikipedia-reliable-sources.goggle")
    for line in goggle.read_text("utf-8").splitlines():
        # Whole-site rules only: "$boost=2,site=x" (a path before "$" boosts part of a site).
        match = re.fullmatch(r"\$boost=\d+,site=(\S+)", line.strip())
        if match and (d := _domain(match.group(1))):
            out.add(d)
    return out


def check_disavowed_vs_trusted(
    data_dir: Path,
    prior: DomainPrior,
    lr: Any = None,
    n_boot: int = 1000,
    seed: int = 0,
    min_sites: int = 2,
) -> dict[str, Any]:
    """Separate disavowed-by->=``min_sites`` domains from trusted ones with a prior trained on
    WEBSPAM-UK2007; report the overlaps the allowlist must cover.

    A domain both disavowed and trusted is left out of the AUC (its label is contradictory)
    and reported under ``overlap``.
    """
    from linkclf.disavow import default_allowlist

    disavowed = load_disavowed(data_dir, min_sites)
    tranco = load_tranco(data_dir)
    rank = {d: i + 1 for i, d in reversed(list(enumerate(tranco)))}
    wiki = load_wikipedia_reliable(data_dir)
    trusted = set(tranco) | wiki
    both = disavowed & trusted
    pos = sorted(disavowed - both)
    neg = sorted(trusted - both)
    hosts = pos + neg
    y = np.array([1] * len(pos) + [0] * len(neg))
    figures: dict[str, Any] = {
        "n_disavowed": len(disavowed),
        "n_tranco": len(set(tranco)),
        "n_wikipedia_reliable": len(wiki),
        "n_trusted": len(trusted),
        "n_scored_disavowed": len(pos),
        "n_scored_trusted": len(neg),
        "domain_prior": _metrics(y, prior.predict_proba(hosts), n_boot, seed),
    }
    if lr is not None:
        figures["hostname_ngram_lr"] = _metrics(y, lr.predict_proba(hosts)[:, 1], n_boot, seed)
    feats = hostname_features(hosts)
    figures["domain_prior_cv5_in_distribution"] = _metrics(
        y, _cross_val_scores(feats, y, seed), n_boot, seed
    )
    figures["hostname_stats"] = {
        name: {
            "disavowed_mean": round(float(feats[name][y == 1].mean()), 3),
            "trusted_mean": round(float(feats[name][y == 0].mean()), 3),
            "roc_auc": round(roc_auc(y, feats[name].to_numpy()), 4),
        }
        for name in feats.columns
        if feats[name].nunique() > 1
    }
    allow = default_allowlist()
    in_top10k = sorted((d for d in disavowed if d in rank), key=rank.__getitem__)
    figures["overlap"] = {
        "disavowed_in_tranco_top10k": len(in_top10k),
        "disavowed_in_tranco_top1k": sum(rank[d] <= 1000 for d in in_top10k),
        "disavowed_in_wikipedia_reliable": len(disavowed & wiki),
        "covered_by_default_allowlist": sum(
            allow.blocks_domain(d) is not None for d in sorted(both)
        ),
        "domains": [
            {
                "domain": d,
                "tranco_rank": rank.get(d),
                "wikipedia_reliable": d in wiki,
                "default_allowlist": allow.blocks_domain(d) is not None,
            }
            for d in sorted(both, key=lambda d: (rank.get(d, 10**9), d))
        ],
    }
    return figures


def _cross_val_scores(X: pd.DataFrame, y: np.ndarray, seed: int, folds: int = 5) -> np.ndarray:
    """Out-of-fold scores of the prior's LightGBM trained on these very lists (in distribution)."""
    out = np.empty(len(y))
    split = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train_idx, test_idx in split.split(X, y):
        model = lgb.LGBMClassifier(**PRIOR_PARAMS, random_state=seed)
        model.fit(X.iloc[train_idx], y[train_idx])
        out[test_idx] = np.asarray(model.predict_proba(X.iloc[test_idx]))[:, 1]
    return out


# --- all of it --------------------------------------------------------------------------------


def run_checks(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    n_boot: int = 1000,
    seed: int = 0,
    uk2006: bool = True,
) -> dict[str, Any]:
    """Every check: a JSON-ready dict of figures (see the module docstring).

    Raises
    ------
    InputError
        The real-data folder or one of its files is missing.
    """
    root = require(data_dir)
    train, test = load_uk2007(root)
    uk2007, prior, lr = check_webspam(train, test, n_boot, seed)
    uk2007["reference_roc_auc"] = {
        "hostname_lr_published": REFERENCE_HOSTNAME_LR,
        "wsc2008_best_full_features": REFERENCE_WSC2008_BEST,
    }
    out: dict[str, Any] = {
        "what": "domain-level checks of linkclf's hostname-only component (not of the link classifier)",
        "seed": seed,
        "n_boot": n_boot,
        "webspam_uk2007_set1_to_set2": uk2007,
    }
    if uk2006:
        train6, test6 = load_uk2006(root)
        out["webspam_uk2006_set1_to_set2"], _, _ = check_webspam(train6, test6, n_boot, seed)
    out["disavowed_vs_trusted"] = check_disavowed_vs_trusted(root, prior, lr, n_boot, seed)
    return out
