"""CYCLE-*: the self-evaluation compared with the forms of its cycle — the 绩效目标申报表 declared
with the budget and the 绩效监控表 of the year's monitoring rounds (issue 19). They run only on a
self-evaluation with linked forms (``needs``: declaration / monitoring)."""
