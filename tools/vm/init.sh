#!/bin/busybox sh
# /init of the dnpu test initramfs (built by tools/vm/run.sh): mount the
# pseudo filesystems, load the kernel modules listed in /etc/dnpu/modules in
# order, run the commands in /etc/dnpu/tests (one per line: NAME COMMAND...)
# and report KTAP, a summary line and the exit status on the console, then
# power off. run.sh reads the DNPU-VM-* lines.
/bin/busybox mkdir -p /bin /sbin /proc /sys /dev /tmp
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tmpfs tmpfs /tmp

total=0
failed=0
n=0
ntests=0
[ -f /etc/dnpu/tests ] && ntests=$(grep -c . /etc/dnpu/tests)
nmods=0
[ -f /etc/dnpu/modules ] && nmods=$(grep -c . /etc/dnpu/modules)
echo "KTAP version 1"
echo "1..$((nmods + ntests + 1))"

if [ -f /etc/dnpu/modules ]; then
	while read -r mod args; do
		[ -n "$mod" ] || continue
		n=$((n + 1))
		if out=$(insmod "/lib/modules/$mod" $args 2>&1); then
			echo "ok $n insmod_${mod%.ko}"
		else
			echo "# $out"
			echo "not ok $n insmod_${mod%.ko}"
			failed=$((failed + 1))
		fi
	done < /etc/dnpu/modules
fi

if [ -f /etc/dnpu/tests ]; then
	while read -r name cmd; do
		[ -n "$name" ] || continue
		n=$((n + 1))
		# Indented subtest output, as KTAP nests it.
		timeout "${DNPU_TEST_TIMEOUT:-40}" sh -c "$cmd" > /tmp/out 2>&1
		rc=$?
		sed 's/^/    /' /tmp/out
		if [ $rc = 0 ]; then
			echo "ok $n $name"
		else
			echo "not ok $n $name # exit status $rc"
			failed=$((failed + 1))
		fi
	done < /etc/dnpu/tests
fi

# Whatever the tests did, the kernel must not have complained.
n=$((n + 1))
if dmesg | grep -E 'WARNING:|BUG:|Oops|general protection|Call Trace' > /tmp/splat; then
	sed 's/^/# /' /tmp/splat
	echo "not ok $n kernel_log_clean"
	failed=$((failed + 1))
else
	echo "ok $n kernel_log_clean"
fi

echo "DNPU-VM-RESULT: $n run, $failed failed"
echo "DNPU-VM-EXIT: $([ $failed = 0 ] && echo 0 || echo 1)"
sync
poweroff -f
