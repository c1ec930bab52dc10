#!/usr/bin/env python3
"""Array utilization of the CONV_2D layers of a golden model for the
weight-stationary (WS) mapping that rtl/dnpu_compute.v implements and for
an output-stationary (OS) alternative, both as computed cycle counts:

  WS: per (COLS output channels) x (ky, kx, ROWS input channels) tile:
      ROWS cycles weight preload + P pixels streamed + ROWS+COLS-1 drain.
  OS: per (ROWS pixels) x (COLS channels) tile: K = KH*KW*C reduction steps
      + ROWS+COLS-1 fill/drain + COLS cycles to unload the accumulators.

utilization = MACs / (cycles * ROWS * COLS).   usage: array_util.py model_info.json...
"""
import json
import math
import sys


def convs(path):
    sg = json.load(open(path))["subgraphs"][0]
    t = sg["tensors"]
    for op in sg["operators"]:
        if op["op"] != "CONV_2D":
            continue
        i, w, o = (t[op["inputs"][0]]["shape"], t[op["inputs"][1]]["shape"],
                   t[op["outputs"][0]]["shape"])
        yield dict(c=i[3], kh=w[1], kw=w[2], oh=o[1], ow=o[2], n=o[3])


def cycles(l, rows, cols):
    p = l["oh"] * l["ow"]
    ws = math.ceil(l["n"] / cols) * l["kh"] * l["kw"] * math.ceil(l["c"] / rows) * \
        (rows + p + rows + cols - 1)
    k = l["kh"] * l["kw"] * l["c"]
    os_ = math.ceil(p / rows) * math.ceil(l["n"] / cols) * (k + rows + cols - 1 + cols)
    return ws, os_


for path in sys.argv[1:]:
    layers = list(convs(path))
    for rows, cols in ((16, 16), (4, 4)):
        macs = ws_t = os_t = 0
        for l in layers:
            m = l["oh"] * l["ow"] * l["n"] * l["kh"] * l["kw"] * l["c"]
            ws, os_ = cycles(l, rows, cols)
            macs += m
            ws_t += ws
            os_t += os_
        print(f"{path.split('/')[-2]} {rows}x{cols}: {len(layers)} CONV_2D, {macs} MACs, "
              f"WS {100.0 * macs / (ws_t * rows * cols):.1f}% ({ws_t} cycles), "
              f"OS {100.0 * macs / (os_t * rows * cols):.1f}% ({os_t} cycles)")
