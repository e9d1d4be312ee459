"""Rule modules, one rule per module, grouped by family (missing / weak / calc / score / dept).
The registry imports every module here; a module's rule registers itself with ``@register``."""
