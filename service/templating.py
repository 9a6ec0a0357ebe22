"""Jinja2 environments over a folder of templates, strict and autoescaping HTML."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape


def file_templates(folder: Path) -> Environment:
    """Templates of ``folder``: ``.html`` ones autoescaped, an undefined name an error, block
    tags without the blank lines they would leave (the brief's and the value report's)."""
    return Environment(
        loader=FileSystemLoader(folder),
        autoescape=select_autoescape(enabled_extensions=("html",)),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
