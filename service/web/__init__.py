"""Server-rendered pages (Jinja2) that call the same services as the API."""
