"""The RBM benchmark's training in PyTorch tensor operations, for benchmarks/rbm (bench_rbm runs it in the same run).

CD-1 of a 784-500 binary RBM on the MNIST training images (intensities in [0, 1] as the visible
probabilities), batch 100, float32, lr 0.1 for W and both biases, momentum 0.5 (the first epochs of
Hinton & Salakhutdinov 2006), weight cost 2e-4 on W: the same algorithm as lecon's ContrastiveDivergence
(hidden states sampled in the positive phase, probabilities everywhere else). One epoch per timed run,
each from fresh weights. Prints the one JSON line bench::run_torch_peer reads; an RBM has no accuracy, so
"accuracy" is 0 and the test reconstruction error (sum of squares per image, one mean-field up-down pass)
is "reconstruction_error".
"""
import argparse
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
import torch_peer  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mnist", required=True, help="directory with the four idx files")
    args = torch_peer.parse_common(parser)
    x = torch_peer.read_images(args.mnist + "/train-images-idx3-ubyte", (784,))
    x_test = torch_peer.read_images(args.mnist + "/t10k-images-idx3-ubyte", (784,))
    lr, momentum, weight_cost, batch = 0.1, 0.5, 2e-4, 100

    rates, error = [], None
    with torch.no_grad():
        for epoch in range(args.epochs):
            W = torch.randn(500, 784) * 0.01
            b = torch.zeros(784)
            c = torch.zeros(500)
            vW, vb, vc = torch.zeros_like(W), torch.zeros_like(b), torch.zeros_like(c)
            order = torch.randperm(x.shape[0])
            start = time.perf_counter()
            for first in range(0, x.shape[0], batch):
                v0 = x[order[first:first + batch]]
                n = v0.shape[0]
                h0 = torch.sigmoid(torch.addmm(c, v0, W.t()))           # p(h | v0)
                h0_states = torch.bernoulli(h0)                          # h ~ p(h | v0)
                v1 = torch.sigmoid(torch.addmm(b, h0_states, W))         # p(v | h)
                h1 = torch.sigmoid(torch.addmm(c, v1, W.t()))           # p(h | v1)
                gW = torch.addmm(W, h1.t(), v1, beta=weight_cost, alpha=1.0 / n)
                gW.addmm_(h0.t(), v0, alpha=-1.0 / n)                    # −(<h v>_data − <h v>_1)/n + λW
                gb = (v1.sum(0) - v0.sum(0)) / n
                gc = (h1.sum(0) - h0.sum(0)) / n
                vW.mul_(momentum).add_(gW, alpha=-lr)
                vb.mul_(momentum).add_(gb, alpha=-lr)
                vc.mul_(momentum).add_(gc, alpha=-lr)
                W.add_(vW)
                b.add_(vb)
                c.add_(vc)
            rates.append(x.shape[0] / (time.perf_counter() - start))
            if error is None:
                r = torch.sigmoid(torch.addmm(b, torch.sigmoid(torch.addmm(c, x_test, W.t())), W))
                error = ((x_test - r) ** 2).sum().item() / x_test.shape[0]
    torch_peer.report(rates, 0.0, reconstruction_error=error)


if __name__ == "__main__":
    main()
