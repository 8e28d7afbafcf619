"""advise's version, on its own so that any module can read it without importing the package's
public names (advise/__init__.py)."""

__version__ = "0.1.0"
