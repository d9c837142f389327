"""tierlaw: the US anti-trafficking tier statutes as a YAML rulebook, with cited derivations."""

__version__ = "0.1.0"
