"""The LSTM benchmark's model in PyTorch, for benchmarks/lstm (bench_lstm runs this in the same run).

torch.nn.LSTM(d, H, batch_first=True), its last state into Linear(H, 10), softmax cross-entropy, SGD
momentum 0.9, lr 0.01, batch 64, float32, on synthetic sequences (normal inputs, random labels). Each timed
run trains a fresh model for two epochs over the same samples and times the second, as bench_lstm does.
Prints the one JSON line bench::run_torch_script reads (an LSTM on random labels has no accuracy: 0).
"""
import argparse
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
import torch_peer  # noqa: E402


class LastState(torch.nn.Module):
    def __init__(self, inputs, hidden, classes):
        super().__init__()
        self.lstm = torch.nn.LSTM(inputs, hidden, batch_first=True)
        self.dense = torch.nn.Linear(hidden, classes)

    def forward(self, x):
        _, (h, _) = self.lstm(x)
        return self.dense(h[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--inputs", type=int, required=True)
    parser.add_argument("--hidden", type=int, required=True)
    parser.add_argument("--steps", type=int, required=True)
    parser.add_argument("--samples", type=int, required=True)
    args = torch_peer.parse_common(parser, "--repeats")
    x = torch.randn(args.samples, args.steps, args.inputs)
    y = torch.randint(0, 10, (args.samples,))
    batch = 64
    rates = []
    for _ in range(args.repeats):
        model = LastState(args.inputs, args.hidden, 10)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        loss_fn = torch.nn.CrossEntropyLoss()
        for epoch in range(2):
            order = torch.randperm(args.samples)
            start = time.perf_counter()
            for first in range(0, args.samples, batch):
                idx = order[first:first + batch]
                optimizer.zero_grad(set_to_none=True)
                loss = loss_fn(model(x[idx]), y[idx])
                loss.backward()
                optimizer.step()
            seconds = time.perf_counter() - start
        rates.append(args.samples / seconds)
    torch_peer.report(rates, 0)


if __name__ == "__main__":
    main()
