"""The PyTorch side of a training benchmark, shared by benchmarks/*/torch_*.py.

A benchmark's script defines its model and calls run(); run() parses --mnist/--threads/--epochs/--seed,
trains a fresh model for one epoch over the MNIST training set per timed run (SGD momentum 0.9, softmax
cross-entropy, float32), and prints the one JSON line the C++ side reads (bench::run_torch_peer):
samples/s of each run, test accuracy after the first, the process's peak resident memory, the torch
version and thread count. Reads the idx files that `make data` downloaded.
"""
import argparse
import json
import resource
import time

import numpy as np
import torch


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def read_images(path, sample_shape):
    return torch.from_numpy(read_idx(path).reshape(-1, *sample_shape).astype(np.float32) / 255)


def read_labels(path):
    return torch.from_numpy(read_idx(path).astype(np.int64))


def parse_common(parser, runs_flag="--epochs"):
    """Adds --threads, the number of timed runs (runs_flag) and --seed to parser, parses the command line, and
    sets torch up as every peer does: the thread count, subnormals flushed to zero (as lecon's programs do,
    lecon/core/parallel.hpp: both sides under the same rules) and the seed. Returns the parsed arguments."""
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(runs_flag, type=int, default=3, help="timed runs (the median is taken by the caller)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)
    torch.manual_seed(args.seed)
    return args


def report(rates, accuracy, **numbers):
    """Prints the one JSON line bench::run_torch_script reads: samples/s of each timed run, the accuracy (0 where
    the task has none), further numbers by name, the peak resident memory, the torch version and thread count."""
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rates": rates, "accuracy": accuracy, **numbers, "peak_mib": peak_mib, "torch": torch.__version__,
                      "threads": torch.get_num_threads()}))


def run(build_model, sample_shape, lr, batch):
    """build_model(): a fresh torch.nn.Module; sample_shape: one image's shape, (784,) or (1, 28, 28)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--mnist", required=True, help="directory with the four idx files")
    args = parse_common(parser)
    x_train = read_images(args.mnist + "/train-images-idx3-ubyte", sample_shape)
    y_train = read_labels(args.mnist + "/train-labels-idx1-ubyte")
    x_test = read_images(args.mnist + "/t10k-images-idx3-ubyte", sample_shape)
    y_test = read_labels(args.mnist + "/t10k-labels-idx1-ubyte")

    rates, accuracy = [], None
    for epoch in range(args.epochs):
        model = build_model()
        optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
        loss_fn = torch.nn.CrossEntropyLoss()
        order = torch.randperm(x_train.shape[0])
        start = time.perf_counter()
        for first in range(0, x_train.shape[0], batch):
            idx = order[first:first + batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x_train[idx]), y_train[idx])
            loss.backward()
            optimizer.step()
        rates.append(x_train.shape[0] / (time.perf_counter() - start))
        if accuracy is None:
            with torch.no_grad():
                correct = sum((model(x_test[i:i + 1000]).argmax(1) == y_test[i:i + 1000]).sum().item()
                              for i in range(0, x_test.shape[0], 1000))
            accuracy = correct / x_test.shape[0]
    report(rates, accuracy)
