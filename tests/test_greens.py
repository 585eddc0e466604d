"""The toy model and the Green's-function local DOS."""

import numpy as np
import pytest

import bosonpeak


def test_toy_model_square_spectrum_and_laplacian():
    for kind in ("square", "extra", "missing"):
        H = bosonpeak.toy_model(kind)
        assert H.shape == (9, 9)
        np.testing.assert_array_equal(H, H.T)
        np.testing.assert_allclose(H.sum(axis=1), 0)
    lam = np.linalg.eigvalsh(bosonpeak.toy_model("square"))
    np.testing.assert_allclose(lam, [0, 3, 3, 3, 3, 6, 6, 6, 6], atol=1e-12)


def test_toy_model_coordination_changes():
    z = {k: np.diag(bosonpeak.toy_model(k)) for k in ("square", "extra", "missing")}
    np.testing.assert_array_equal(z["square"], 4)
    assert z["extra"][4] == z["extra"][0] == 5 and np.sum(z["extra"] == 4) == 7
    assert z["missing"][4] == z["missing"][3] == 3 and np.sum(z["missing"] == 4) == 7
    assert bosonpeak.toy_model("extra")[0, 4] == -1 and bosonpeak.toy_model("missing")[3, 4] == 0


def test_toy_model_new_poles_and_old_poles_survive():
    # rank-one changes: two new poles appear, the lattice's sqrt(3), sqrt(6) survive
    for kind in ("extra", "missing"):
        w = np.sqrt(np.clip(np.linalg.eigvalsh(bosonpeak.toy_model(kind)), 0, None))
        assert np.any(np.isclose(w, np.sqrt(3))) and np.any(np.isclose(w, np.sqrt(6)))
        assert len(bosonpeak.new_poles(kind)) == 2
    np.testing.assert_allclose(bosonpeak.new_poles("extra"), [2.0, np.sqrt(7)])
    np.testing.assert_allclose(bosonpeak.new_poles("missing"), [np.sqrt(2), np.sqrt(5)])


def test_local_dos_matches_direct_inverse():
    H = bosonpeak.toy_model("extra")
    omega = np.array([0.7, 1.73, 2.3])
    eps = 0.05
    got = bosonpeak.local_dos(H, omega, eps=eps)
    for w, row in zip(omega, got):
        G = np.linalg.inv((w**2 + 1j * eps) * np.eye(9) - H)
        np.testing.assert_allclose(row, -np.diag(G).imag, rtol=1e-10)


def test_local_dos_sum_rules():
    H = bosonpeak.toy_model("missing")
    eps = 1e-3
    # per-omega convention integrates to 1 for every node, less half of the zero mode's
    # weight 1/9 (its Lorentzian in lambda is centred at lambda = 0, omega >= 0 sees half)
    w = np.linspace(0, 4, 40001)
    g = bosonpeak.local_dos(H, w, eps=eps, convention="omega")
    np.testing.assert_allclose(np.trapezoid(g, w, axis=0), 1.0 - 0.5 / 9, atol=2e-3)
    # paper convention: sum over nodes of -Im G_ii is pi times the DOS in lambda = omega^2
    lam = np.linspace(-2, 12, 140001)
    g_lam = bosonpeak.local_dos(H, np.sqrt(np.clip(lam, 0, None)), eps=eps)
    lam_pos = lam >= 0
    total = np.trapezoid(g_lam[lam_pos].sum(axis=1), lam[lam_pos]) / np.pi
    assert total == pytest.approx(9 - 0.5, abs=0.01)  # half of the zero-mode Lorentzian lies at lambda < 0


@pytest.mark.parametrize(
    "kwargs, match",
    [(dict(eps=0.0), "'eps' must lie in \\(0"), (dict(eps=-1.0), "'eps'"), (dict(eps=0.1, convention="x"), "'convention' must be one of")],
)
def test_local_dos_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        bosonpeak.local_dos(bosonpeak.toy_model("square"), [1.0], **kwargs)


def test_local_dos_rejects_negative_omega_and_bad_kind():
    with pytest.raises(ValueError, match="'omega'"):
        bosonpeak.local_dos(bosonpeak.toy_model("square"), [-1.0], eps=0.1)
    with pytest.raises(ValueError, match="'kind' must be one of"):
        bosonpeak.toy_model("diagonal")
