"""Jamming analysis and quasi-localized modes: estimators checked on data with a known answer."""

import numpy as np
import pytest
import scipy.sparse as sp

from bosonpeak.analysis.jamming import coordination, onset_frequency, power_law_fit, reduced_peak, virial_pressure
from bosonpeak.analysis.qlm import low_frequency_exponent, lowest_vector_modes, split_modes

#: Repetitions of a synthetic experiment used to measure an interval's coverage.
REPS = 400


def test_power_law_fit_covers_the_true_exponent_at_its_nominal_rate():
    rng = np.random.default_rng(11)
    p = np.logspace(-4, -1, 4)
    hits = 0
    for _ in range(REPS):
        y = 3.5 * p**0.5 * np.exp(0.15 * rng.standard_normal((5, p.size)))   # 5 seeds, log-normal scatter
        fit = power_law_fit(np.tile(p, (5, 1)), y)
        hits += fit.interval[0] <= 0.5 <= fit.interval[1]
    # Binomial(400, 0.95): 3 standard deviations are 0.033.
    assert abs(hits / REPS - 0.95) < 0.033


def test_power_law_fit_with_one_seed_uses_the_least_squares_interval():
    p = np.logspace(-4, -1, 7)
    noise = np.exp(0.05 * np.random.default_rng(1).standard_normal(p.size))
    fit = power_law_fit(p, p**1.0 * noise)
    assert fit.method.startswith("least squares") and fit.interval[0] < 1.0 < fit.interval[1]
    with pytest.raises(ValueError, match="'y' needs two seeds"):
        power_law_fit(p[:2], p[:2])


def test_beta_estimator_recovers_four_with_its_stated_coverage():
    rng = np.random.default_rng(5)
    hits, betas = 0, []
    for _ in range(REPS):
        cut = rng.uniform(0.5, 1.5, size=300)                          # per-sample cut-offs
        omega = cut * rng.uniform(size=300) ** (1 / 5)                  # D ~ omega^4 below each cut-off
        fit = low_frequency_exponent(np.concatenate([omega, [2.0, 3.0]]), np.concatenate([cut, [1.0, 1.0]]))
        assert fit.n_modes == 300                                       # the two modes above their cut-off are left out
        hits += fit.interval[0] <= 4 <= fit.interval[1]
        betas.append(fit.beta)
    assert abs(hits / REPS - 0.95) < 0.033
    assert abs(np.mean(betas) - 4) < 0.05                              # bias of n/S is (beta+1)/(n-1) ~ 0.017


def test_coordination_counts_the_backbone_and_the_isostatic_bound():
    # A triangulated 4 x 4 torus: z = 6 everywhere; one extra particle touching one site is a rattler.
    L = 4
    idx = lambda x, y: (x % L) * L + (y % L)  # noqa: E731
    pairs = [(idx(x, y), idx(x + dx, y + dy)) for x in range(L) for y in range(L) for dx, dy in ((1, 0), (0, 1), (1, 1))]
    pairs.append((0, L * L))
    i, j = np.array(pairs).T
    rattler = np.zeros(L * L + 1, bool)
    rattler[-1] = True
    c = coordination(i, j, rattler, 2)
    assert (c.z, c.delta_z, c.z_variance, c.n_backbone, c.n_contacts) == (6.0, 2.0, 0.0, 16, 48)
    assert c.rattler_fraction == 1 / 17 and c.excess_contacts == 48 - 2 * 15


def test_virial_pressure_of_a_compressed_harmonic_chain():
    # N disks of diameter 1 on a ring of length N (1 - s): every contact overlaps by s; V' = -s.
    N, s = 10, 0.01
    r = np.full(N, 1 - s)
    assert virial_pressure(r, -s * np.ones(N), volume=N * (1 - s) * 1.0, dim=2) == pytest.approx(s / 2)


def test_onset_frequency_and_reduced_peak_follow_the_plateau():
    edges = np.linspace(0, 3, 601)
    w = 0.5 * (edges[1:] + edges[:-1])
    for star in (0.05, 0.2, 0.4):
        D = np.where(w < 2.5, np.minimum(w / (2 * star), 1.0), 0.0)    # half the plateau at omega = star
        assert onset_frequency(edges, D) == pytest.approx(star, rel=0.05)
        # 3D: a Debye part at level 1 plus a bump at 2 star of height 2 over the level.
        D3 = w**2 * (1 + 2 * np.exp(-(w - 2 * star) ** 2 / (2 * (0.4 * star) ** 2)))
        omega, height = reduced_peak(edges, D3, 3, 1.0, omega_min=0.5 * star, modes=10**6)
        assert omega == pytest.approx(2 * star, abs=0.005) and height == pytest.approx(3.0, rel=0.05)


