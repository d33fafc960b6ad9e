#!/usr/bin/python3
"""Writes tests/optimizers/torch_reference.txt: reference trajectories of every optimizer for optimizers_test.cpp.

    /usr/bin/python3 tests/optimizers/make_torch_reference.py      (needs Debian's python3-torch and python3-numpy)

Two parameter tensors (6 and 3 numbers) start at fixed values and receive a fixed sequence of 20 gradients;
each optimizer runs at two hyper-parameter settings (AdamW at three) in float64 and every step's parameters
are written. The AdamW cases come last, so that adding them left the earlier cases' lines as they were.

Where lecon computes what torch.optim computes, the reference is torch itself ("torch"). Where lecon follows
keras instead (the place of epsilon in Adam, AMSGrad and AdaMax) or torch has a known bug (NAdam in torch < 2.0
multiplies the momentum product by mu_t twice, pytorch/pytorch#92699), the reference is the keras formula
written out in numpy below ("numpy"). Each numpy rule is also run in torch's form and checked against torch
itself first, so the numpy transcriptions differ from torch only where the documented difference is.

The C++ test needs no PyTorch: it reads the committed text file.
"""
import math
import os
import sys

import numpy as np
import torch

STEPS = 20
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "torch_reference.txt")


def fixed_problem():
    """Start values and gradients: magnitudes from 1e-4 to 10, signs mixed, a weight whose gradient is 0 for
    the first five steps, and a gradient spike at step 10 (which AMSGrad's maximum keeps and Adam forgets)."""
    rng = np.random.RandomState(4)
    start = [np.array([1.5, -2.0, 0.75, 2.5, -1.25, 3.0]), np.array([-0.8, 1.1, 2.2])]
    scales = [np.array([1e-3, 1e-2, 0.1, 1.0, 3.0, 10.0]), np.array([0.5, 1e-4, 2.0])]
    gradients = []
    for t in range(STEPS):
        step = [s * rng.standard_normal(s.shape) for s in scales]
        if t < 5:
            step[1][0] = 0.0
        if t == 9:
            step[0][3] *= 20.0
        gradients.append(step)
    return start, gradients


def run_torch(make, start, gradients):
    params = [torch.tensor(s, dtype=torch.float64, requires_grad=True) for s in start]
    optimizer = make(params)
    trajectory = []
    for step in gradients:
        for p, g in zip(params, step):
            p.grad = torch.tensor(g, dtype=torch.float64)
        optimizer.step()
        trajectory.append(np.concatenate([p.detach().numpy().copy() for p in params]))
    return trajectory


def run_numpy(rule, start, gradients):
    """rule(theta, g, state, t) updates theta (one concatenated vector) in place; state is a dict."""
    theta = np.concatenate(start).copy()
    state = {}
    trajectory = []
    for t, step in enumerate(gradients, start=1):
        rule(theta, np.concatenate(step), state, t)
        trajectory.append(theta.copy())
    return trajectory


# --- the rules written out in numpy: keras' formulas, and torch's for the self-check ---

def adam_rule(lr, beta_1, beta_2, epsilon, convention, amsgrad=False):
    def rule(theta, g, s, t):
        m = s.setdefault("m", np.zeros_like(theta))
        v = s.setdefault("v", np.zeros_like(theta))
        m[:] = beta_1 * m + (1 - beta_1) * g
        v[:] = beta_2 * v + (1 - beta_2) * g * g
        if amsgrad:
            v_max = s.setdefault("v_max", np.zeros_like(theta))
            v_max[:] = np.maximum(v_max, v)
            v_used = v_max
        else:
            v_used = v
        if convention == "keras":  # keras: alpha = lr sqrt(1 - b2^t) / (1 - b1^t); p -= alpha m / (sqrt(v) + eps)
            alpha = lr * math.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
            theta -= alpha * m / (np.sqrt(v_used) + epsilon)
        else:  # torch / Algorithm 1: p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
            theta -= lr / (1 - beta_1 ** t) * m / (np.sqrt(v_used) / math.sqrt(1 - beta_2 ** t) + epsilon)
    return rule


def adamax_rule(lr, beta_1, beta_2, epsilon, convention):
    def rule(theta, g, s, t):
        m = s.setdefault("m", np.zeros_like(theta))
        u = s.setdefault("u", np.zeros_like(theta))
        m[:] = beta_1 * m + (1 - beta_1) * g
        if convention == "keras":  # keras: u = max(b2 u, |g|); p -= lr m / ((1 - b1^t) (u + eps))
            u[:] = np.maximum(beta_2 * u, np.abs(g))
            theta -= lr * m / ((1 - beta_1 ** t) * (u + epsilon))
        else:  # torch: u = max(b2 u, |g| + eps); p -= lr / (1 - b1^t) * m / u
            u[:] = np.maximum(beta_2 * u, np.abs(g) + epsilon)
            theta -= lr / (1 - beta_1 ** t) * m / u
    return rule


