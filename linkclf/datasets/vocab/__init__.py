"""Hand-written vocabularies for the link-profile simulator, one module per language.

Each module defines the same names (checked by ``tests/test_datasets.py``):

``TLDS``             country/generic TLDs of ordinary sites in that language, with weights
``CITIES``, ``SURNAMES``, ``FIRSTNAMES``   names for brands, bylines and local money anchors
``NICHES``           niche -> {"brand": words for site names, "topics": money topics (also URL
                     paths), "terms": words used in running text, "sentences": sentences in the
                     niche's own register}; target niches and the spam
                     niches (casino, crypto, pharma, loans, seo) that manipulative pages live on
``SENTENCES``        sentence frames for running text around a link ({topic} {term} {term2}
                     {city} {person} {year} {n} slots)
``LEAD_INS``         phrases that end the left context right before an in-text link
``TRAILS``           phrases that start the right context right after it
``TITLES``           page-title frames by page type
``GENERIC``          generic anchors ("click here")
``MONEY``            money-anchor patterns built from a topic
``PARTIAL``          partial-match patterns (topic + brand / filler)
``COMMENTS``         blog-comment spam openers
``STUFFING``         keyword-stuffing frames
``HOST_WORDS``       words for hostnames by site type (news, blog, forum, directory, ...)
``PATH_WORDS``       path segments by page type (news, blog, links, guest, sponsored, forum, ...)
``DISCLOSURES``      sponsorship disclosures as a page says them ("in samenwerking met", "Anzeige")
``TEMPLATE_TEXT``    short text next to template links (footer credits, sponsor boxes, share bars)

Written for this project; no text was copied from any site.
"""

from __future__ import annotations

from types import ModuleType

from linkclf.datasets.vocab import de, en, fr, nl

#: Language code -> vocabulary module.
LANGUAGES: dict[str, ModuleType] = {"nl": nl, "en": en, "de": de, "fr": fr}

REQUIRED_NAMES = (
    "DISCLOSURES",
    "TEMPLATE_TEXT",
    "TLDS",
    "CITIES",
    "SURNAMES",
    "FIRSTNAMES",
    "NICHES",
    "SENTENCES",
    "LEAD_INS",
    "TRAILS",
    "TITLES",
    "GENERIC",
    "MONEY",
    "PARTIAL",
    "COMMENTS",
    "STUFFING",
    "HOST_WORDS",
    "PATH_WORDS",
)
