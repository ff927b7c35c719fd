"""FeatureBuilder: canonical links -> one float frame of signals, NaN where unknown.

``fit`` learns only the embedding projections (PCA via SVD, stored as .npy); everything else is a
fixed function of the links, so a saved builder is a JSON config plus four arrays.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from linkclf.errors import ModelError
from linkclf.estimator import Estimator
from linkclf.features import catalogue
from linkclf.features._util import map_unique
from linkclf.features.anchors import anchor_features, brand_tokens, target_terms
from linkclf.features.embed import Embedder
from linkclf.features.profile import profile_features
from linkclf.features.structure import authority_features, placement_features, rel_features
from linkclf.features.url import path_words, url_features
from linkclf.io import write_bytes_atomic, write_text_atomic
from linkclf.schema import conform, conformed

FEATURES_FORMAT = "linkclf-features/1"
#: Learned arrays, saved as <name without the trailing underscore>.npy.
_ARRAYS = ("anchor_mean_", "anchor_components_", "context_mean_", "context_components_")


def _cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise cosine of unit vectors; NaN where either text was empty (zero vector)."""
    dot = np.einsum("ij,ij->i", a, b).astype(float)
    empty = (np.abs(a).sum(1) == 0) | (np.abs(b).sum(1) == 0)
    dot[empty] = np.nan
    return dot


def _majority(groups: pd.Series, values: pd.Series) -> pd.Series:
    """Most frequent non-missing value of each group, per row (ties: the smallest value, as
    Series.mode), missing for a group without values. Vectorised: a per-group mode() cost
    ~2 ms per target site."""
    known = pd.DataFrame({"g": groups, "v": values}).dropna()
    counts = known.groupby(["g", "v"], sort=False).size().rename("n").reset_index()
    counts = counts.sort_values(["g", "n", "v"], ascending=[True, False, True])
    top = counts.drop_duplicates("g").set_index("g")["v"]
    return pd.Series(groups.map(top).to_numpy(), index=groups.index, dtype="string")


def _profile_centres(vectors: np.ndarray, site: np.ndarray) -> np.ndarray:
    """Per row, the unit mean of the non-empty ``vectors`` of its target site (``site``: integer
    codes); a zero row for a site without any."""
    if not len(site):
        return vectors
    known = np.abs(vectors).sum(1) > 0
    sums = np.zeros((int(site.max()) + 1, vectors.shape[1]), np.float64)
    np.add.at(sums, site[known], vectors[known])
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    centre = np.where(norms > 0, sums / np.maximum(norms, 1e-12), 0.0).astype(np.float32)
    return centre[site]


def _topic_text(target_url: str) -> str:
    brand = max(brand_tokens(target_url), key=len) if target_url else ""
    return " ".join([brand.replace("-", " "), *target_terms(target_url)]).strip()


def _project(centred: np.ndarray, components: np.ndarray) -> np.ndarray:
    """Rows of ``centred`` on the PCA ``components``, the same bits whatever the batch.

    A BLAS matrix product sums in an order that depends on the matrix's shape and threads: a
    row's projection moved by ~1e-7 with the batch it was in, enough to flip a few rounded
    scores between one scoring process and two. einsum without ``optimize`` sums each row in
    one fixed order (and costs 0.04 s per 50k rows).
    """
    return np.einsum("ij,kj->ik", centred, components, optimize=False)


