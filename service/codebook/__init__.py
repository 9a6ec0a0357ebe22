"""The committee's codebook: its codes as plain data, the CSV file, and coding against it."""
