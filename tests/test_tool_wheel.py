"""Issue 13: the built wheel carries the default model; installed into a clean venv, `linkclf
score` works from any folder with no --model (it once failed: "no directory models/default")."""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "datasets" / "samples" / "semrush-sample.csv"


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-2000:])
    return done


@pytest.mark.slow
def test_the_wheel_scores_from_another_folder(tmp_path: Path) -> None:
    # Build from a copy of what the wheel needs, so the checkout gets no build/ or egg-info.
    src = tmp_path / "src"
    src.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "linkclf", src / "linkclf", symlinks=True, ignore=ignore)
    shutil.copytree(ROOT / "models" / "default", src / "models" / "default", ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    assert (src / "linkclf" / "_models" / "default").is_symlink()  # one copy of the model
    dist = tmp_path / "dist"
    pip = [sys.executable, "-m", "pip"]
    _run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-q", str(src), "-w", str(dist)])
    (wheel,) = dist.glob("linkclf-*.whl")

    # A clean venv with only linkclf installed; its dependencies come from the shared venv's
    # site-packages through a .pth line (after the venv's own, so the wheel's linkclf wins).
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    _run([*pip, "--python", str(venv / "bin" / "python"), "install", "-q", "--no-deps", str(wheel)])
    (purelib,) = venv.glob("lib/python*/site-packages")
    shared = [p for p in site.getsitepackages() if p.endswith("site-packages")]
    (purelib / "shared-deps.pth").write_text("\n".join(shared) + "\n")

    elsewhere = tmp_path / "somewhere-else"
    elsewhere.mkdir()
    export = elsewhere / "backlinks.csv"
    export.write_bytes(b"".join(SAMPLE.read_bytes().splitlines(keepends=True)[:201]))
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "LINKCLF_MODEL", "VIRTUAL_ENV")
    }
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    where = _run(
        [str(venv / "bin" / "python"), "-c", "import linkclf; print(linkclf.__file__)"],
        cwd=elsewhere,
        env=env,
    )
    assert where.stdout.strip().startswith(str(venv))
    linkclf = str(venv / "bin" / "linkclf")
    _run([linkclf, "score", "backlinks.csv", "-o", "scored.csv", "-q"], cwd=elsewhere, env=env)
    scored = pd.read_csv(elsewhere / "scored.csv")
    assert len(scored) == 200 and scored["p_manipulative"].between(0, 1).all()
    assert not (elsewhere / "models").exists()
    version = _run([linkclf, "--version"], cwd=elsewhere, env=env)
    assert version.stdout.startswith("linkclf ")
