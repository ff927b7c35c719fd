"""Text pieces of simulated links: slugs, hostnames, titles, contexts, anchors.

Everything is drawn from the per-language vocabularies in :mod:`linkclf.datasets.vocab`, so a
Dutch bakery gets Dutch anchors and a German casino page German stuffing.
"""

from __future__ import annotations

import re
import unicodedata
from types import ModuleType

from linkclf.datasets.draws import Draws, Weighted

SPAMMY_TLDS = (
    ".xyz", ".top", ".online", ".site", ".club", ".info", ".biz", ".icu", ".live", ".pw",
    ".buzz", ".shop", ".ru", ".win",
)  # fmt: skip

#: Characters kept on each side of a link in running text: about the 30 words `linkclf extract`
#: keeps on real pages (other contexts keep the vendors' shorter 160).
_PARAGRAPH_WINDOW = 200

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "'": "", "’": ""})
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """URL/host-safe ASCII form: ``"Glutenfreies Brot"`` -> ``"glutenfreies-brot"``."""
    folded = unicodedata.normalize("NFKD", text.lower().translate(_UMLAUTS))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii")
    return _NON_SLUG.sub("-", ascii_text).strip("-")


def capitalise(text: str) -> str:
    """First letter upper-case, the rest untouched (German nouns keep their case)."""
    return text[:1].upper() + text[1:]


