"""Dynamical matrices: the scalar Laplacian of a network, the vector Hessian of a packing, the
paper's 9 x 9 toy model, and the checks a user's own matrix goes through."""

from .hessian import glass_hessian
from .laplacian import as_matrix, dynamical_matrix, is_laplacian, zero_mode_count
from .toy import new_poles, toy_model

__all__ = ["as_matrix", "dynamical_matrix", "glass_hessian", "is_laplacian", "new_poles", "toy_model", "zero_mode_count"]
