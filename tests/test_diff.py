"""`linkclf diff`: new / lost / kept links, changed fields, new and lost domains, the burst rule.

The end-to-end tests build two exports of one simulated site a month apart (the simulator's own
first-seen dates cut at 2025-09-01) and, for the burst, add a negative-SEO attack taken from
another simulated site's manipulative links, retargeted at this site and dated in September.
Both are scored by the shipped model, for real.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from linkclf.cli import app
from linkclf.diff import BURST_MIN_DOMAINS, burst_check, diff_links, poisson_tail
from linkclf.report import tables

REPO = Path(__file__).resolve().parents[1]
MODEL = REPO / "models" / "default"


def _frame(rows: list[dict[str, str]]) -> pd.DataFrame:
    base = {"target_url": "https://www.bakkerij-devries.nl/", "anchor": "devries", "flag": "0"}
    return tables.prepare(pd.DataFrame([{**base, **r} for r in rows]).fillna(""))


def test_new_lost_kept_and_changed_fields() -> None:
    old = _frame(
        [
            {"source_url": "https://a.nl/1", "p_manipulative": "0.1", "nofollow": "False"},
            {"source_url": "https://b.nl/1", "p_manipulative": "0.2", "anchor": "klik hier"},
            {"source_url": "https://c.nl/1", "p_manipulative": "0.3"},
            {"source_url": "https://g.nl/1", "p_manipulative": "0.3", "lost": "True"},
        ]
    )
    new = _frame(
        [
            # a: rel changed to nofollow; b: anchor changed; c: gone; d: new; e: listed lost.
            {"source_url": "https://a.nl/1", "p_manipulative": "0.1", "nofollow": "True"},
            {"source_url": "https://b.nl/1", "p_manipulative": "0.9", "anchor": "koop brood"},
            {"source_url": "https://d.nl/1", "p_manipulative": "0.95", "flag": "1"},
            {"source_url": "https://e.nl/1", "p_manipulative": "0.2", "lost": "True"},
        ]
    )
    result = diff_links(old, new)
    rows = result.links.set_index("source_url")
    assert rows.loc["https://a.nl/1", "change"] == "kept"
    assert rows.loc["https://a.nl/1", "changed"] == "nofollow"
    assert rows.loc["https://b.nl/1", "changed"] == "anchor"
    assert rows.loc["https://b.nl/1", "anchor_before"] == "klik hier"
    assert rows.loc["https://b.nl/1", "p_before"] == pytest.approx(0.2)
    assert rows.loc["https://c.nl/1", "change"] == "lost"
    assert rows.loc["https://d.nl/1", "change"] == "new"
    assert rows.loc["https://e.nl/1", "change"] == "gone"  # never present in either
    assert rows.loc["https://g.nl/1", "change"] == "gone"
    domains = result.domains.set_index("referring_domain")["change"].to_dict()
    assert domains == {"d.nl": "new", "c.nl": "lost"}
    assert result.counts()["changed"] == 2


def test_a_field_missing_from_one_export_is_not_a_change() -> None:
    old = _frame([{"source_url": "https://a.nl/1", "p_manipulative": "0.1", "anchor": ""}])
    new = _frame(
        [{"source_url": "https://a.nl/1", "p_manipulative": "0.1", "anchor": "x", "ugc": "True"}]
    )
    row = diff_links(old, new).links.iloc[0]
    assert row["change"] == "kept" and row["changed"] == ""


def test_same_source_page_to_another_page_of_the_site_is_the_same_link() -> None:
    old = _frame([{"source_url": "https://a.nl/1", "p_manipulative": "0.1"}])
    new = _frame(
        [
            {
                "source_url": "https://a.nl/1",
                "p_manipulative": "0.1",
                "target_url": "https://bakkerij-devries.nl/brood",
            }
        ]
    )
    row = diff_links(old, new).links.iloc[0]
    assert row["change"] == "kept" and row["changed"] == "target_url"


def test_poisson_tail() -> None:
    assert poisson_tail(0, 2.0) == 1.0
    assert poisson_tail(1, 2.0) == pytest.approx(1 - np.exp(-2.0))
    assert poisson_tail(3, 0.5) == pytest.approx(1 - np.exp(-0.5) * (1 + 0.5 + 0.125))


def _history(flagged_per_month: int, months: int = 12) -> pd.DataFrame:
    rows = []
    for m in range(months):
        day = (pd.Timestamp("2024-09-15") + pd.DateOffset(months=m)).strftime("%Y-%m-%d")
        for i in range(flagged_per_month):
            rows.append(
                {
                    "source_url": f"https://spam{m}x{i}.xyz/p",
                    "p_manipulative": "0.9",
                    "flag": "1",
                    "first_seen": day,
                }
            )
        rows.append(
            {"source_url": f"https://ok{m}.nl/p", "p_manipulative": "0.1", "first_seen": day}
        )
    return _frame(rows)


def test_burst_rule_against_the_history_rate() -> None:
    old = _history(flagged_per_month=4)
    when = pd.Timestamp("2025-09-01", tz="UTC")
    # Four a month is this profile's normal: six in a month is plausible, twenty is not.
    quiet = burst_check(old, 6, when, 1.0, "bakkerij-devries.nl")
    assert quiet.rate_per_month == pytest.approx(48 / quiet.history_months)
    assert not quiet.alert
    burst = burst_check(old, 20, when, 1.0, "bakkerij-devries.nl")
    assert burst.alert and burst.p_value < 0.001
    # A spotless history still needs BURST_MIN_DOMAINS and the floor rate before alerting.
    clean = _history(flagged_per_month=0)
    assert not burst_check(clean, BURST_MIN_DOMAINS - 1, when, 1.0, "x").alert
    assert burst_check(clean, 12, when, 1.0, "x").alert


# --- end to end: two simulated exports a month apart, scored by the shipped model ---------------

CUT = pd.Timestamp("2025-09-01", tz="UTC")
#: A clean profile of simulate(21, n_targets=12) (its quiet month), and a profile under a
#: scheme whose spam links are injected into it (the burst).
SITE = "solicitors-advice.com"
VICTIM = "roofing-quote.org"


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """OLD (to 31 August), NEW quiet (to 30 September) and NEW with an injected attack."""
    if not (MODEL / "model.json").is_file():
        pytest.skip("the shipped model is absent")
    from linkclf.datasets.simulator import simulate

    links = simulate(21, n_targets=12)
    site = links[links["target_site"] == SITE]
    assert (links.loc[links["target_site"] == SITE, "profile"] == "clean").all()
    old = site[site["first_seen"] < CUT].copy()
    old["last_seen"] = old["last_seen"].clip(upper=CUT - pd.Timedelta(days=1))
    old["lost"] = old["lost"] & (old["last_seen"] < CUT - pd.Timedelta(days=1))
    victim = links[links["target_site"] == VICTIM]
    attack = victim[
        (victim["label"] == 1)
        & victim["scenario"].isin(["comment_spam", "sitewide", "injected", "pbn", "directory"])
    ].copy()
    attack["target_url"] = f"https://www.{SITE}/"
    attack["target_site"] = SITE
    days = np.arange(len(attack)) % 28
    attack["first_seen"] = CUT + pd.to_timedelta(days, unit="D") + pd.Timedelta(hours=9)
    attack["last_seen"] = pd.Timestamp("2025-09-30", tz="UTC")
    attack["lost"] = False
    out = tmp_path_factory.mktemp("diff")
    files = {"old": old, "quiet": site, "burst": pd.concat([site, attack])}
    paths = {}
    for name, frame in files.items():
        paths[name] = out / f"{name}.csv"
        frame.drop(columns=["label", "kind"]).to_csv(paths[name], index=False)
    return paths


@pytest.fixture(scope="module")
def scored(exports: dict[str, Path]) -> dict[str, Path]:
    """Each export scored once by the shipped model (`linkclf score`), as a user would."""
    paths = {}
    for name, raw in exports.items():
        paths[name] = raw.with_name(f"{name}-scored.csv")
        args = ["score", str(raw), "-o", str(paths[name]), "--model", str(MODEL)]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
    return paths


def _diff(paths: dict[str, Path], new: str, tmp_path: Path) -> tuple[str, pd.DataFrame, Path]:
    out = tmp_path / f"diff-{new}.csv"
    args = ["diff", str(paths["old"]), str(paths[new]), "-o", str(out), "--fail-on-burst"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code in (0, 3), result.output
    return result.output, pd.read_csv(out, dtype=str, keep_default_na=False), out


@pytest.mark.slow
def test_quiet_month_is_not_a_burst(scored: dict[str, Path], tmp_path: Path) -> None:
    output, links, out = _diff(scored, "quiet", tmp_path)
    assert f"{SITE}: no burst" in output and "BURST" not in output
    assert set(links["change"]) <= {"new", "lost", "kept", "gone"}
    new = links[links["change"] == "new"]
    assert 0 < len(new) < 10  # the site's own September links
    assert (pd.to_datetime(new["first_seen"]) >= "2025-09-01").all()
    domains = pd.read_csv(out.with_name("diff-quiet.domains.csv"), dtype=str)
    assert set(domains["change"]) <= {"new", "lost"}


@pytest.mark.slow
def test_negative_seo_burst_is_reported(scored: dict[str, Path], tmp_path: Path) -> None:
    output, links, out = _diff(scored, "burst", tmp_path)
    assert f"{SITE}: BURST" in output
    new = links[links["change"] == "new"]
    assert len(new) >= 50  # the injected attack (plus the quiet month's new links)
    assert pd.to_numeric(new["p_manipulative"]).median() > 0.9  # the shipped model's scores
    domains = pd.read_csv(out.with_name("diff-burst.domains.csv"))
    new_flagged = domains[(domains["change"] == "new") & (domains["flagged"] > 0)]
    assert len(new_flagged) >= 20
    # Exit code 3 with --fail-on-burst, for monitoring jobs.
    args = ["diff", str(scored["old"]), str(scored["burst"]), "-o", str(tmp_path / "x.csv")]
    assert CliRunner().invoke(app, [*args, "--fail-on-burst"]).exit_code == 3
    assert CliRunner().invoke(app, args).exit_code == 0


@pytest.mark.slow
def test_report_shows_the_burst_with_previous(scored: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    args = ["report", str(scored["burst"]), "--previous", str(scored["old"]), "-o", str(out)]
    result = CliRunner().invoke(app, [*args, "--model", str(MODEL)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "<h3>Changes since the previous export</h3>" in html
    assert f"Burst alert: {SITE}: BURST" in html


def test_unscored_diff_says_scores_are_absent(exports: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "diff.csv"
    args = ["diff", str(exports["old"]), str(exports["quiet"]), "-o", str(out), "--no-score"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "not done (scores absent" in result.output
    links = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert (links["p_manipulative"] == "").all()
    assert {"new", "kept"} <= set(links["change"])


def test_diff_refuses_to_overwrite_an_input(exports: dict[str, Path]) -> None:
    before = exports["old"].read_bytes()
    args = ["diff", str(exports["old"]), str(exports["quiet"]), "-o", str(exports["old"])]
    result = CliRunner().invoke(app, [*args, "--no-score"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert exports["old"].read_bytes() == before


def test_diff_bad_date_is_one_line(exports: dict[str, Path], tmp_path: Path) -> None:
    args = ["diff", str(exports["old"]), str(exports["quiet"]), "-o", str(tmp_path / "d.csv")]
    result = CliRunner().invoke(app, [*args, "--no-score", "--old-date", "1 March"])
    assert result.exit_code == 1
    assert "--old-date as YYYY-MM-DD" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "d.csv").exists()
