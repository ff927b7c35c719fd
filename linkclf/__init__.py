"""linkclf: tell natural backlinks from manipulative ones.

>>> from linkclf import LinkClassifier, read_export  # doctest: +SKIP
>>> model = LinkClassifier.load("models/default")  # doctest: +SKIP
>>> links = read_export("ahrefs-backlinks.tsv")  # doctest: +SKIP
>>> p = model.predict_proba(model.features.transform(links))[:, 1]  # doctest: +SKIP
"""

from __future__ import annotations

import warnings
from typing import Any

__version__ = "0.1.0"

# linkclf's CSV readers pass pandas index_col=False, so that a row longer than its header (a
# delimiter at the end of every data row) keeps its first fields instead of shifting every column
# (linkclf.sources.reader, linkclf.io). pandas then warns that the extra fields are not read: a
# ParserWarning on stderr that the user cannot act on. Matched by its text: pandas is not
# imported here.
warnings.filterwarnings("ignore", message="Length of header or names does not match length of data")

# Imported on first use: `import linkclf` stays cheap for the CLI's --help.
_LAZY = {
    "LinkClassifier": "linkclf.model",
    "FeatureBuilder": "linkclf.features",
    "read_export": "linkclf.sources",
    "read_exports": "linkclf.sources",
    "score_links": "linkclf.pipeline",
    "simulate": "linkclf.datasets",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'linkclf' has no attribute {name!r}")
