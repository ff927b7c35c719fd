"""Stage timing for the benchmarks: wrap a library function so its calls add up their wall time
(the library code itself is unchanged)."""

from __future__ import annotations

import time


def time_calls(obj: object, name: str, key: str, spent: dict[str, float]) -> None:
    """Replace ``obj.name`` by a wrapper that adds each call's seconds to ``spent[key]``."""
    inner = getattr(obj, name)

    def wrapper(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        t = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            spent[key] = spent.get(key, 0.0) + time.perf_counter() - t

    setattr(obj, name, wrapper)
