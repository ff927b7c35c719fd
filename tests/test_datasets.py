"""The link-profile simulator: deterministic, schema-valid, every kind and language, overlaps
that keep single signals weak, and vendor renderings that read back to the same links."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from linkclf.cli import app
from linkclf.datasets import HOLDOUT_LANGUAGE, HOLDOUT_NICHES, TARGET_NICHES, simulate
from linkclf.datasets.datasheet import TOY_AUC, auc_table, render, write_readme
from linkclf.datasets.holdout import evaluation_splits
from linkclf.datasets.io import read_dataset, to_csv_bytes, write_dataset
from linkclf.datasets.vocab import LANGUAGES, REQUIRED_NAMES
from linkclf.errors import InputError
from linkclf.schema import KINDS, validate
from linkclf.splits import domain_groups


@pytest.fixture(scope="module")
def links() -> pd.DataFrame:
    return simulate(11, n_targets=60)


def test_same_seed_gives_identical_frame_and_bytes() -> None:
    first, second = simulate(3, n_targets=6), simulate(3, n_targets=6)
    pd.testing.assert_frame_equal(first, second)
    assert to_csv_bytes(first) == to_csv_bytes(second)


def test_different_seed_gives_different_links_with_the_same_distributions(
    links: pd.DataFrame,
) -> None:
    other = simulate(12, n_targets=60)
    assert not set(links["source_url"]) >= set(other["source_url"])
    assert abs(links["label"].mean() - other["label"].mean()) < 0.08
    share = links["kind"].value_counts(normalize=True)
    other_share = other["kind"].value_counts(normalize=True)
    assert abs(share["natural"] - other_share["natural"]) < 0.08
    assert abs(links["nofollow"].mean() - other["nofollow"].mean()) < 0.05


def test_output_is_valid_canonical_schema_with_labels(links: pd.DataFrame) -> None:
    checked = validate(links, require_labels=True, source="simulated")
    assert list(checked.columns[-5:]) == [
        "target_site",
        "niche",
        "profile",
        "label_noise",
        "scenario",
    ]
    assert set(checked["kind"].unique()) <= set(KINDS)
    natural = checked["kind"] == "natural"
    assert (checked.loc[natural, "label"] == 0).all()
    assert (checked.loc[~natural, "label"] == 1).all()
    dtype = checked["first_seen"].dtype
    assert isinstance(dtype, pd.DatetimeTZDtype) and str(dtype.tz) == "UTC"
    assert (checked["last_seen"] >= checked["first_seen"]).all()


def test_every_kind_language_profile_and_niche_group_is_present(links: pd.DataFrame) -> None:
    assert set(KINDS) <= set(links["kind"].unique())
    assert {"nl", "en", "de", "fr"} <= set(links["language"].unique())
    assert {"clean", "past_scheme", "negative_seo"} == set(links["profile"].unique())
    assert set(links["niche"].unique()) <= set(TARGET_NICHES)
    assert set(HOLDOUT_NICHES) <= set(TARGET_NICHES)


def test_metrics_are_on_every_row_so_missingness_cannot_follow_the_label(
    links: pd.DataFrame,
) -> None:
    # Which metrics an export has is decided by its column set (test_columnsets.py), not per row.
    for col in ("domain_rating", "trust_flow", "domain_authority", "source_traffic"):
        assert links[col].notna().all(), col
    # Zero traffic is a value, and small natural sites have it too.
    zero = links["source_traffic"].eq(0)
    assert 0.2 < zero[links["label"] == 0].mean() < 0.8


def test_hard_cases_exist(links: pd.DataFrame) -> None:
    clean = links[~links["label_noise"]]
    natural = clean[clean["label"] == 0]
    spam = clean[clean["label"] == 1]
    assert (natural["placement"] == "footer").sum() > 20  # natural blogrolls
    assert natural["sponsored"].sum() > 20  # compliant paid links
    assert spam["nofollow"].sum() > 20  # nofollow spam
    assert (clean["scenario"] == "paid_highauth").sum() > 0
    highauth = clean.loc[clean["scenario"] == "paid_highauth", "domain_rating"].median()
    assert highauth > natural["domain_rating"].median()


def test_pbn_clusters_share_a_subnet(links: pd.DataFrame) -> None:
    pbn = links[links["scenario"] == "pbn"].copy()
    pbn["subnet"] = pbn["source_ip"].str.rsplit(".", n=1).str[0]
    pbn["domain"] = domain_groups(pbn)
    per_subnet = pbn.groupby("subnet")["domain"].nunique()
    assert per_subnet.max() >= 3


def test_schemes_and_attacks_come_in_bursts(links: pd.DataFrame) -> None:
    attacked = links[(links["profile"] == "negative_seo") & (links["label"] == 1)]
    natural = links[(links["profile"] == "negative_seo") & (links["label"] == 0)]

    def spread(frame: pd.DataFrame) -> float:
        days = frame.groupby("target_site")["first_seen"].agg(
            lambda s: s.quantile(0.75) - s.quantile(0.25)
        )
        return float(days.dt.days.median())

    assert spread(attacked) < spread(natural) / 3


def test_label_noise_is_documented_and_consistent(links: pd.DataFrame) -> None:
    rate = links["label_noise"].mean()
    assert 0.01 < rate < 0.06
    flipped = links[links["label_noise"]]
    assert set(flipped["label"].unique()) == {0, 1}


def test_no_single_signal_separates_the_classes(links: pd.DataFrame) -> None:
    table = auc_table(links)
    assert table["all"].max() < TOY_AUC, table.head(3).to_string()


def test_evaluation_splits_keep_referring_domains_on_one_side(links: pd.DataFrame) -> None:
    groups = domain_groups(links).to_numpy()
    splits = evaluation_splits(links)
    assert set(splits) == {"grouped", "holdout_niches", "holdout_language"}
    for train, test in splits.values():
        assert test.any() and train.any()
        assert not set(groups[train]) & set(groups[test])
    _, test = splits["holdout_language"]
    assert test[(links["language"] == HOLDOUT_LANGUAGE).to_numpy()].all()
    _, test = splits["holdout_niches"]
    assert test[links["niche"].isin(HOLDOUT_NICHES).to_numpy()].all()


def test_dataset_file_is_byte_identical_and_reads_back(tmp_path: Path) -> None:
    df = simulate(5, n_targets=4)
    write_dataset(df, tmp_path / "a.csv.gz")
    write_dataset(df, tmp_path / "b.csv.gz")
    data = (tmp_path / "a.csv.gz").read_bytes()
    assert data == (tmp_path / "b.csv.gz").read_bytes()
    assert data[4:8] == b"\x00\x00\x00\x00"  # gzip mtime 0
    back = read_dataset(tmp_path / "a.csv.gz")
    assert len(back) == len(df)
    assert back["label_noise"].dtype == bool
    pd.testing.assert_series_equal(back["first_seen"], df["first_seen"], check_names=False)
    assert gzip.decompress(data).startswith(b"source_url,target_url,anchor,")


def test_read_dataset_names_the_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nothing.csv.gz"):
        read_dataset(tmp_path / "nothing.csv.gz")


@pytest.mark.parametrize("vendor,name", [("ahrefs", "a.tsv"), ("semrush", "s.csv")])
def test_vendor_renderings_read_back_to_the_same_links(
    tmp_path: Path, vendor: str, name: str
) -> None:
    from linkclf.sources import detect_format, read_export, write_export

    df = simulate(9, n_targets=4)
    write_export(df, tmp_path / name, vendor)
    if vendor == "ahrefs":
        assert (tmp_path / name).read_bytes()[:2] == b"\xff\xfe"  # UTF-16 LE BOM
    assert detect_format(tmp_path / name) == vendor
    back = read_export(tmp_path / name)
    assert len(back) == len(df)

    def text(series: pd.Series) -> list[str]:
        return series.astype("string").fillna("").tolist()

    for col in ("source_url", "target_url", "anchor", "source_title"):
        assert text(back[col]) == text(df[col]), col
    for col in ("nofollow", "ugc", "sponsored", "lost"):
        assert back[col].astype(bool).tolist() == df[col].astype(bool).tolist(), col
    assert (back["first_seen"].dt.date == df["first_seen"].dt.date).all()
    np.testing.assert_allclose(
        back["external_links"].to_numpy(float), df["external_links"].to_numpy(float)
    )
    if vendor == "ahrefs":
        assert text(back["context_left"]) == text(df["context_left"])
        np.testing.assert_allclose(
            back["domain_rating"].to_numpy(float), df["domain_rating"].to_numpy(float)
        )
    else:
        assert back["sitewide"].astype(bool).tolist() == df["sitewide"].astype(bool).tolist()


def test_vocabularies_cover_every_niche_in_every_language() -> None:
    from linkclf.datasets import SPAM_NICHES

    for lang, module in LANGUAGES.items():
        for name in REQUIRED_NAMES:
            assert hasattr(module, name), (lang, name)
        assert set(module.NICHES) == set(TARGET_NICHES) | set(SPAM_NICHES), lang
        assert len(module.SENTENCES) >= 20
        for niche, words in module.NICHES.items():
            assert len(words["topics"]) >= 8 and len(words["terms"]) >= 8, (lang, niche)


def test_text_is_in_the_source_language(links: pd.DataFrame) -> None:
    markers = {"nl": " de ", "de": " die ", "fr": " les ", "en": " the "}
    for lang, word in markers.items():
        text = links.loc[links["language"] == lang, "context_left"].dropna().str.lower()
        assert text.str.contains(word, regex=False).mean() > 0.05, lang


def test_datasheet_renders_and_updates_only_between_markers(
    links: pd.DataFrame, tmp_path: Path
) -> None:
    section = render(links, combined=False)
    assert "ROC-AUC" in section and "| natural |" in section
    readme = tmp_path / "README.md"
    readme.write_text("intro\n<!-- datasheet:start -->\nold\n<!-- datasheet:end -->\noutro\n")
    write_readme(readme, "new table")
    assert (
        readme.read_text()
        == "intro\n<!-- datasheet:start -->\nnew table\n<!-- datasheet:end -->\noutro\n"
    )
    readme.write_text("no markers")
    with pytest.raises(InputError, match="markers"):
        write_readme(readme, "x")


def test_cli_simulate_twice_gives_identical_files(tmp_path: Path) -> None:
    runner = CliRunner()
    for name in ("a", "b"):
        result = runner.invoke(
            app,
            [
                "simulate",
                "--seed",
                "7",
                "--targets",
                "5",
                "-o",
                str(tmp_path / name),
                "--samples",
                str(tmp_path / f"{name}s"),
            ],
        )
        assert result.exit_code == 0, result.output
    for rel in ("links.csv.gz", "MANIFEST.json"):
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()
    for rel in ("ahrefs-sample.tsv", "semrush-sample.csv", "sample-links.csv"):
        assert (tmp_path / "as" / rel).read_bytes() == (tmp_path / "bs" / rel).read_bytes()
    train_sites = set(read_dataset(tmp_path / "a" / "links.csv.gz")["target_site"])
    demo_sites = set(read_dataset(tmp_path / "as" / "sample-links.csv")["target_site"])
    assert demo_sites and not train_sites & demo_sites


def test_cli_rejects_bad_targets_with_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["simulate", "--targets", "0", "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert "expected a seed >= 0 and at least 1 target site" in result.output
    assert not (tmp_path / "links.csv.gz").exists()


def test_generated_text_never_starts_like_a_spreadsheet_formula(links: pd.DataFrame) -> None:
    # The dataset writer neutralises such cells; the simulator must not need it (it would
    # change the text the model learns from).
    for col in ("anchor", "context_left", "context_right", "source_title"):
        text = links[col].dropna()
        assert not text.str.match(r"[=+\-@\t\r]").any(), col


REPO = Path(__file__).resolve().parents[1]


def test_labelled_example_reads_as_documented() -> None:
    from linkclf.sources import detect_format, read_export

    path = REPO / "datasets" / "labelled-example.csv"
    assert detect_format(path) == "canonical"
    checked = validate(read_export(path), require_labels=True, source=str(path))
    assert set(checked["kind"]) == set(KINDS)
    assert set(checked["label"].tolist()) == {0, 1}


def test_shipped_dataset_matches_its_manifest() -> None:
    import hashlib
    import json

    folder = REPO / "datasets" / "default"
    manifest = json.loads((folder / "MANIFEST.json").read_text())
    digest = hashlib.sha256((folder / "links.csv.gz").read_bytes()).hexdigest()
    assert digest == manifest["sha256"]["links.csv.gz"]


@pytest.mark.slow
def test_regenerating_the_shipped_dataset_gives_identical_bytes(tmp_path: Path) -> None:
    manifest = __import__("json").loads(
        (REPO / "datasets" / "default" / "MANIFEST.json").read_text()
    )
    result = CliRunner().invoke(
        app,
        [
            "simulate",
            "--seed",
            str(manifest["seed"]),
            "--targets",
            str(manifest["n_targets"]),
            "-o",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "links.csv.gz").read_bytes() == (
        REPO / "datasets" / "default" / "links.csv.gz"
    ).read_bytes()


def test_training_loader_reads_the_shipped_files_with_their_flags() -> None:
    from linkclf.labelled import load_labelled

    for name in ("default/links.csv.gz", "labelled-example.csv"):
        data = load_labelled([str(REPO / "datasets" / name)])
        assert set(data["label"].tolist()) == {0, 1}
        assert data["nofollow"].notna().all(), name


def test_every_vocabulary_frame_uses_known_slots_only() -> None:
    import re

    from linkclf.datasets.draws import Draws
    from linkclf.datasets.text import Writer

    known = set(Writer(LANGUAGES["en"], Draws(0)).slots("bakery"))
    for lang, module in LANGUAGES.items():
        frames = [*module.SENTENCES, *module.MONEY, *module.PARTIAL, *module.STUFFING]
        frames += [f for titles in module.TITLES.values() for f in titles]
        frames += [s for words in module.NICHES.values() for s in words["sentences"]]
        for frame in frames:
            assert set(re.findall(r"\{(\w+)\}", frame)) <= known, (lang, frame)


def test_cli_refuses_a_file_as_output_directory(tmp_path: Path) -> None:
    target = tmp_path / "taken.txt"
    target.write_text("keep me")
    result = CliRunner().invoke(app, ["simulate", "--targets", "2", "-o", str(target)])
    assert result.exit_code == 1
    assert "expected a directory" in result.output and "taken.txt" in result.output
    assert target.read_text() == "keep me"


def test_each_page_target_anchor_is_listed_once(links: pd.DataFrame) -> None:
    assert not links.duplicated(["source_url", "target_url", "anchor"]).any()
    sitewide = links[links["scenario"] == "sitewide"]
    pages = sitewide.groupby(domain_groups(sitewide))["source_url"].nunique()
    assert pages.max() >= 10  # sitewide repetition: one domain, many distinct pages


def test_negative_seed_is_a_user_error_not_a_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["simulate", "--seed", "-3", "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert "seed -3" in result.output and "Traceback" not in result.output


def test_signals_combined_beat_any_single_signal() -> None:
    from linkclf.datasets.datasheet import combined_auc

    # 40 targets: with 25 the grouped test side held too few domains for a stable AUC.
    small = simulate(4, n_targets=40)
    together = combined_auc(small)["grouped"]
    assert together > auc_table(small)["all"].max() + 0.05
