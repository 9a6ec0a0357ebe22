"""Confidentiality: pseudonyms, redaction and minimum group sizes (framework-free)."""
