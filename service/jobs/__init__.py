"""Background jobs: an in-process runner by default, Celery workers when a broker is configured."""
