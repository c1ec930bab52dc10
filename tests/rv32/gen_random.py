#!/usr/bin/env python3
"""Write a random RV32IM test program (for comparing the RTL core with qemu).

    gen_random.py SEED COUNT OUT.S

Registers start from corner-biased random values; COUNT random instructions
follow (register/immediate ALU, M extension, LUI/AUIPC, loads/stores of
every width at aligned offsets into a buffer, forward branches and jumps);
then every register and the buffer go to the signature. x29 holds the
buffer base, t5/t6 (x30/x31) belong to the test frame. The same SEED always
gives the same program.
"""
import random
import sys

seed, count, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = random.Random(seed)
REGS = list(range(1, 29))           # x29 = buffer, x30/x31 = frame
CORNER = [0, 1, 2, 0xFFFFFFFF, 0x80000000, 0x7FFFFFFF, 0xFFFFFFFE, 0x80000001,
          31, 32, 33, 0x0000FFFF, 0xFFFF0000, 0x00008000]


def value():
    if rng.random() < 0.4:
        return rng.choice(CORNER)
    return rng.getrandbits(32)


def reg():
    return "x%d" % rng.choice(REGS)


R_OPS = ["add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and",
         "mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu"]
I_OPS = ["addi", "slti", "sltiu", "xori", "ori", "andi"]
SH_OPS = ["slli", "srli", "srai"]
LOADS = [("lb", 1), ("lbu", 1), ("lh", 2), ("lhu", 2), ("lw", 4)]
STORES = [("sb", 1), ("sh", 2), ("sw", 4)]
BRANCHES = ["beq", "bne", "blt", "bge", "bltu", "bgeu"]

lines = ['#include "test_macros.h"', "TEST_BEGIN", "\tla x29, rbuf"]
for r in REGS:
    lines.append("\tli x%d, 0x%08x" % (r, value()))
label = 0
pending = []                       # (instructions left, label) for branches


def emit(s):
    lines.append("\t" + s)
    for p in pending:
        p[0] -= 1
    while pending and pending[0][0] <= 0:
        lines.append("%d:" % pending.pop(0)[1])


for _ in range(count):
    k = rng.random()
    if k < 0.40:
        emit("%s %s, %s, %s" % (rng.choice(R_OPS), reg(), reg(), reg()))
    elif k < 0.55:
        emit("%s %s, %s, %d" % (rng.choice(I_OPS), reg(), reg(),
                                rng.randint(-2048, 2047)))
    elif k < 0.62:
        emit("%s %s, %s, %d" % (rng.choice(SH_OPS), reg(), reg(), rng.randint(0, 31)))
    elif k < 0.65:
        emit("%s %s, 0x%x" % (rng.choice(["lui", "auipc"]), reg(), rng.getrandbits(20)))
    elif k < 0.77:
        op, size = rng.choice(LOADS)
        emit("%s %s, %d(x29)" % (op, reg(), size * rng.randint(0, 255 // size)))
    elif k < 0.87:
        op, size = rng.choice(STORES)
        emit("%s %s, %d(x29)" % (op, reg(), size * rng.randint(0, 255 // size)))
    elif not pending:
        label += 1
        skip = rng.randint(1, 4)
        if rng.random() < 0.8:
            emit("%s %s, %s, %df" % (rng.choice(BRANCHES), reg(), reg(), label))
        else:
            emit("jal %s, %df" % (reg(), label))
        pending.append([skip, label])
while pending:
    lines.append("%d:" % pending.pop(0)[1])
for r in REGS:
    lines.append("\tSIG(x%d)" % r)
lines.append("\tla a0, rbuf")
lines.append("\tli a1, 64")
lines.append("99:\tlw a2, 0(a0); SIG(a2); addi a0, a0, 4; addi a1, a1, -1; bnez a1, 99b")
lines.append("TEST_END")
lines.append("\t.section .data")
lines.append("\t.balign 16")
lines.append("rbuf:")
for _ in range(64):
    lines.append("\t.word 0x%08x" % rng.getrandbits(32))
with open(out, "w") as f:
    f.write("\n".join(lines) + "\n")
