"""Small helpers the apps share (the client's address…): no models, no settings of their own.

They live here rather than in ``parvis/``, the project's wiring, so that apps never import the
project that assembles them.
"""
