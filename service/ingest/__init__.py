"""Reading survey exports and check-in notes into one normalised shape (framework-free)."""
