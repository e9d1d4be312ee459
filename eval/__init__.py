"""Evaluation tooling for ziping: the synthetic corpus generator (:mod:`eval.synth`) and, later,
the extraction / checker / retrieval evaluations that score the product against its labels.

Product code never imports this package (docs/architecture.md); the CLI's developer commands load it lazily.
"""
