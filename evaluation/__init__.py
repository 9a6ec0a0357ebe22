"""Benchmarks and quality evaluations; each suite writes a report to evaluation/reports/."""
