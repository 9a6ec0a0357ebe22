"""Themes: discovery, stable identity, trends and quotes (framework-free core).

- :mod:`service.themes.model` -- :class:`~service.themes.model.ThemeModel` and the production
  :class:`~service.themes.model.BERTopicThemeModel`;
- :mod:`service.themes.identity` -- matching a run's themes to the existing ones;
- :mod:`service.themes.trends` -- weekly counts and significance-tested trends;
- :mod:`service.themes.quotes` -- representative quotes by MMR;
- :mod:`service.themes.schemas` -- the dataclasses they exchange.

Importing this package loads no model.
"""
