"""One module per evaluation suite."""
