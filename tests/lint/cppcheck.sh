#!/bin/sh
# cppcheck over the userspace C: libaccel, the simulators (C model, co-sim
# daemon), tools, and the firmware code that also builds on the host.
# Warnings and errors fail; tests/lint/cppcheck-suppressions.txt lists the
# reviewed false positives. usage: cppcheck.sh SOURCE_DIR  (77 = skipped)
set -u
src=${1:?usage: cppcheck.sh SOURCE_DIR}
command -v cppcheck >/dev/null || { echo "cppcheck missing: skip"; exit 77; }
cd "$src" || exit 2
exec cppcheck -q -j2 --enable=warning,portability --std=c11 \
	--error-exitcode=1 --inline-suppr \
	--suppressions-list=tests/lint/cppcheck-suppressions.txt \
	--template='{file}:{line}: {severity}:{id}: {message}' \
	-D__GNUC__ -Iuapi -Iuapi/drm -Ilibaccel/include -Ilibaccel/src \
	libaccel/src sim/cmodel sim/cosim tools firmware/fw.c firmware/string.c firmware/soft_seq.c \
	tests/firmware