def nadam_rule(lr, beta_1, beta_2, epsilon, schedule_decay, momentum, torch_1_13_bug=False):
    def rule(theta, g, s, t):
        m = s.setdefault("m", np.zeros_like(theta))
        v = s.setdefault("v", np.zeros_like(theta))
        m[:] = beta_1 * m + (1 - beta_1) * g
        v[:] = beta_2 * v + (1 - beta_2) * g * g
        v_hat = v / (1 - beta_2 ** t)
        if momentum == "warming":  # keras 2 (Dozat): m_schedule, momentum_cache_t, momentum_cache_t_1
            mu_t = beta_1 * (1 - 0.5 * 0.96 ** (t * schedule_decay))
            mu_next = beta_1 * (1 - 0.5 * 0.96 ** ((t + 1) * schedule_decay))
            s["product"] = s.get("product", 1.0) * mu_t
            product_next = s["product"] * (mu_t if torch_1_13_bug else 1.0) * mu_next
            m_bar = (1 - mu_t) * g / (1 - s["product"]) + mu_next * m / (1 - product_next)
        else:  # constant momentum (Ruder's overview): beta_1 m_hat + (1 - beta_1) g / (1 - beta_1^t)
            m_bar = (beta_1 * m + (1 - beta_1) * g) / (1 - beta_1 ** t)
        theta -= lr * m_bar / (np.sqrt(v_hat) + epsilon)
    return rule


def max_relative_error(a, b):
    return max(float(np.max(np.abs(x - y) / np.maximum(np.abs(y), 1e-3))) for x, y in zip(a, b))


