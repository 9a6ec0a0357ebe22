"""Language models: the spaCy pipeline, sentence units and sentence embeddings (framework-free)."""
