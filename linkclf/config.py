"""Training configs: TOML files plus dotted overrides (``--set model.learning_rate=0.1``)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import tomllib

from linkclf.errors import ConfigError

DEFAULTS: dict[str, Any] = {
    "data": {"paths": ["datasets/default/links.csv.gz"]},
    "split": {"seed": 0, "valid_size": 0.15, "test_size": 0.15},
    "ood": {"languages": [], "niches": []},
    "features": {"embedder": "minilm-static", "n_components": 16},
    "model": {
        "num_boost_round": 600,
        "early_stopping_rounds": 50,
        "threshold_beta": 0.5,
        "params": {"learning_rate": 0.05, "num_leaves": 31, "min_data_in_leaf": 40},
    },
    "evaluation": {"bootstrap": 200, "ablation": True, "ood": True},
    "registry": {"name": "linkclf"},
    # issue 12: the promotion gate on user labels (linkclf.gate)
    "gate": {"folds": 5, "sim_tolerance": 0.01, "sim_brier_tolerance": 0.1},
}


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def load_config(path: str | Path | None, overrides: list[str] | None = None) -> dict[str, Any]:
    """DEFAULTS, updated by the TOML file (if any), updated by ``key.sub=value`` overrides.

    Override values are parsed as JSON when they can be (numbers, true/false, lists), else kept as
    strings.
    """
    cfg = copy.deepcopy(DEFAULTS)
    if path is not None:
        try:
            cfg = _merge(cfg, tomllib.loads(Path(path).read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise ConfigError(
                "an existing TOML config", f"no file {path}", "check --config", str(path)
            ) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError("a valid TOML file", str(exc), "fix the syntax", str(path)) from None
    for item in overrides or []:
        if "=" not in item:
            raise ConfigError("--set section.key=value", repr(item), "add '=' and a value")
        dotted, raw = item.split("=", 1)
        try:
            value: Any = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        node = cfg
        keys = dotted.strip().split(".")
        for key in keys[:-1]:
            if not isinstance(node.get(key), dict):
                raise ConfigError(
                    f"a known section for {dotted}",
                    f"no section {key!r}",
                    f"use one of {sorted(cfg)}",
                )
            node = node[key]
        node[keys[-1]] = value
    return cfg


def flatten(cfg: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"model": {"params": {"a": 1}}}`` -> ``{"model.params.a": 1}`` (for MLflow params)."""
    out: dict[str, Any] = {}
    for key, value in cfg.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, name + "."))
        else:
            out[name] = value
    return out
