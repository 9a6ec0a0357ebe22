"""The analysis of a community, as explicit stages: :mod:`service.analysis.stages` lists them."""
