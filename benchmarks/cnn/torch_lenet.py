"""The CNN benchmark's LeNet in PyTorch, for benchmarks/cnn (bench_cnn runs this in the same run).

conv 5x5 20 -> max-pool 2 -> conv 5x5 50 -> max-pool 2 -> dense 500 ReLU -> dense 10, softmax
cross-entropy, SGD momentum 0.9, lr 0.01, batch 64, float32, one epoch over the MNIST training set per
timed run; the loop and the JSON answer are in ../common/torch_peer.py.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
import torch_peer  # noqa: E402


def lenet():
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 20, 5), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(20, 50, 5), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(800, 500), torch.nn.ReLU(), torch.nn.Linear(500, 10))


if __name__ == "__main__":
    torch_peer.run(lenet, (1, 28, 28), lr=0.01, batch=64)
