"""What a clean profile's risk looks like: the yardstick the report compares each site with.

There is no public set of real link profiles known to be clean, so the yardstick is
SIMULATED: clean target profiles drawn from :func:`linkclf.datasets.simulator.simulate` with a
seed the default model was not trained on (sites of the training set removed), scored with the
model, and their :func:`linkclf.report.profile.profile_risk` values stored sorted in
``linkclf/data/clean-profile-risk.json``. The report says so next to every comparison.

Reproduce the shipped file::

    python -m linkclf.report.baseline --model models/default -o linkclf/data/clean-profile-risk.json
"""

from __future__ import annotations

import argparse
import json
import os
from bisect import bisect_left
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

#: The shipped file's name in ``linkclf/data``.
BASELINE_FILE = "clean-profile-risk.json"
#: Seed of the clean profiles (the default model is trained on seed 7, demos use seed 8).
SEED = 11
N_TARGETS = 240


@dataclass(frozen=True)
class Baseline:
    """Sorted profile risks of clean simulated profiles, and the model that scored them."""

    risks: tuple[float, ...]
    model: str
    threshold: float
    seed: int
    n_links: int

    def share_below(self, risk: float) -> float:
        """Share of the clean profiles whose risk is lower than ``risk`` (0 to 1)."""
        return bisect_left(self.risks, risk) / len(self.risks) if self.risks else 0.0

    def quantile(self, q: float) -> float:
        """The ``q`` quantile (nearest rank) of the clean profiles' risk."""
        if not self.risks:
            return 0.0
        return self.risks[min(len(self.risks) - 1, max(0, round(q * (len(self.risks) - 1))))]


def load_baseline(path: str | os.PathLike[str] | None = None) -> Baseline | None:
    """The shipped baseline (or the one at ``path``); ``None`` when there is none."""
    if path is None:
        ref = resources.files("linkclf") / "data" / BASELINE_FILE
        if not ref.is_file():
            return None
        data = json.loads(ref.read_text(encoding="utf-8"))
    else:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    return Baseline(
        risks=tuple(sorted(float(r) for r in data["risks"])),
        model=str(data["model"]),
        threshold=float(data["threshold"]),
        seed=int(data["seed"]),
        n_links=int(data["n_links"]),
    )


def compute_baseline(
    model_dir: str | os.PathLike[str],
    seed: int = SEED,
    n_targets: int = N_TARGETS,
    exclude_sites: set[str] | None = None,
) -> dict[str, object]:
    """Simulate, score and measure clean profiles; the JSON-ready content of the baseline file."""
    from linkclf.datasets.simulator import simulate
    from linkclf.model import LinkClassifier
    from linkclf.pipeline import score_links
    from linkclf.report import tables
    from linkclf.report.profile import profile_risk

    model = LinkClassifier.load(Path(model_dir))
    links = simulate(seed, n_targets=n_targets)
    links = links[links["profile"] == "clean"]
    if exclude_sites:
        links = links[~links["target_site"].isin(exclude_sites)]
    scored = score_links(model, links.drop(columns=["label"]).reset_index(drop=True))
    prepared = tables.prepare(scored.astype({"p_manipulative": "float64"}))
    risks = sorted(
        round(profile_risk(rows).value, 5) for _, rows in prepared.groupby("site", sort=True)
    )
    return {
        "what": (
            "profile risk (linkclf.report.profile.profile_risk) of SIMULATED clean link "
            "profiles, scored by the model named here; a figure about the simulator"
        ),
        "model": model.version_label(),
        "threshold": float(model.threshold_),
        "seed": seed,
        "n_targets_simulated": n_targets,
        "n_profiles": len(risks),
        "n_links": len(prepared),
        "command": (
            "python -m linkclf.report.baseline --model models/default "
            "-o linkclf/data/clean-profile-risk.json"
        ),
        "risks": risks,
    }


def _training_sites(model_dir: Path) -> set[str]:
    """Target sites of the default training set, when it is next to the model."""
    data = model_dir.resolve().parents[1] / "datasets" / "default" / "links.csv.gz"
    if not data.is_file():
        return set()
    return set(pd.read_csv(data, usecols=["target_site"], dtype=str)["target_site"])


def main() -> None:
    """``python -m linkclf.report.baseline``: write the baseline file."""
    from linkclf.io import write_text_atomic

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=Path("models/default"))
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--targets", type=int, default=N_TARGETS)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    content = compute_baseline(args.model, args.seed, args.targets, _training_sites(args.model))
    write_text_atomic(args.output, json.dumps(content, indent=1) + "\n")
    print(f"{content['n_profiles']} clean profiles, {content['n_links']:,} links -> {args.output}")


if __name__ == "__main__":
    main()
