"""Program metrics: quantitative answers, participation, drivers of satisfaction (no framework)."""
