"""The assessment core: typed facts, rule files and pure functions. No Django import here."""

from .engine import Assessment, assess
from .facts import IncidentFacts

__all__ = ["Assessment", "IncidentFacts", "assess"]
