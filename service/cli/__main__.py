"""``python -m service.cli`` runs the ``peerpulse`` command line."""

from service.cli import app

app()
