"""The CNN benchmark's CIFAR network in PyTorch, for benchmarks/cnn (bench_cnn runs this in the same run).

cuda-convnet layers-18pct as lecon's cifar_18pct builds it (modules/cnn/include/lecon/cnn/cifar_net.hpp):
conv 5x5 32 pad 2 -> max-pool 3/2 -> ReLU -> conv 5x5 32 pad 2 -> ReLU -> avg-pool 3/2 -> conv 5x5 64 pad 2
-> ReLU -> avg-pool 3/2 -> dense 10, softmax cross-entropy, SGD momentum 0.9, float32. The images are
synthetic (uniform in [0, 1), random labels; a speed benchmark needs no real pictures), as on lecon's side.
Prints one JSON line: samples/s of each timed epoch (a fresh model each), the peak resident memory, the
torch version and thread count.
"""
import argparse
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
import torch_peer  # noqa: E402


def cifar_18pct():
    return torch.nn.Sequential(
        torch.nn.Conv2d(3, 32, 5, padding=2), torch.nn.MaxPool2d(3, 2), torch.nn.ReLU(),
        torch.nn.Conv2d(32, 32, 5, padding=2), torch.nn.ReLU(), torch.nn.AvgPool2d(3, 2),
        torch.nn.Conv2d(32, 64, 5, padding=2), torch.nn.ReLU(), torch.nn.AvgPool2d(3, 2),
        torch.nn.Flatten(), torch.nn.Linear(64 * 3 * 3, 10))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=6400)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--lr", type=float, default=0.01)
    args = torch_peer.parse_common(parser)
    x = torch.rand(args.samples, 3, 32, 32)
    y = torch.randint(0, 10, (args.samples,))
    rates = []
    for _ in range(args.epochs):
        model = cifar_18pct()
        optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
        loss_fn = torch.nn.CrossEntropyLoss()
        order = torch.randperm(args.samples)
        start = time.perf_counter()
        for first in range(0, args.samples, args.batch):
            idx = order[first:first + args.batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            optimizer.step()
        rates.append(args.samples / (time.perf_counter() - start))
    torch_peer.report(rates, 0)


if __name__ == "__main__":
    main()