def test_lowest_vector_modes_agree_with_dense_and_localised_modes_split():
    rng = np.random.default_rng(3)
    n, d = 60, 3
    # A random rigid central-force Hessian in a periodic unit box: d translations as zero modes.
    x = rng.uniform(0, 1, size=(n, d))
    i, j = np.triu_indices(n, 1)
    dx = x[j] - x[i]
    dx -= np.round(dx)
    keep = np.linalg.norm(dx, axis=1) < 0.45
    i, j, dx = i[keep], j[keep], dx[keep]
    e = dx / np.linalg.norm(dx, axis=1)[:, None]
    blocks = -np.einsum("ea,eb->eab", e, e) * rng.uniform(0.5, 1.5, size=len(i))[:, None, None]
    H = np.zeros((n * d, n * d))
    for a, b, B in zip(i, j, blocks):
        H[a * d:a * d + d, b * d:b * d + d] = B
        H[b * d:b * d + d, a * d:a * d + d] = B
    for a in range(n):
        H[a * d:a * d + d, a * d:a * d + d] = -sum(H[a * d:a * d + d, c * d:c * d + d] for c in range(n) if c != a)
    m = lowest_vector_modes(sp.csr_matrix(H), 6, d, rng=0)
    lam = np.linalg.eigvalsh(H)
    np.testing.assert_allclose(m.omega**2, lam[d:d + 6], rtol=1e-8, atol=1e-10)
    assert np.all((m.participation > 0) & (m.participation <= 1))
    assert split_modes(m.participation, 1.0).all() and not split_modes(m.participation, 0.0).any()
    with pytest.raises(ValueError, match="more than n_zero"):
        lowest_vector_modes(sp.csr_matrix(H), 3, d, n_zero=1, rng=0)


def test_fit_of_the_means_covers_the_exponent_with_negative_single_values():
    # G/B-like data: the seed mean follows p^0.5, single seeds scatter below zero at the lowest p.
    rng = np.random.default_rng(2)
    p = np.logspace(-4, -1, 4)
    hits = 0
    reps = 200
    for r in range(reps):
        y = p**0.5 + 0.004 * rng.standard_normal((8, p.size))
        fit = power_law_fit(np.tile(p, (8, 1)), y, method="means", bootstrap=400, rng=r)
        hits += fit.interval[0] <= 0.5 <= fit.interval[1]
    assert hits / reps > 0.85    # a percentile bootstrap over 8 seeds covers a little below its nominal 0.95


@pytest.mark.parametrize("dim", [2, 3])
def test_min_shear_modulus_bounds_the_orientation_average_of_a_packing(dim):
    """The simple-shear moduli of ``shear_frames`` average to ``isotropic_shear_modulus`` (exactly on the
    2D angle grid, to the sampling error in 3D) and their minimum lies below; a packing far below its
    finite-size crossover (p N^2 ~ 1) is unstable to some shear at rest, one far above it is not."""
    from bosonpeak.analysis.jamming import isotropic_shear_modulus, min_shear_modulus, shear_frames
    from bosonpeak.analysis.moduli import elastic_tensor
    from bosonpeak.model.jamming import jammed_series

    stiff, soft = jammed_series(128, [1e-1, 1e-5], dim=dim, rng=0)   # p N^2 = 1640 and 0.16
    for jp, sign in ((stiff, 1), (soft, -1)):
        A = elastic_tensor(jp.particles, jp.pair_potential(), keep=~jp.rattler).A
        n, m = shear_frames(dim)
        G = np.einsum("ka,kb,kc,kd,abcd->k", n, m, n, m, A)
        error = 1e-12 * abs(G).max() if dim == 2 else 4 * G.std() / np.sqrt(G.size)   # 3D: random frames
        assert abs(G.mean() - isotropic_shear_modulus(A)) < error
        assert min_shear_modulus(A) == G.min() < isotropic_shear_modulus(A)
        assert np.sign(min_shear_modulus(A)) == sign, (dim, jp.pressure, min_shear_modulus(A))
