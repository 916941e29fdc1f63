"""The eval suite's code: cases and scenarios, mutation operators, runs, scores and reports.

The data (scenarios, tasks, gold drafts, thresholds, the committed baseline) lives in the
top-level `evals/` directory; this package reads it.
"""
