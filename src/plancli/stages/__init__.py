"""plancli subpackage."""