def main():
    # float64 throughout, also for the scalar state torch creates with torch.tensor(1.) (NAdam's momentum
    # product would otherwise be float32 and differ from keras' formula by about 1e-9).
    torch.set_default_dtype(torch.float64)
    start, gradients = fixed_problem()
    cases = []  # (optimizer, reference, settings, trajectory)

    def torch_case(name, settings, make):
        cases.append((name, "torch", settings, run_torch(make, start, gradients)))

    O = torch.optim
    for lr in (0.1, 0.01):
        torch_case("SGD", {"lr": lr}, lambda p, lr=lr: O.SGD(p, lr=lr))
    for lr, mu in ((0.05, 0.9), (0.01, 0.5)):
        torch_case("Momentum", {"lr": lr, "momentum": mu}, lambda p, lr=lr, mu=mu: O.SGD(p, lr=lr, momentum=mu))
    for lr, mu in ((0.05, 0.9), (0.01, 0.99)):
        torch_case("Nesterov", {"lr": lr, "momentum": mu}, lambda p, lr=lr, mu=mu: O.SGD(p, lr=lr, momentum=mu, nesterov=True))
    for lr, eps, g0 in ((0.01, 1e-7, 0.0), (0.1, 1e-10, 0.1)):
        torch_case("Adagrad", {"lr": lr, "epsilon": eps, "initial_accumulator": g0},
                   lambda p, lr=lr, eps=eps, g0=g0: O.Adagrad(p, lr=lr, eps=eps, initial_accumulator_value=g0))
    for lr, rho, eps in ((1.0, 0.95, 1e-7), (0.5, 0.9, 1e-6)):
        torch_case("Adadelta", {"lr": lr, "rho": rho, "epsilon": eps},
                   lambda p, lr=lr, rho=rho, eps=eps: O.Adadelta(p, lr=lr, rho=rho, eps=eps))
    for lr, rho, eps in ((0.001, 0.9, 1e-7), (0.01, 0.99, 1e-8)):
        torch_case("RMSprop", {"lr": lr, "rho": rho, "epsilon": eps},
                   lambda p, lr=lr, rho=rho, eps=eps: O.RMSprop(p, lr=lr, alpha=rho, eps=eps))

    # The Adam family at two settings each; the second has a large epsilon so that its place matters.
    adam_settings = ((0.001, 0.9, 0.999, 1e-7), (0.05, 0.8, 0.99, 1e-3))
    for amsgrad, name in ((False, "Adam"), (True, "AMSGrad")):
        for lr, b1, b2, eps in adam_settings:
            settings = {"lr": lr, "beta_1": b1, "beta_2": b2, "epsilon": eps}
            ours_in_torch_form = run_numpy(adam_rule(lr, b1, b2, eps, "pytorch", amsgrad), start, gradients)
            reference = run_torch(lambda p: O.Adam(p, lr=lr, betas=(b1, b2), eps=eps, amsgrad=amsgrad), start, gradients)
            check("numpy %s (torch's epsilon) vs torch" % name, ours_in_torch_form, reference)
            cases.append((name, "torch", dict(settings, convention="pytorch"), reference))
            cases.append((name, "numpy", dict(settings, convention="keras"),
                          run_numpy(adam_rule(lr, b1, b2, eps, "keras", amsgrad), start, gradients)))
    for lr, b1, b2, eps in ((0.002, 0.9, 0.999, 1e-7), (0.05, 0.8, 0.99, 1e-3)):
        settings = {"lr": lr, "beta_1": b1, "beta_2": b2, "epsilon": eps}
        reference = run_torch(lambda p: O.Adamax(p, lr=lr, betas=(b1, b2), eps=eps), start, gradients)
        check("numpy AdaMax (torch's epsilon) vs torch", run_numpy(adamax_rule(lr, b1, b2, eps, "pytorch"), start, gradients), reference)
        cases.append(("AdaMax", "torch", dict(settings, convention="pytorch"), reference))
        cases.append(("AdaMax", "numpy", dict(settings, convention="keras"),
                      run_numpy(adamax_rule(lr, b1, b2, eps, "keras"), start, gradients)))

    # Nadam: keras 2 = Dozat = torch >= 2.0; torch 1.13 (Debian 12) has the mu_t-twice bug.
    fixed = tuple(int(x) for x in torch.__version__.split(".")[:2]) >= (2, 0)
    for lr, b1, b2, eps, psi in ((0.002, 0.9, 0.999, 1e-7, 0.004), (0.05, 0.8, 0.99, 1e-3, 1.0)):
        settings = {"lr": lr, "beta_1": b1, "beta_2": b2, "epsilon": eps, "schedule_decay": psi}
        in_torch = run_torch(lambda p: O.NAdam(p, lr=lr, betas=(b1, b2), eps=eps, momentum_decay=psi), start, gradients)
        check("numpy Nadam (torch %s's form) vs torch" % torch.__version__,
              run_numpy(nadam_rule(lr, b1, b2, eps, psi, "warming", torch_1_13_bug=not fixed), start, gradients), in_torch)
        keras_form = run_numpy(nadam_rule(lr, b1, b2, eps, psi, "warming"), start, gradients)
        print("  Nadam lr=%g: torch %s differs from keras' formula by %.2e (relative)" %
              (lr, torch.__version__, max_relative_error(in_torch, keras_form)))
        cases.append(("Nadam", "numpy", dict(settings, momentum="warming"), keras_form))
        cases.append(("Nadam", "numpy", dict(settings, momentum="constant"),
                      run_numpy(nadam_rule(lr, b1, b2, eps, psi, "constant"), start, gradients)))

    # AdamW: torch.optim.AdamW, w <- w - lr weight_decay w before the Adam step (lecon: Adam or AMSGrad with
    # Convention::pytorch and a DecoupledWeightDecay observer). Torch's defaults, a large decay, and AMSGrad.
    for lr, b1, b2, eps, wd, amsgrad in ((0.001, 0.9, 0.999, 1e-8, 0.01, False), (0.05, 0.8, 0.99, 1e-3, 0.5, False),
                                         (0.01, 0.9, 0.999, 1e-8, 0.1, True)):
        settings = {"lr": lr, "beta_1": b1, "beta_2": b2, "epsilon": eps, "weight_decay": wd, "amsgrad": "yes" if amsgrad else "no"}
        torch_case("AdamW", settings, lambda p, lr=lr, b1=b1, b2=b2, eps=eps, wd=wd, amsgrad=amsgrad:
                   O.AdamW(p, lr=lr, betas=(b1, b2), eps=eps, weight_decay=wd, amsgrad=amsgrad))

    write(start, gradients, cases)
    print("wrote %s: %d cases x %d steps" % (os.path.relpath(OUT), len(cases), STEPS))


def check(what, ours, reference):
    error = max_relative_error(ours, reference)
    print("  %-45s max relative difference %.2e" % (what, error))
    if error > 1e-12:
        sys.exit("make_torch_reference.py: %s differ by %.3g: the numpy transcription is wrong" % (what, error))


def number(x):
    return repr(float(x))  # shortest text that reads back as the same double


def write(start, gradients, cases):
    lines = ["# Reference trajectories for tests/optimizers/optimizers_test.cpp, written by make_torch_reference.py.",
             "# torch %s, numpy %s, float64. Do not edit; rerun the script." % (torch.__version__, np.__version__),
             "# reference torch: torch.optim itself; numpy: keras' formula written out (see the script).",
             "shapes 6 3",
             "steps %d" % STEPS,
             "start " + " ".join(number(x) for x in np.concatenate(start))]
    for t, step in enumerate(gradients, start=1):
        lines.append("gradient %d %s" % (t, " ".join(number(x) for x in np.concatenate(step))))
    for name, reference, settings, trajectory in cases:
        lines.append("case %s %s %s" % (name, reference, " ".join(
            "%s=%s" % (k, v if isinstance(v, str) else number(v)) for k, v in settings.items())))
        for t, theta in enumerate(trajectory, start=1):
            lines.append("step %d %s" % (t, " ".join(number(x) for x in theta)))
    with open(OUT + ".tmp", "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(OUT + ".tmp", OUT)


if __name__ == "__main__":
    main()
