"""Agenda suggestions: rank themes into next-session topics, and the committee's review rules.

Framework-free: nothing here imports FastAPI or SQLAlchemy. The storage shell
(``service.storage.repositories.suggestions``) loads the inputs and stores the results.
"""
