"""The real regression set: published self-evaluation forms transcribed cell by cell into data files.

``forms/<id>.yaml`` holds one published form each (its source, province, layout, its cells, the
fields a reviewer reads off it and the defects a reviewer sees in it); ``constructed/`` holds
forms laid out after real ones but not transcribed from one, used by tests and never counted in
the real set. :mod:`eval.real.forms` loads both; :mod:`eval.real_eval` renders each form in every
format, reads it back and grades the reading and the checker against these labels.
"""
