"""Dynamical matrices: the scalar Laplacian of a network and the vector Hessian of a packing,
and the checks a user's own matrix goes through."""

from .hessian import glass_hessian
from .laplacian import as_matrix, dynamical_matrix, is_laplacian, zero_mode_count

__all__ = ["as_matrix", "dynamical_matrix", "glass_hessian", "is_laplacian", "zero_mode_count"]
