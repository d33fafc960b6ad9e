"""The CNN benchmark's LeNet in PyTorch, for benchmarks/cnn (bench_cnn runs this in the same run).

conv 5x5 20 -> max-pool 2 -> conv 5x5 50 -> max-pool 2 -> dense 500 ReLU -> dense 10, softmax
cross-entropy, SGD momentum 0.9, lr 0.01, batch 64, float32, one epoch over the MNIST training set per
timed run (fresh weights each time). Prints one JSON line: samples/s of each run, test accuracy after
the first, and the process's peak resident memory. Reads the idx files that `make data` downloaded.
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


def lenet():
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 20, 5), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(20, 50, 5), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(800, 500), torch.nn.ReLU(), torch.nn.Linear(500, 10))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mnist", required=True, help="directory with the four idx files")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs (the median is taken by the caller)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    x_train = torch.from_numpy(read_idx(args.mnist + "/train-images-idx3-ubyte").reshape(-1, 1, 28, 28).astype(np.float32) / 255)
    y_train = torch.from_numpy(read_idx(args.mnist + "/train-labels-idx1-ubyte").astype(np.int64))
    x_test = torch.from_numpy(read_idx(args.mnist + "/t10k-images-idx3-ubyte").reshape(-1, 1, 28, 28).astype(np.float32) / 255)
    y_test = torch.from_numpy(read_idx(args.mnist + "/t10k-labels-idx1-ubyte").astype(np.int64))

    rates, accuracy = [], None
    for epoch in range(args.epochs):
        model = lenet()
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        loss_fn = torch.nn.CrossEntropyLoss()
        order = torch.randperm(x_train.shape[0])
        start = time.perf_counter()
        for first in range(0, x_train.shape[0], 64):
            idx = order[first:first + 64]
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
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rates": rates, "accuracy": accuracy, "peak_mib": peak_mib, "torch": torch.__version__,
                      "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
