"""Program metrics: quantitative answers, participation and what drives satisfaction (framework-free)."""
