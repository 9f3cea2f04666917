"""IncidentDesk: record, classify, contain and report incidents involving AI systems."""

__version__ = "0.1.0"