class FeatureBuilder(Estimator):
    """Turn canonical link rows into model features (a scikit-learn transformer).

    ``fit`` learns the embedding projections; ``transform`` computes every feature, the profile
    ones over all rows of each target site in the frame it is given (see linkclf.profiles).

    Parameters
    ----------
    embedder : an Embedder (see linkclf.features.embed); wrap it in CachedEmbedder for reuse.
    n_components : PCA dimensions kept for the anchor and for the context embeddings.
    money_terms : words that make an anchor "exact"/"partial" for every target, on top of the
        terms derived from each target's URL and profile.
    """

    def __init__(
        self, embedder: Embedder, n_components: int = 16, money_terms: list[str] | None = None
    ) -> None:
        self.embedder = embedder
        self.n_components = n_components
        self.money_terms = money_terms

    # -- text ---------------------------------------------------------------------------------
    def _texts(self, df: pd.DataFrame) -> dict[str, list[str]]:
        def s(column: str) -> pd.Series:
            return df[column].astype("string").fillna("")

        context = (s("context_left") + " " + s("anchor") + " " + s("context_right")).str.strip()
        has_ctx = df["context_left"].notna() | df["context_right"].notna()
        return {
            "anchor": s("anchor").str.strip().tolist(),
            "context": context.where(has_ctx, "").tolist(),
            "title": s("source_title").str.strip().tolist(),
            "topic": map_unique(df["target_url"], _topic_text).tolist(),
            "slug": map_unique(df["source_url"], path_words).tolist(),
        }

    def _embed(self, texts: dict[str, list[str]]) -> dict[str, np.ndarray]:
        # One call for all texts: each distinct string is embedded once.
        order = ["anchor", "context", "title", "topic", "slug"]
        flat = [t for k in order for t in texts[k]]
        vecs = self.embedder.encode(flat)
        out, start = {}, 0
        for k in order:
            out[k] = vecs[start : start + len(texts[k])]
            start += len(texts[k])
        return out

    @staticmethod
    def _pca(x: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        rows = x[np.abs(x).sum(1) > 0]
        if len(rows) < 2:
            rows = np.vstack([x, np.eye(x.shape[1], dtype=x.dtype)[:2]])
        mean = rows.mean(0)
        # Eigenvectors of the d x d scatter matrix, not an SVD of the n x d rows: the same
        # components, but LAPACK's SVD on tall matrices crawls (10x) once torch's thread pool
        # competes with OpenBLAS's on a small machine, and fit() ran minutes on 12k links.
        centred = (rows - mean).astype(np.float64)
        values, vectors = np.linalg.eigh(centred.T @ centred)
        comps = vectors[:, np.argsort(values)[::-1][:k]].T
        # Fix each component's sign so refits on the same data give the same projection.
        signs = np.sign(comps[np.arange(len(comps)), np.abs(comps).argmax(1)])
        return mean.astype(np.float32), (comps * signs[:, None]).astype(np.float32)

    _estimator_type = "transformer"

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "anchor_mean_")

    def fit_transform(self, df: pd.DataFrame, y: Any = None) -> pd.DataFrame:
        """``fit`` then ``transform`` on the same rows (as TransformerMixin gave it)."""
        return self.fit(df, y).transform(df)

    def fit(self, df: pd.DataFrame, y: Any = None) -> FeatureBuilder:
        """Learn the anchor and context projections from ``df``; returns self."""
        df = conform(df)
        emb = self._embed(self._texts(df))
        self.anchor_mean_, self.anchor_components_ = self._pca(emb["anchor"], self.n_components)
        self.context_mean_, self.context_components_ = self._pca(emb["context"], self.n_components)
        self.__dict__.pop("feature_names_", None)  # a refit names its own columns
        self.feature_names_ = list(self.transform(df.head(50)).columns)
        self.families_ = catalogue.families(self.feature_names_)
        return self

    # -- features -----------------------------------------------------------------------------
    def transform(self, df: pd.DataFrame) -> pd.DataFrame:
        """Features for every row of ``df`` (canonical columns), index aligned with ``df``."""
        if not hasattr(self, "anchor_mean_"):
            raise ModelError(
                "a fitted FeatureBuilder", "an unfitted one", "call fit() or FeatureBuilder.load()"
            )
        df = conformed(df)
        anchors = anchor_features(df, set(self.money_terms or ()))
        parts = [
            anchors,
            rel_features(df),
            placement_features(df),
            url_features(df),
            authority_features(df),
            profile_features(df, anchors.attrs["anchor_type"]),
            self._relevance(df),
        ]
        out = pd.concat(parts, axis=1)
        out = out.drop(columns=["log_external_links", "log_traffic"], errors="ignore")
        if hasattr(self, "feature_names_"):
            # The fitted columns, in the fitted order, whatever the rows (an empty frame too).
            out = out.reindex(columns=self.feature_names_)
        return out.astype(np.float64)

    def _relevance(self, df: pd.DataFrame) -> pd.DataFrame:
        texts = self._texts(df)
        emb = self._embed(texts)
        out = pd.DataFrame(index=df.index)
        out["cos_anchor_topic"] = _cos(emb["anchor"], emb["topic"])
        out["cos_context_topic"] = _cos(emb["context"], emb["topic"])
        out["cos_title_topic"] = _cos(emb["title"], emb["topic"])
        out["cos_anchor_context"] = _cos(emb["anchor"], emb["context"])
        # The profile's own centre: most links to a site are about what the site is about.
        targets = df["target_site"].astype("string").fillna("").to_numpy(dtype=object)
        # Target sites as integer codes: comparing each site's name with every row's was
        # quadratic in a batch's sites (~1.5 s per 200k links).
        site, _ = pd.factorize(targets)
        centres = _profile_centres(emb["title"], site)
        out["cos_title_profile"] = _cos(emb["title"], centres)
        out["cos_context_profile"] = _cos(emb["context"], centres)
        # The source URL's words: the one text of the source page a Search Console export has.
        out["cos_slug_topic"] = _cos(emb["slug"], emb["topic"])
        out["cos_slug_profile"] = _cos(emb["slug"], _profile_centres(emb["slug"], site))
        lang = df["language"].astype("string")
        majority = _majority(pd.Series(targets, index=df.index), lang)
        out["language_mismatch"] = np.where(
            lang.notna() & majority.notna(), (lang != majority).astype(float), np.nan
        )
        a = _project(emb["anchor"] - self.anchor_mean_, self.anchor_components_)
        c = _project(emb["context"] - self.context_mean_, self.context_components_)
        a[np.abs(emb["anchor"]).sum(1) == 0] = np.nan
        c[np.abs(emb["context"]).sum(1) == 0] = np.nan
        for i in range(a.shape[1]):
            out[f"emb_anchor_{i}"] = a[:, i]
        for i in range(c.shape[1]):
            out[f"emb_context_{i}"] = c[:, i]
        return out

    # -- persistence --------------------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        """Write ``features.json`` and the four projection arrays (.npy, no pickle) to ``path``.

        Each file is written atomically; a whole model directory is made atomic by its caller.
        """
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        config: dict[str, Any] = {
            "format": FEATURES_FORMAT,
            "embedder": self.embedder.name,
            "n_components": self.n_components,
            "money_terms": self.money_terms,
            "feature_names": self.feature_names_,
            "families": self.families_,
        }
        write_text_atomic(out / "features.json", json.dumps(config, indent=2, sort_keys=True))
        for name in _ARRAYS:
            buffer = io.BytesIO()
            np.save(buffer, getattr(self, name), allow_pickle=False)
            write_bytes_atomic(out / f"{name.rstrip('_')}.npy", buffer.getvalue())

    @classmethod
    def load(cls, path: str | Path, embedder: Embedder) -> FeatureBuilder:
        root = Path(path)
        # JSON types, .npy headers (before allocating), regular files only: linkclf.modeldir.
        from linkclf.modeldir import validate_features

        if root.is_dir():
            validate_features(root)
        try:
            config = json.loads((root / "features.json").read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise ModelError(
                "features/features.json in the model directory",
                str(exc),
                "retrain the model",
                str(root),
            ) from None
        if config.get("format") != FEATURES_FORMAT:
            raise ModelError(
                FEATURES_FORMAT, str(config.get("format")), "retrain the model", str(root)
            )
        if config["embedder"] != embedder.name:
            raise ModelError(
                f"the embedder the model was trained with ({config['embedder']})",
                embedder.name,
                "load the model with its own embedder",
                str(root),
            )
        builder = cls(
            embedder,
            n_components=int(config["n_components"]),
            money_terms=config.get("money_terms"),
        )
        for name in _ARRAYS:
            file = root / f"{name.rstrip('_')}.npy"
            try:
                array = np.load(file, allow_pickle=False)
            except (OSError, ValueError) as exc:
                raise ModelError(
                    "the projection arrays written at training",
                    str(exc),
                    "retrain the model",
                    str(file),
                ) from None
            if name.endswith("mean_"):
                ok, expected = array.shape == (embedder.dim,), f"({embedder.dim},)"
            else:  # at most n_components rows (fewer when the embedder is narrower)
                ok = array.ndim == 2 and array.shape[1] == embedder.dim
                ok = ok and array.shape[0] <= builder.n_components
                expected = f"(<= {builder.n_components}, {embedder.dim})"
            if not ok:
                raise ModelError(
                    f"an array of shape {expected} for embedder {embedder.name}",
                    f"shape {array.shape}",
                    "retrain the model",
                    str(file),
                )
            setattr(builder, name, array)
        names = list(config["feature_names"])
        gone = catalogue.unknown(names)
        if gone:
            # A feature this code no longer computes would be NaN for every row: the model would
            # score something it was never trained on, silently.
            raise ModelError(
                "a model whose features this version of linkclf computes",
                f"{len(gone)} saved feature(s) it no longer produces ({', '.join(gone[:5])})",
                "retrain the model with this version (linkclf train), or use the linkclf "
                "version that trained it",
                str(root),
            )
        builder.feature_names_ = names
        builder.families_ = catalogue.families(names)
        return builder
