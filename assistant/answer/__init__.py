"""Question answering over documents and extracted data, with citations and checked numbers.

``ask(question, stores, settings=…)`` routes a question (structured / document / mixed, see
:mod:`assistant.answer.parser`), answers it from the records (a typed query, never SQL text
from a model) or from retrieved chunks (extractive offline, an LLM when configured), runs the
citation repair and number guard on every sentence (:mod:`assistant.answer.guard`) and keeps
conversation state per id for follow-ups. ``ask_stream`` yields the text in pieces, then the
:class:`Answer`.
"""

from assistant.answer.engine import ask, ask_stream
from assistant.answer.executor import QueryResult, execute
from assistant.answer.parser import Parsed, parse_question
from assistant.answer.query import Aggregate, Filter, OrderBy, StructuredQuery
from assistant.answer.types import Answer, AnswerKind, Citation
from assistant.answer.words import query_in_words

__all__ = ["Aggregate", "Answer", "AnswerKind", "Citation", "Filter", "OrderBy", "Parsed", "QueryResult",
           "StructuredQuery", "ask", "ask_stream", "execute", "parse_question", "query_in_words"]
