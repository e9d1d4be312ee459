"""Real published self-evaluation tables for tests, loaded from the real regression set.

The forms are data (``eval/real/forms/*.yaml``, each with its source, the cells as published and
what the transcriber completed); :mod:`eval.real.forms` loads them and writes them as files. They
carry the quirks real forms have (budget-code prefixes on names, ASCII colons and brackets in
labels, a 年度资金总额 row left at 0, a "≥100百分比" target, amounts in 元 inside a 万元 form, dot
leaders in a goal cell). ``PARENT_ROWS`` is no transcription: a form laid out as issue #16 saw real
ones (``eval/real/constructed/``).
"""

from __future__ import annotations

from eval.real.forms import Cell, RealForm, form

__all__ = ["Cell", "RealForm", "CHIZHOU_ENTRUSTED", "CHIZHOU_VILLAGE", "DAYING_ANKE", "QINGSHEN_WAGES",
           "SHOUXIAN_DEPARTMENT", "LANGFANG_HEATING", "PARENT_ROWS", "LAYOUT_FORMS"]

CHIZHOU_ENTRUSTED = form("ah_chizhou_entrusted").form
CHIZHOU_VILLAGE = form("ah_chizhou_village").form
DAYING_ANKE = form("sc_daying_anke").form
QINGSHEN_WAGES = form("sc_qingshen_wages").form
SHOUXIAN_DEPARTMENT = form("ah_shouxian_department").form
LANGFANG_HEATING = form("he_langfang_heating").form
PARENT_ROWS = form("parent_rows").form

# Published forms whose layouts the reader learnt from issue #16 item 5 (two-row headers, parent rows
# with values of their own, "其中…" rows, a 分值 column per level, signs and units in a name's
# bracket, header labels in their local spellings): each must read with every labelled field right.
LAYOUT_FORMS = ("yn_longyang_fertilizer", "yn_changning_pig_farm", "ah_xiaoxian_farming_subsidy",
                "yn_yongde_nutrition", "yn_lijiang_satellite", "nx_yinchuan_school", "hn_hengshan_grain",
                "hi_hainan_service_trade", "ah_jinzhai_village_dept")
