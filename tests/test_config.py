"""Config: one schema of defaults; unknown keys and wrong types refused with the valid keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkclf.config import DEFAULTS, load_config
from linkclf.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]


def test_training_default_toml_restates_the_defaults() -> None:
    """One place for defaults: the shipped config file says exactly what DEFAULTS say."""
    assert load_config(REPO / "training" / "default.toml") == DEFAULTS
    assert load_config(None) == DEFAULTS


def test_override_typo_is_refused_naming_the_valid_keys() -> None:
    with pytest.raises(ConfigError) as err:
        load_config(None, ["model.num_boost_rounds=10"])
    line = err.value.one_line()
    assert "model.num_boost_rounds" in line
    assert "early_stopping_rounds, members, num_boost_round, params, threshold_beta" in line


def test_wrong_type_is_refused() -> None:
    with pytest.raises(ConfigError, match="an integer"):
        load_config(None, ["model.num_boost_round=fast"])
    with pytest.raises(ConfigError, match="true/false"):
        load_config(None, ["evaluation.ablation=1"])
    with pytest.raises(ConfigError, match="unknown key 'nope'"):
        load_config(None, ["nope.x=1"])


def test_unknown_key_in_a_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[model]\nnum_boost_round = 10\nlearnin_rate = 0.1\n")
    with pytest.raises(ConfigError, match="learnin_rate") as err:
        load_config(path)
    assert str(path) in err.value.one_line()


def test_valid_overrides_and_open_lightgbm_params() -> None:
    cfg = load_config(None, ["model.num_boost_round=10", "model.params.max_bin=63", "split.seed=3"])
    assert cfg["model"]["num_boost_round"] == 10
    assert cfg["model"]["params"]["max_bin"] == 63
    assert cfg["model"]["params"]["learning_rate"] == DEFAULTS["model"]["params"]["learning_rate"]
    assert cfg["split"]["seed"] == 3
    assert load_config(None, ["split.valid_size=1"])["split"]["valid_size"] == 1.0


def test_a_missing_config_file_is_an_error_not_the_defaults(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no file"):
        load_config(tmp_path / "absent.toml")
