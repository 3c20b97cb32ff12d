"""Shared kernel of yecai: settings (where everything lives) and the project's error type.

Every stage may import this package; it imports no stage.
"""
