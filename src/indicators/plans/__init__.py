"""The plans: the catalogue of every plan's targets with their quotes, the vocabulary, regions and checks."""
