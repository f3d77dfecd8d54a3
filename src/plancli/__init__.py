"""plancli: Chinese government policy documents → structured data."""

__version__ = "0.1.0"
