"""The MLP benchmark's model in PyTorch, for benchmarks/mlp (bench_mlp runs this in the same run).

784-512-512-10 ReLU, softmax cross-entropy, SGD momentum 0.9, lr 0.05, batch 128, float32, one epoch
over the MNIST training set per timed run; the loop and the JSON answer are in ../common/torch_peer.py.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
import torch_peer  # noqa: E402


def mlp():
    return torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 512),
                               torch.nn.ReLU(), torch.nn.Linear(512, 10))


if __name__ == "__main__":
    torch_peer.run(mlp, (784,), lr=0.05, batch=128)
