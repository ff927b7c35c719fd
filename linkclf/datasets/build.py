"""Build the shipped datasets: the training set, the demo exports and a manifest.

``build(seed, out)`` is what ``linkclf simulate`` and ``make data`` run. The demo exports come
from a different seed (``seed + 1``) with every target site of the training set removed, so a
model trained on ``out`` never saw the sites it is demonstrated on.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from linkclf.datasets.io import write_dataset
from linkclf.datasets.simulator import DEFAULT_TARGETS, simulate
from linkclf.errors import InputError
from linkclf.io import write_text_atomic

SAMPLE_LINKS = 2_000
#: The columns of the "bring your own labels" example: the two required ones, the label, and
#: the optional columns an auditor usually has at hand.
EXAMPLE_COLUMNS = (
    "source_url", "target_url", "anchor", "context_left", "context_right", "nofollow",
    "sponsored", "placement", "first_seen", "domain_rating", "label", "kind",
)  # fmt: skip
SAMPLE_FILES = {"ahrefs": "ahrefs-sample.tsv", "semrush": "semrush-sample.csv"}


@dataclass(frozen=True)
class BuildResult:
    """What :func:`build` wrote and how long the simulation took."""

    links: pd.DataFrame
    files: list[Path]
    seconds: float


def sample_links(seed: int, exclude_sites: set[str], n_links: int = SAMPLE_LINKS) -> pd.DataFrame:
    """About ``n_links`` links of whole target sites that are not in ``exclude_sites``."""
    candidates = simulate(seed, n_targets=max(4, n_links // 60))
    keep: list[str] = []
    total = 0
    for site, size in candidates.groupby("target_site", sort=False).size().items():
        if site in exclude_sites:
            continue
        keep.append(str(site))
        total += int(size)
        if total >= n_links:
            break
    return candidates[candidates["target_site"].isin(keep)].reset_index(drop=True)


def labelled_example(seed: int, per_kind: int = 2) -> pd.DataFrame:
    """A small labelled file in the documented format: ``per_kind`` links of every kind."""
    links = simulate(seed, n_targets=12)
    links = links[~links["label_noise"]]
    picked = links.groupby("kind", sort=True, group_keys=False).head(per_kind)
    out = picked.loc[:, list(EXAMPLE_COLUMNS)].reset_index(drop=True)
    out["first_seen"] = out["first_seen"].dt.strftime("%Y-%m-%d")
    return out


def build(
    seed: int,
    out: str | os.PathLike[str],
    *,
    n_targets: int = DEFAULT_TARGETS,
    samples: str | os.PathLike[str] | None = None,
    example: str | os.PathLike[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    """Simulate and write ``out/links.csv.gz`` (+ ``out/MANIFEST.json``), and demo exports.

    Parameters
    ----------
    seed : seed of the training set; the samples use ``seed + 1``.
    out : directory for ``links.csv.gz`` and ``MANIFEST.json``.
    n_targets : number of target sites in the training set.
    samples : directory for ``ahrefs-sample.tsv`` (UTF-16), ``semrush-sample.csv`` and
        ``sample-links.csv`` (the same links, canonical, with labels); skipped when None.
    example : path of a small labelled CSV in the documented "bring your own labels" format
        (``seed + 2``); skipped when None.
    progress : called with one line per step.
    """
    from linkclf.sources.render import write_export

    say = progress or (lambda _msg: None)
    out = Path(out)
    for folder in (out, samples):
        if folder is not None and Path(folder).exists() and not Path(folder).is_dir():
            raise InputError(
                expected="a directory to write the dataset into",
                found="an existing file",
                fix="pass a directory path (it is created if missing)",
                where=str(folder),
            )
    if example is not None and Path(example).is_dir():
        raise InputError(
            expected="a file path for the labelled example",
            found="a directory",
            fix="pass a file name such as datasets/labelled-example.csv",
            where=str(example),
        )
    started = time.perf_counter()
    links = simulate(seed, n_targets=n_targets)
    seconds = time.perf_counter() - started
    say(f"simulated {len(links):,} links for {n_targets} target sites in {seconds:.1f} s")
    files = [out / "links.csv.gz"]
    write_dataset(links, files[0])
    digest = hashlib.sha256(files[0].read_bytes()).hexdigest()
    manifest = {
        "generator": "linkclf.datasets.simulate",
        "seed": seed,
        "n_targets": n_targets,
        "links": len(links),
        "manipulative_share": round(float(links["label"].mean()), 4),
        "label_noise_share": round(float(links["label_noise"].mean()), 4),
        "kinds": {str(k): int(v) for k, v in links["kind"].value_counts().sort_index().items()},
        "sha256": {"links.csv.gz": digest},
    }
    files.append(out / "MANIFEST.json")
    write_text_atomic(files[-1], json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    say(f"wrote {files[0]} ({files[0].stat().st_size / 1e6:.1f} MB) and {files[-1].name}")
    if samples is not None:
        sample_dir = Path(samples)
        demo = sample_links(seed + 1, set(links["target_site"].unique().tolist()))
        for vendor, name in SAMPLE_FILES.items():
            files.append(sample_dir / name)
            write_export(demo, files[-1], vendor)
        files.append(sample_dir / "sample-links.csv")
        write_dataset(demo, files[-1])
        say(
            f"wrote {len(demo):,} demo links of {demo['target_site'].nunique()} unseen target "
            f"sites to {sample_dir}/ ({', '.join(SAMPLE_FILES.values())}, sample-links.csv)"
        )
    if example is not None:
        files.append(Path(example))
        write_dataset(labelled_example(seed + 2), files[-1])
        say(f"wrote the labelled example {files[-1]}")
    return BuildResult(links=links, files=files, seconds=seconds)
