"""The dashboard's pages, one module per page (or group of pages), each with its own router."""
