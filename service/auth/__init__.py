"""Credentials and roles (framework-free)."""
