"""Themes: discovery, stable identity, trends and quotes (framework-free core).

- :mod:`service.themes.model` -- :class:`~service.themes.model.ThemeModel` and the production
  :class:`~service.themes.model.BERTopicThemeModel`, assembled from a reducer, a clusterer and
  a representation (the Protocols of :mod:`service.themes.parts`; today's choices in
  :mod:`service.themes.clustering` and :mod:`service.themes.representation`);
- :mod:`service.themes.build` -- :func:`~service.themes.build.build_theme_model`, the one
  factory of the production model from the settings and the model store;
- :mod:`service.themes.identity` -- matching a run's themes to the existing ones;
- :mod:`service.themes.trends` -- weekly counts and significance-tested trends;
- :mod:`service.themes.quotes` -- representative quotes by MMR;
- :mod:`service.themes.schemas` -- the dataclasses they exchange.

Importing this package loads no model.
"""
