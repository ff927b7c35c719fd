"""Training configs: one schema of defaults, TOML files and dotted overrides checked against it.

:data:`DEFAULTS` is the only place a training default lives; ``training/default.toml`` restates
it for the default model (a test keeps the two equal). A config is DEFAULTS, updated by the TOML
file given explicitly (never one found in the working directory), updated by ``--set
section.key=value`` overrides. Every key must exist in DEFAULTS and keep its type, so a typo
(``--set model.num_boost_rounds=10``) is refused with the valid keys named instead of being
stored and ignored. ``model.params`` is LightGBM's own parameter table: any key, values of any
scalar type.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import tomllib

from linkclf.errors import ConfigError

DEFAULTS: dict[str, Any] = {
    "data": {
        "paths": ["datasets/default/links.csv.gz"],
        # Every profile rendered as each vendor exports it (linkclf.datasets.columnsets).
        "column_sets": ["ahrefs", "semrush", "majestic", "moz", "gsc", "canonical"],
    },
    "split": {"seed": 0, "valid_size": 0.15, "test_size": 0.15},
    "ood": {"languages": [], "niches": []},
    "features": {
        "embedder": "minilm-static",
        "n_components": 16,
        # Features that tell real natural links from simulated ones (own ROC-AUC > 0.75 in
        # `python -m linkclf.realgap`): simulator artifacts, left out of the model. The context
        # projection goes as one block (its components only mean something together).
        "exclude": [
            "target_links",
            "target_naked_url_share",
            "target_generic_share",
            "target_partial_share",
            "target_domains",
            "domain_pages",
            "host_length",
            "host_label_length",
            "host_entropy",
            "cos_anchor_context",
            "emb_context_0",
            "emb_context_1",
            "emb_context_2",
            "emb_context_3",
            "emb_context_4",
            "emb_context_5",
            "emb_context_6",
            "emb_context_7",
            "emb_context_8",
            "emb_context_9",
            "emb_context_10",
            "emb_context_11",
            "emb_context_12",
            "emb_context_13",
            "emb_context_14",
            "emb_context_15",
        ],
    },
    "model": {
        "num_boost_round": 400,
        "early_stopping_rounds": 50,
        "threshold_beta": 0.25,
        "members": 1,
        "params": {"learning_rate": 0.08, "num_leaves": 31, "min_data_in_leaf": 40},
    },
    "evaluation": {"bootstrap": 200, "ablation": True, "ood": True},
    "registry": {"name": "linkclf"},
    # The promotion gate on the user's own labels (linkclf.gate).
    "gate": {"folds": 5, "sim_tolerance": 0.01, "sim_brier_tolerance": 0.1},
}

#: Tables whose keys are free (passed on as they are): LightGBM's parameters.
OPEN_TABLES = frozenset({"model.params"})


def _type_name(value: Any) -> str:
    return {bool: "true/false", int: "an integer", float: "a number", str: "a string"}.get(
        type(value), type(value).__name__
    )


def _check_value(dotted: str, default: Any, value: Any, where: str | None) -> Any:
    """``value`` if it has the type of ``default`` (an integer is a valid number), else refuse."""
    if isinstance(default, bool) or isinstance(value, bool):
        ok = isinstance(default, bool) and isinstance(value, bool)
    elif isinstance(default, float):
        ok = isinstance(value, (int, float))
        value = float(value) if ok else value
    elif isinstance(default, int):
        ok = isinstance(value, int)
    elif isinstance(default, str):
        ok = isinstance(value, str)
    elif isinstance(default, list):
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    else:
        ok = type(value) is type(default)
    if not ok:
        wanted = "a list of strings" if isinstance(default, list) else _type_name(default)
        raise ConfigError(
            expected=f"{dotted} as {wanted} (default {json.dumps(default)})",
            found=f"{json.dumps(value, default=str)} ({_type_name(value)})",
            fix=f"set {dotted} to {wanted}",
            where=where,
        )
    return value


def _merge_checked(
    base: dict[str, Any], extra: dict[str, Any], prefix: str, where: str | None
) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in extra.items():
        dotted = f"{prefix}{key}"
        if prefix.rstrip(".") in OPEN_TABLES:
            if isinstance(value, (dict, list)):
                raise ConfigError(
                    f"{dotted} as a single value", json.dumps(value), "set one value", where
                )
            out[key] = value
            continue
        if key not in base:
            raise ConfigError(
                expected=f"a key of [{prefix.rstrip('.') or 'top level'}]: "
                + ", ".join(sorted(base)),
                found=f"unknown key {dotted!r}",
                fix="use one of the keys listed (see linkclf.config.DEFAULTS)",
                where=where,
            )
        if isinstance(base[key], dict):
            if not isinstance(value, dict):
                raise ConfigError(
                    f"[{dotted}] as a table of keys: {', '.join(sorted(base[key]))}",
                    json.dumps(value, default=str),
                    f"set one key at a time, e.g. {dotted}.{sorted(base[key])[0]}=...",
                    where,
                )
            out[key] = _merge_checked(base[key], value, dotted + ".", where)
        else:
            out[key] = _check_value(dotted, base[key], value, where)
    return out


def _parse_override(item: str) -> dict[str, Any]:
    """``a.b.c=1`` -> ``{"a": {"b": {"c": 1}}}``; values parsed as JSON when they can be."""
    if "=" not in item:
        raise ConfigError("--set section.key=value", repr(item), "add '=' and a value")
    dotted, raw = item.split("=", 1)
    try:
        value: Any = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    keys = [k for k in dotted.strip().split(".") if k]
    if not keys:
        raise ConfigError("--set section.key=value", repr(item), "name a key before '='")
    for key in reversed(keys):
        value = {key: value}
    return value


def load_config(path: str | Path | None, overrides: list[str] | None = None) -> dict[str, Any]:
    """DEFAULTS, updated by the TOML file ``path`` (None: none), updated by overrides.

    Raises
    ------
    ConfigError
        a missing or invalid file, an unknown key, a value of the wrong type.
    """
    cfg = copy.deepcopy(DEFAULTS)
    if path is not None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(
                "an existing TOML config", f"no file {path}", "check --config", str(path)
            ) from None
        try:
            parsed = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError("a valid TOML file", str(exc), "fix the syntax", str(path)) from None
        cfg = _merge_checked(cfg, parsed, "", str(path))
    for item in overrides or []:
        cfg = _merge_checked(cfg, _parse_override(item), "", f"--set {item}")
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
