"""Load test: simulated residents over the real HTTP stack (see run.py)."""
