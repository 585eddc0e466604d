"""Dynamical matrices: the scalar Laplacian of a network, the vector (central-force) matrix of a
network in 2D or 3D, the vector Hessian of a packing, the paper's 9 x 9 toy model, and the checks
a user's own matrix goes through."""

from .hessian import glass_hessian
from .laplacian import as_matrix, dynamical_matrix, is_laplacian, zero_mode_count
from .toy import new_poles, toy_model
from .vector import maxwell_count, rigidity_matrix, vector_dynamical_matrix

__all__ = ["as_matrix", "dynamical_matrix", "glass_hessian", "is_laplacian", "maxwell_count", "new_poles", "rigidity_matrix",
           "toy_model", "vector_dynamical_matrix", "zero_mode_count"]
