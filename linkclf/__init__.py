"""linkclf: tell natural backlinks from manipulative ones."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
