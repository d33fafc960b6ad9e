"""The MLP benchmark's model in PyTorch, for benchmarks/mlp (bench_mlp runs this in the same run).

784-512-512-10 ReLU, softmax cross-entropy, SGD momentum 0.9, lr 0.05, batch 128, float32, one epoch
over the MNIST training set; prints one line: samples/s of each timed epoch and the test accuracy
after the first epoch. Reads the idx files that `make data` downloaded.
"""
import argparse
import json
import time

import numpy as np
import torch


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mnist", required=True, help="directory with the four idx files")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs (the median is taken by the caller)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    x_train = torch.from_numpy(read_idx(args.mnist + "/train-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255)
    y_train = torch.from_numpy(read_idx(args.mnist + "/train-labels-idx1-ubyte").astype(np.int64))
    x_test = torch.from_numpy(read_idx(args.mnist + "/t10k-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255)
    y_test = torch.from_numpy(read_idx(args.mnist + "/t10k-labels-idx1-ubyte").astype(np.int64))

    rates, accuracy = [], None
    for epoch in range(args.epochs):
        model = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 512),
                                    torch.nn.ReLU(), torch.nn.Linear(512, 10))
        optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        loss_fn = torch.nn.CrossEntropyLoss()
        order = torch.randperm(x_train.shape[0])
        start = time.perf_counter()
        for first in range(0, x_train.shape[0], 128):
            idx = order[first:first + 128]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x_train[idx]), y_train[idx])
            loss.backward()
            optimizer.step()
        rates.append(x_train.shape[0] / (time.perf_counter() - start))
        if accuracy is None:
            with torch.no_grad():
                accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()
    print(json.dumps({"rates": rates, "accuracy": accuracy, "torch": torch.__version__,
                      "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
