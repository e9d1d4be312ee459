"""Drafting: review comments (审核意见) per submission and the annual problems-and-measures section.

Offline and deterministic by default: the facts come from the records store (findings) and
:func:`assistant.stats.year_statistics` (figures), the wording from Jinja2 macros and YAML in
``prompts/drafting/``. An LLM may polish the wording (:func:`polish`) under the number guard
(:mod:`assistant.drafting.numbers`): no number may change or appear that is not in the facts a
paragraph cites. Drafts are versioned (:class:`DraftStore`, :func:`revise`) and exported as
Word, Markdown or JSON (:mod:`assistant.drafting.word`).

Public API::

    build_review(records, submission_id, excluded=(), edits=None) -> Draft
    build_annual(records, year, scope="all", name=None, excluded=(), with_statistics=None, anonymise=None) -> Draft
    DraftStore(records).save / latest / versions / get;  revise(records, drafts, key, editor=..., exclude=..., edits=...)
    polish(draft, llm) -> Draft;  check_draft(draft) -> DraftCheck
    export(draft, path, fmt) ;  to_docx / to_markdown / to_json
    unsupported_numbers(text, allowed_numbers) -> list[str]
"""

from assistant.drafting.annual import annual_key, build_annual, stated_themes
from assistant.drafting.checks import DraftCheck, check_draft
from assistant.drafting.document import Block, Draft, Fact, to_json, to_markdown
from assistant.drafting.library import Library, load_library
from assistant.drafting.numbers import extract_numbers, unsupported_numbers
from assistant.drafting.polish import guard, polish
from assistant.drafting.review import build_review, decide, review_key
from assistant.drafting.versions import DraftStore, DraftVersion, revise
from assistant.drafting.word import WordStyle, export, to_docx

__all__ = [
    "Block", "Draft", "DraftCheck", "DraftStore", "DraftVersion", "Fact", "Library", "WordStyle", "annual_key",
    "build_annual", "build_review", "check_draft", "decide", "export", "extract_numbers", "guard",
    "load_library", "polish", "review_key", "revise", "stated_themes", "to_docx", "to_json", "to_markdown",
    "unsupported_numbers",
]
