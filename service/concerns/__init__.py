"""Concerns: what keeps members up at night (framework-free core).

``scorer`` scores units (level 0-3, worry probability, sentiment) behind the ``ConcernScorer``
protocol; ``ranking`` ranks themes by the worry they carry; ``train`` retrains the model.
"""
