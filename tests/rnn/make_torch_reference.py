#!/usr/bin/python3
"""Reference values for tests/rnn/rnn_test.cpp: torch.nn.LSTM and torch.nn.GRU in double precision.

Run once, with Debian's python3-torch (1.13):  /usr/bin/python3 tests/rnn/make_torch_reference.py
It writes tests/rnn/torch_reference.txt, which is committed; the tests never run Python.

For each case: the input x (n, T, d, batch_first), PyTorch's initial weights (weight_ih_l0, weight_hh_l0,
bias_ih_l0, bias_hh_l0, in PyTorch's gate order: LSTM i, f, g, o; GRU r, z, n), the outputs, a random
r, and the gradients of L = sum(r * output) with respect to x and every parameter.
  lstm, gru:        output = the whole sequence (n, T, H)
  lstm_packed,
  gru_packed:       sequences of lengths 7, 4, 2 (pack_padded_sequence); output = h_n (n, H), each
                    sequence's state at its own last step, what lecon's masked many-to-one layer returns.
File format: one array per line, "name dims values...", dims comma-separated, values in C order.
"""
import os

import torch

torch.manual_seed(14)
n, T, d, H = 3, 7, 3, 4
lengths = [7, 4, 2]
lines = []


def put(name, tensor):
    t = tensor.detach().contiguous().to(torch.float64)
    dims = ",".join(str(s) for s in t.shape)
    lines.append(name + " " + dims + " " + " ".join(repr(float(v)) for v in t.flatten().tolist()))


for cell in ("lstm", "gru"):
    for packed in (False, True):
        module = (torch.nn.LSTM if cell == "lstm" else torch.nn.GRU)(d, H, batch_first=True).double()
        x = torch.randn(n, T, d, dtype=torch.float64, requires_grad=True)
        if packed:
            sequence = torch.nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
            _, state = module(sequence)
            out = (state[0] if cell == "lstm" else state)[0]  # h_n of the one layer: (n, H)
        else:
            out, _ = module(x)
        r = torch.randn(out.shape, dtype=torch.float64)
        (r * out).sum().backward()
        case = cell + ("_packed" if packed else "")
        put(case + "/x", x)
        for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
            put(case + "/" + name[:-3], getattr(module, name))
        put(case + "/output", out)
        put(case + "/r", r)
        put(case + "/grad_x", x.grad)
        for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
            put(case + "/grad_" + name[:-3], getattr(module, name).grad)

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_reference.txt")
with open(path, "w") as f:
    f.write("# torch " + torch.__version__ + ", made by tests/rnn/make_torch_reference.py (float64)\n")
    f.write("\n".join(lines) + "\n")
print("wrote", path, len(lines), "arrays")