class Writer:
    """Fills vocabulary frames for one language.

    Parameters
    ----------
    vocab : a module of :mod:`linkclf.datasets.vocab`.
    draws : the simulator's random stream.
    """

    def __init__(self, vocab: ModuleType, draws: Draws) -> None:
        self.v = vocab
        self.d = draws
        self.tlds = Weighted(list(vocab.TLDS))

    def slots(self, niche: str, **extra: str) -> dict[str, str]:
        """Values for every frame slot, drawn for ``niche``."""
        d, v = self.d, self.v
        words = v.NICHES[niche]
        topic = d.pick(words["topics"])
        city = d.pick(v.CITIES)
        values = {
            "topic": topic,
            "Topic": capitalise(topic),
            "topic2": d.pick(words["topics"]),
            "topic3": d.pick(words["topics"]),
            "term": d.pick(words["terms"]),
            "term2": d.pick(words["terms"]),
            "city": city,
            "City": city,
            "person": f"{d.pick(v.FIRSTNAMES)} {capitalise(d.pick(v.SURNAMES))}",
            "year": str(d.integer(2014, 2025)),
            "n": str(d.integer(3, 15)),
            "brand": "",
            "Brand": "",
        }
        values.update(extra)
        return values

    def fill(self, frame: str, niche: str, **extra: str) -> str:
        return frame.format_map(self.slots(niche, **extra))

    def _focus(self, focus: str) -> dict[str, str]:
        # A page about the target's own topic names it more often than not.
        if focus and self.d.chance(0.6):
            return {"topic": focus, "Topic": capitalise(focus)}
        return {}

    def sentence(self, niche: str, focus: str = "") -> str:
        # Niche sentences carry the niche's own register (a bakery talks about dough, a casino
        # about free spins); the general frames add variety across niches.
        own = self.v.NICHES[niche]["sentences"]
        frames = own if self.d.chance(0.45) else self.v.SENTENCES
        return self.fill(self.d.pick(frames), niche, **self._focus(focus))

    def title(self, page: str, niche: str, brand: str, focus: str = "") -> str:
        frames = self.v.TITLES[page]
        return self.fill(self.d.pick(frames), niche, brand=brand, Brand=brand, **self._focus(focus))

    def tld(self) -> str:
        return self.d.weighted(self.tlds)

    # -- contexts -------------------------------------------------------------------------
    def context(self, mode: str, niche: str, stuff_niche: str, stuff_writer: Writer,
                focus: str = "") -> tuple[str, str]:  # fmt: skip
        """(left, right) text around the link for a context mode; ``focus`` is the target
        page's topic when the source page is in the target's niche and language.

        Modes: "text" (words on both sides), "text_left" / "text_right" (one side: the link
        ends or opens a sentence), "list" (an item), "comment", "stuffed", "template" (a short
        label such as "Our partners:" or nothing) and "none"."""
        d, v = self.d, self.v
        if mode == "text":
            return _tail(self._before(niche, focus), _PARAGRAPH_WINDOW), _head(
                self._after(niche), _PARAGRAPH_WINDOW
            )
        if mode == "text_left":  # the link ends its sentence: words on the left only
            return _tail(self._before(niche, focus), _PARAGRAPH_WINDOW), (
                "." if d.chance(0.3) else ""
            )
        if mode == "text_right":  # the link opens a sentence or paragraph: words on the right
            return "", _head(self._after(niche).lstrip(". "), _PARAGRAPH_WINDOW)
        if mode == "template":  # footer credit, sponsor box, share bar: a label at most
            if d.chance(0.08):  # a sponsor box or credit line with a few words on each side
                return d.pick(v.TEMPLATE_TEXT), _head(d.pick(v.TRAILS).lstrip(". "), 40)
            return (d.pick(v.TEMPLATE_TEXT) if d.chance(0.12) else ""), ""
        if mode == "list":
            return "", _head(self.sentence(niche, focus)) if d.chance(0.7) else ""
        if mode == "comment":
            left = d.pick(v.COMMENTS)
            if d.chance(0.5):
                left = f"{left} {self.sentence(niche, focus)}"
            return _tail(left), (d.pick(v.COMMENTS) if d.chance(0.3) else "")
        if mode == "stuffed":
            left = self._stuffing(stuff_writer, stuff_niche)
            right = self._stuffing(stuff_writer, stuff_niche) if d.chance(0.5) else ""
            return _tail(left), _head(right)
        return "", ""

    # Where a link sits in its paragraph decides how many words a crawler keeps around it. On
    # real article pages the words left of an in-body link spread from none to the whole window
    # (21% none, 13% one to three, 6% four to six, 5% seven to nine, 5% ten to twelve, 11% to
    # twenty, 38% more; ../shared/data/real/html-pages, datasets/README.md); one fixed
    # "sentence + lead-in" shape gave natural links ten words or more and left the shorter
    # lengths to the spam templates, so a length alone read as a kind.
    def _before(self, niche: str, focus: str) -> str:
        """Words left of a link inside running text: earlier sentences of its paragraph, then
        the words of its own sentence before it (none, a lead-in, or part of a clause)."""
        d, v = self.d, self.v
        r = d.u()
        earlier = 0 if r < 0.25 else (1 if r < 0.6 else 2)
        parts = [self.sentence(niche, focus if i == earlier - 1 else "") for i in range(earlier)]
        r = d.u()
        if r < 0.25:
            opening = ""  # the link opens its sentence
        elif r < 0.6:
            opening = d.pick(v.LEAD_INS)
        else:
            words = self.sentence(niche, focus).rstrip(".?!").split()
            opening = " ".join(words[: d.integer(1, max(1, len(words) - 1))])
            if d.chance(0.5):
                opening = f"{opening} {d.pick(v.LEAD_INS)}"
        if not parts and not opening:  # "text" has words on the left; text_right has none
            opening = d.pick(v.LEAD_INS)
        return " ".join(p for p in (*parts, opening) if p)

    def _after(self, niche: str) -> str:
        """Words right of a link inside running text: the rest of its sentence, then none to two
        more sentences of the paragraph."""
        d, v = self.d, self.v
        r = d.u()
        more = 0 if r < 0.2 else (1 if r < 0.55 else 2)
        return " ".join([d.pick(v.TRAILS), *(self.sentence(niche) for _ in range(more))])

    def _stuffing(self, w: Writer, niche: str) -> str:
        """Keyword stuffing around a link: one to three stuffed phrases, cut anywhere (a spam
        template's length is no more fixed than an editor's)."""
        d = self.d
        words = " ".join(
            w.fill(d.pick(w.v.STUFFING), niche) for _ in range(d.integer(1, 3))
        ).split()
        return " ".join(words[-d.integer(min(2, len(words)), len(words)) :])


def _tail(text: str, limit: int = 160) -> str:
    """The last ``limit`` characters, cut at a word (vendors keep a window around the link)."""
    if len(text) <= limit:
        return text
    cut = text[-limit:]
    return cut[cut.find(" ") + 1 :]


def _head(text: str, limit: int = 160) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    return cut[: cut.rfind(" ")]


def disclose(left: str, phrase: str) -> str:
    """Left context with a sponsorship disclosure: a lead-in ("in partnership with") ends
    right before the link, a label ("Advertorial.") opens the paragraph."""
    if phrase.endswith("."):
        return _tail(f"{phrase} {left}".strip())
    words = left.rsplit(" ", 3)[0] if left else ""
    return _tail(f"{words} {phrase}".strip())
