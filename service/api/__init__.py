"""The HTTP API (FastAPI routers); it calls the core and the storage layer."""
