"""One module per survey tool; each turns a table's headers into a column plan."""
