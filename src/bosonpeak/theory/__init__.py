"""Analytic theory on the same axes as the numerics (effective-medium approximations)."""
