#!/bin/sh
# Guest: two processes run golden models through the drm backend at the same
# time (each its own context, BOs and syncobj on the one device); both must
# stay bit-exact.   two_clients.sh DIR MODEL_A MODEL_B
dir=$1
/tests/vmdrm_golden "$dir" "$2" > /tmp/client_a.log 2>&1 &
a=$!
/tests/vmdrm_golden "$dir" "$3" > /tmp/client_b.log 2>&1
rb=$?
wait "$a"
ra=$?
sed 's/^/a: /' /tmp/client_a.log
sed 's/^/b: /' /tmp/client_b.log
[ "$ra" = 0 ] && [ "$rb" = 0 ]
