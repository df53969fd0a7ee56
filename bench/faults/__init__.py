"""Fault drill: workers killed, PostgreSQL restarted, Redis stopped (see drill.py and README.md)."""
