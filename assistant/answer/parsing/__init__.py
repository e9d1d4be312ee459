"""The question parser's steps (:data:`assistant.answer.parser.PARSER` composes them).

* :mod:`~assistant.answer.parsing.vocabulary` — the words and patterns, and the blanking helpers;
* :mod:`~assistant.answer.parsing.scope` — normalising, year, unit and project names, rule codes;
* :mod:`~assistant.answer.parsing.subject` — which rows (project / indicator / finding), reasons asked for;
* :mod:`~assistant.answer.parsing.conditions` — level, 达标, 等级, severity, comparisons with numbers;
* :mod:`~assistant.answer.parsing.shape` — grouping, ranking, aggregates, listing;
* :mod:`~assistant.answer.parsing.route` — what is left, the route, the typed query.
"""
