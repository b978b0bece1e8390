"""A small learned scorer on top of the text rules (an experiment; see scorer.py and train.py).

The rules find what their phrase lists name; people write the same allegation, crime or complaint
in words no list holds. The scorer reads each sentence the rules left alone and, for a few
meaning-based kinds, adds a `warn` finding where a linear model trained on the labelled corpus is
confident. It never blocks: a person looks.
"""
