"""Rule modules, one rule per module, grouped by family (missing / weak / calc / score / dept).
The registry imports every module here; a module's rule registers itself with ``@register``.
Rules that differ only in data are one generic module and a data file beside it
(``dept/ratio.py`` + ``dept/ratios.yaml``: DEPT-CALC-001…012)."""
