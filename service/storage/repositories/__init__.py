"""Every query, one module per domain; repositories flush, callers commit."""
