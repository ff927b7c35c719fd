"""Fast, deterministic random draws for the simulator.

Calling numpy's Generator once per scalar costs about a microsecond and ``Generator.choice`` with
weights tens of microseconds; the simulator needs a few million draws. :class:`Draws` takes
uniforms and normals from a PCG64 stream in blocks and hands them out one by one, so the
sequence is fixed by the seed alone (no Python ``hash()``, no set order, no clock).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from itertools import accumulate
from typing import Generic, TypeVar

import numpy as np

T = TypeVar("T")

_BLOCK = 1 << 16


class Weighted(Generic[T]):
    """Items with weights, prepared once for repeated draws (cumulative weights)."""

    def __init__(self, pairs: Sequence[tuple[T, float]]) -> None:
        self.items = [item for item, _ in pairs]
        total = float(sum(weight for _, weight in pairs))
        self.cum = [c / total for c in accumulate(weight for _, weight in pairs)]


class Draws:
    """Buffered uniform and normal draws from ``Generator(PCG64(seed))``.

    Parameters
    ----------
    seed : int
        The only source of randomness; the same seed gives the same stream.
    """

    def __init__(self, seed: int) -> None:
        self.rng = np.random.Generator(np.random.PCG64(seed))
        self._u = self.rng.random(_BLOCK).tolist()
        self._ui = 0
        self._z = self.rng.standard_normal(_BLOCK).tolist()
        self._zi = 0

    def u(self) -> float:
        """A uniform number in [0, 1)."""
        if self._ui == _BLOCK:
            self._u = self.rng.random(_BLOCK).tolist()
            self._ui = 0
        value = self._u[self._ui]
        self._ui += 1
        return value

    def z(self) -> float:
        """A standard normal number."""
        if self._zi == _BLOCK:
            self._z = self.rng.standard_normal(_BLOCK).tolist()
            self._zi = 0
        value = self._z[self._zi]
        self._zi += 1
        return value

    def chance(self, p: float) -> bool:
        """True with probability ``p``."""
        return self.u() < p

    def pick(self, items: Sequence[T]) -> T:
        """One item, uniformly."""
        return items[int(self.u() * len(items))]

    def weighted(self, table: Weighted[T]) -> T:
        """One item of a :class:`Weighted` table."""
        index = bisect.bisect_right(table.cum, self.u())
        return table.items[min(index, len(table.items) - 1)]

    def integer(self, low: int, high: int) -> int:
        """An integer in [low, high] (both ends included)."""
        return low + int(self.u() * (high - low + 1))

    def logit_normal(self, mean: float, sd: float, scale: float = 100.0) -> float:
        """``scale * sigmoid(mean + sd * z)``: a bounded score such as a 0-100 rating."""
        return scale / (1.0 + math.exp(-(mean + sd * self.z())))

    def lognormal(self, mean: float, sd: float) -> float:
        """``exp(mean + sd * z)``."""
        return math.exp(mean + sd * self.z())

    def geometric(self, p: float, cap: int) -> int:
        """Number of trials to the first success (>= 1), capped."""
        count = 1
        while count < cap and self.u() >= p:
            count += 1
        return count
