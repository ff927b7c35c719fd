"""scikit-learn's estimator protocol without importing scikit-learn until it is used.

Importing ``sklearn.base`` imports scipy.stats: about 2 s, the largest part of ``linkclf score``'s
start-up on a small export, and scoring never needs it. :class:`Estimator` gives
LinkClassifier and FeatureBuilder what they took from ``BaseEstimator`` -- ``get_params``,
``set_params`` (so ``sklearn.base.clone`` and grid searches work) and the estimator tags --
by calling scikit-learn's own implementations on first use; and
:func:`import_lightgbm_without_sklearn` keeps lightgbm's import from importing it anyway.
"""

from __future__ import annotations

from typing import Any


class Estimator:
    """``get_params``/``set_params``/tags as ``sklearn.base.BaseEstimator`` defines them.

    Subclasses follow scikit-learn's rules: ``__init__`` only stores its keyword arguments
    under their own names. ``_estimator_type`` is ``"classifier"`` or ``"transformer"``.
    """

    _estimator_type: str | None = None

    @classmethod
    def _get_param_names(cls) -> list[str]:
        from sklearn.base import BaseEstimator

        return BaseEstimator._get_param_names.__func__(cls)  # type: ignore[attr-defined,no-any-return]

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The ``__init__`` arguments (and those of nested estimators with ``deep``)."""
        from sklearn.base import BaseEstimator

        return BaseEstimator.get_params(self, deep)  # type: ignore[arg-type]

    def set_params(self, **params: Any) -> Estimator:
        """Set ``__init__`` arguments (``nested__name`` for nested estimators); returns self."""
        from sklearn.base import BaseEstimator

        BaseEstimator.set_params(self, **params)  # type: ignore[arg-type]
        return self

    def __sklearn_tags__(self) -> Any:
        from sklearn.base import BaseEstimator
        from sklearn.utils import ClassifierTags, TransformerTags

        # As ClassifierMixin and TransformerMixin add them to BaseEstimator's.
        tags = BaseEstimator.__sklearn_tags__(self)  # type: ignore[arg-type]
        if self._estimator_type == "classifier":
            tags.estimator_type = "classifier"
            tags.classifier_tags = ClassifierTags()
            tags.target_tags.required = True
        elif self._estimator_type == "transformer":
            tags.transformer_tags = TransformerTags()
        return tags


def import_lightgbm_without_sklearn() -> None:
    """Import lightgbm without its scikit-learn layer, when nothing imported either yet.

    lightgbm's import tries ``import sklearn`` for its LGBMClassifier wrappers; scoring uses
    only the Booster. Called by the console entry of ``linkclf score``, a process that only
    scores: in it, lightgbm's scikit-learn wrappers (LGBMClassifier, its Dask estimators)
    report scikit-learn as missing. A process that already imported lightgbm or scikit-learn
    (tests, notebooks, training) is left as it is.
    """
    import sys

    if "lightgbm" in sys.modules or "sklearn" in sys.modules:
        return
    sys.modules["sklearn"] = None  # type: ignore[assignment]  # import sklearn -> ImportError
    try:
        import lightgbm  # noqa: F401
    finally:
        del sys.modules["sklearn"]
