"""Which model directory a command uses: ``--model`` > ``$LINKCLF_MODEL`` > the packaged default.

The default model (``models/default`` in the repository) ships inside the wheel as package data
at ``linkclf/_models/default``: in the repository that path is a symlink to ``../../models/default``
(setuptools copies the files behind it into the wheel), so the model stays where the layout puts
it and there is one copy. It is loaded like any model directory (linkclf.modeldir: JSON, NumPy
and LightGBM text, no pickle), so ``linkclf score`` works from any folder after ``pip install``.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from linkclf.errors import ModelError

#: The environment variable naming a model directory.
ENV = "LINKCLF_MODEL"


def packaged_model() -> Path:
    """Where the packaged default model is (it may be absent from a partial checkout)."""
    return Path(str(resources.files("linkclf"))) / "_models" / "default"


def resolve_model(option: str | os.PathLike[str] | None = None) -> Path:
    """The model directory to load: ``option``, else ``$LINKCLF_MODEL``, else the packaged one.

    Raises
    ------
    ModelError
        when none is given and no packaged model is installed.
    """
    if option:
        return Path(option)
    env = os.environ.get(ENV, "").strip()
    if env:
        return Path(env)
    packaged = packaged_model()
    if (packaged / "model.json").is_file():
        return packaged
    raise ModelError(
        expected="a model directory",
        found=f"no --model, no ${ENV}, and no model packaged with linkclf at {packaged}",
        fix=f"pass --model DIR or set {ENV}=DIR (train one with: linkclf train -o DIR)",
    )
