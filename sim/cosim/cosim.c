// SPDX-License-Identifier: MIT
#include "cosim.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "dnpu_hw.h"

/* Re-check the mailbox this often even without a doorbell, so a ring the
 * guest sent before the eventfds were wired up cannot wedge it. */
#define IDLE_POLL_MS		20
#define MAX_DEVICE_OPTS		32

static void logmsg(const struct cosim *c, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void logmsg(const struct cosim *c, int level, const char *fmt, ...)
{
	struct timespec ts;
	va_list ap;

	if (c->verbose < level)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	fprintf(stderr, "dnpu-cosim[%ld.%03ld]: ", (long)ts.tv_sec,
		ts.tv_nsec / 1000000);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static const char *reg_name(uint32_t off)
{
	static const struct { uint32_t off; const char *name; } regs[] = {
		{ DNPU_REG_ID, "ID" }, { DNPU_REG_VERSION, "VERSION" },
		{ DNPU_REG_CAPS, "CAPS" }, { DNPU_REG_FEATURES, "FEATURES" },
		{ DNPU_REG_CONTROL, "CONTROL" }, { DNPU_REG_STATUS, "STATUS" },
		{ DNPU_REG_FW_VERSION, "FW_VERSION" },
		{ DNPU_REG_HEARTBEAT, "HEARTBEAT" },
		{ DNPU_REG_DOORBELL, "DOORBELL" },
		{ DNPU_REG_IRQ_STATUS, "IRQ_STATUS" },
		{ DNPU_REG_IRQ_MASK, "IRQ_MASK" },
		{ DNPU_REG_RING_BASE_LO, "RING_BASE_LO" },
		{ DNPU_REG_RING_BASE_HI, "RING_BASE_HI" },
		{ DNPU_REG_RING_SIZE, "RING_SIZE" },
		{ DNPU_REG_RING_HEAD, "RING_HEAD" },
		{ DNPU_REG_RING_TAIL, "RING_TAIL" },
		{ DNPU_REG_DONE_SEQNO, "DONE_SEQNO" },
		{ DNPU_REG_FAULT_SEQNO, "FAULT_SEQNO" },
		{ DNPU_REG_FAULT_CAUSE, "FAULT_CAUSE" },
		{ DNPU_REG_FW_ERROR, "FW_ERROR" },
		{ DNPU_REG_FW_ADDR, "FW_ADDR" }, { DNPU_REG_FW_DATA, "FW_DATA" },
		{ DNPU_REG_SCRATCH, "SCRATCH" },
	};
	size_t i;

	for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		if (regs[i].off == off)
			return regs[i].name;
	return "";
}

/* DMA goes through here so refusals are counted and logged. */
static int bus_read(void *ctx, uint64_t addr, void *dst, size_t len)
{
	struct cosim *c = ctx;

	if (guest_mem_read(&c->mem, addr, dst, len) == 0) {
		logmsg(c, 3, "DMA rd 0x%" PRIx64 " + %zu", addr, len);
		return 0;
	}
	c->stats.dma_errors++;
	logmsg(c, 1, "DMA read refused: 0x%" PRIx64 " + %zu is not guest RAM",
	       addr, len);
	return -1;
}

static int bus_write(void *ctx, uint64_t addr, const void *src, size_t len)
{
	struct cosim *c = ctx;

	if (guest_mem_write(&c->mem, addr, src, len) == 0) {
		logmsg(c, 3, "DMA wr 0x%" PRIx64 " + %zu", addr, len);
		return 0;
	}
	c->stats.dma_errors++;
	logmsg(c, 1, "DMA write refused: 0x%" PRIx64 " + %zu is not guest RAM",
	       addr, len);
	return -1;
}

static void mbox_publish(struct cosim *c)
{
	struct dnpu_cosim_mbox *mb = c->srv.shm;

	memset(mb, 0, sizeof(*mb));
	mb->version = DNPU_COSIM_VERSION;
	mb->daemon_peer_id = IVSHMEM_DAEMON_PEER_ID;
	/* magic last: the guest treats it as "the rest is valid" */
	__atomic_store_n(&mb->magic, DNPU_COSIM_MAGIC, __ATOMIC_RELEASE);
}

int cosim_init(struct cosim *c, const struct cosim_options *o, char *err,
	       size_t errlen)
{
	int ret;

	memset(c, 0, sizeof(*c));
	c->verbose = o->verbose;
	c->ops = o->device;
	c->run_budget = o->run_budget;
	c->bus.ctx = c;
	c->bus.read = bus_read;
	c->bus.write = bus_write;

	if (o->guest_ram) {
		ret = guest_mem_open(&c->mem, o->guest_ram, o->lowmem);
		if (ret) {
			snprintf(err, errlen, "guest RAM %s: %s", o->guest_ram,
				 strerror(-ret));
			return -1;
		}
	}
	ret = ivshmem_server_init(&c->srv, o->socket_path, DNPU_COSIM_SHM_SIZE,
				  o->vectors ? o->vectors : 1);
	if (ret) {
		snprintf(err, errlen, "socket %s: %s", o->socket_path,
			 strerror(-ret));
		guest_mem_close(&c->mem);
		return -1;
	}
	c->dev = c->ops->create(&c->bus, o->device_opts, err, errlen);
	if (!c->dev) {
		ivshmem_server_fini(&c->srv);
		guest_mem_close(&c->mem);
		return -1;
	}
	mbox_publish(c);
	/* A device may come out of reset with work queued (firmware boot). */
	c->dev_busy = true;
	logmsg(c, 1, "device %s, guest RAM %s (%" PRIu64 " MiB), listening on %s",
	       c->ops->name, o->guest_ram ? o->guest_ram : "(none)",
	       c->mem.size >> 20, o->socket_path);
	return 0;
}

void cosim_fini(struct cosim *c)
{
	if (c->dev)
		c->ops->destroy(c->dev);
	c->dev = NULL;
	ivshmem_server_fini(&c->srv);
	guest_mem_close(&c->mem);
}

void cosim_update_irq(struct cosim *c, bool rearm)
{
	bool line = c->ops->irq_line(c->dev);

	/*
	 * The device line is level-triggered, the guest's MSI-X vector is an
	 * edge: signal on a rising edge, and again when the guest acked or
	 * unmasked while the line stayed high, so no event is lost.
	 */
	if (line && (!c->irq_line || rearm) && c->srv.client_fd >= 0) {
		if (ivshmem_server_notify_guest(&c->srv, 0) == 0) {
			c->stats.irqs++;
			logmsg(c, 1, "interrupt -> guest (vector 0)");
		}
	}
	c->irq_line = line;
}

static bool is_irq_reg(uint32_t off)
{
	return off == DNPU_REG_IRQ_STATUS || off == DNPU_REG_IRQ_MASK;
}

unsigned int cosim_service_mailbox(struct cosim *c)
{
	struct dnpu_cosim_mbox *mb = c->srv.shm;
	unsigned int handled = 0;
	uint32_t req, op, off, val, status;

	for (;;) {
		req = __atomic_load_n(&mb->req_seq, __ATOMIC_ACQUIRE);
		if (req == __atomic_load_n(&mb->resp_seq, __ATOMIC_RELAXED))
			break;
		op = __atomic_load_n(&mb->op, __ATOMIC_RELAXED);
		off = __atomic_load_n(&mb->offset, __ATOMIC_RELAXED);
		val = __atomic_load_n(&mb->value, __ATOMIC_RELAXED);
		status = DNPU_COSIM_STATUS_OK;

		if (op != DNPU_COSIM_OP_READ && op != DNPU_COSIM_OP_WRITE)
			status = DNPU_COSIM_STATUS_BAD_OP;
		else if ((off & 3u) || off >= DNPU_MMIO_SIZE ||
			 (op == DNPU_COSIM_OP_READ ?
			  c->ops->mmio_read(c->dev, off, &val) :
			  c->ops->mmio_write(c->dev, off, val)))
			status = DNPU_COSIM_STATUS_BAD_OFFSET;
		if (op != DNPU_COSIM_OP_READ || status != DNPU_COSIM_STATUS_OK)
			val = __atomic_load_n(&mb->value, __ATOMIC_RELAXED);

		logmsg(c, 2, "#%u %s 0x%03x %-12s = 0x%08x%s", req,
		       op == DNPU_COSIM_OP_READ ? "rd" :
		       op == DNPU_COSIM_OP_WRITE ? "wr" : "??", off,
		       reg_name(off), val,
		       status == DNPU_COSIM_STATUS_OK ? "" : " (refused)");
		__atomic_store_n(&mb->value, val, __ATOMIC_RELAXED);
		__atomic_store_n(&mb->status, status, __ATOMIC_RELAXED);
		__atomic_store_n(&mb->resp_seq, req, __ATOMIC_RELEASE);

		c->stats.requests++;
		if (status != DNPU_COSIM_STATUS_OK)
			c->stats.bad_requests++;
		handled++;
		if (op == DNPU_COSIM_OP_WRITE && status == DNPU_COSIM_STATUS_OK) {
			/* a write may start work (doorbell, reset, run) */
			c->dev_busy = true;
			cosim_update_irq(c, is_irq_reg(off));
		}
	}
	return handled;
}

int cosim_step(struct cosim *c, int timeout_ms)
{
	struct pollfd pfd[2 + IVSHMEM_MAX_VECTORS];
	unsigned int n = 0, i, first_bell;
	bool guest_gone = false;
	char junk[64];
	int ret;

	if (c->dev_busy)
		timeout_ms = 0;
	else if (c->srv.client_fd >= 0 &&
		 (timeout_ms < 0 || timeout_ms > IDLE_POLL_MS))
		timeout_ms = IDLE_POLL_MS;

	if (c->srv.client_fd < 0)
		pfd[n++] = (struct pollfd){ .fd = c->srv.listen_fd,
					    .events = POLLIN };
	else
		pfd[n++] = (struct pollfd){ .fd = c->srv.client_fd,
					    .events = POLLIN };
	first_bell = n;
	for (i = 0; i < c->srv.vectors; i++)
		pfd[n++] = (struct pollfd){ .fd = c->srv.doorbell_fd[i],
					    .events = POLLIN };

	ret = poll(pfd, n, timeout_ms);
	if (ret < 0)
		return errno == EINTR ? COSIM_RUNNING : -errno;

	if (c->srv.client_fd < 0 && (pfd[0].revents & POLLIN)) {
		ret = ivshmem_server_accept(&c->srv);
		if (ret) {
			logmsg(c, 0, "guest setup failed: %s", strerror(-ret));
		} else {
			c->guest_seen = true;
			logmsg(c, 1, "guest connected (peer %u, daemon peer %u)",
			       IVSHMEM_GUEST_PEER_ID, IVSHMEM_DAEMON_PEER_ID);
		}
	} else if (c->srv.client_fd >= 0 && pfd[0].revents) {
		/* QEMU never sends anything: readable means EOF or error. */
		ssize_t r = recv(c->srv.client_fd, junk, sizeof(junk),
				 MSG_DONTWAIT);

		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR) ||
		    (pfd[0].revents & (POLLHUP | POLLERR)))
			guest_gone = true;
	}
	for (i = 0; i < c->srv.vectors; i++)
		if (pfd[first_bell + i].revents & POLLIN)
			c->stats.doorbells +=
				(uint64_t)ivshmem_server_take_doorbells(&c->srv, i);

	cosim_service_mailbox(c);
	if (c->dev_busy)
		c->dev_busy = c->ops->run(c->dev, c->run_budget);
	cosim_update_irq(c, false);

	if (guest_gone) {
		logmsg(c, 1, "guest disconnected");
		ivshmem_server_drop_client(&c->srv);
		return COSIM_GUEST_GONE;
	}
	return COSIM_RUNNING;
}

/* ------------------------------------------------------------------ */
/* Command line                                                        */
/* ------------------------------------------------------------------ */

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void usage(FILE *f, const char *prog,
		  const struct cosim_device_ops *const *devices)
{
	size_t i;

	fprintf(f,
"Usage: %s --socket PATH [--guest-ram FILE] [options]\n"
"dnpu co-simulation daemon: an ivshmem server for one QEMU guest that\n"
"answers the dnpu register mailbox in the ivshmem BAR2 with a simulated\n"
"device, performs the device's DMA in guest RAM and raises the guest's\n"
"ivshmem vector 0 when the device interrupts. Exits when QEMU disconnects.\n"
"\n"
"  -s, --socket PATH      UNIX socket to listen on (QEMU: -chardev\n"
"                         socket,path=PATH,id=ivs -device\n"
"                         ivshmem-doorbell,chardev=ivs,vectors=N)\n"
"  -m, --guest-ram FILE   guest RAM file (QEMU: -object memory-backend-file,\n"
"                         id=mem,mem-path=FILE,size=...,share=on -machine\n"
"                         q35,memory-backend=mem); without it DMA is refused\n"
"      --lowmem BYTES     guest RAM below 4 GiB (default: the q35 rule)\n"
"  -d, --device NAME      device model (default %s):\n",
		prog, devices[0] ? devices[0]->name : "(none)");
	for (i = 0; devices[i]; i++)
		fprintf(f, "                           %-8s %s\n", devices[i]->name,
			devices[i]->summary);
	fprintf(f,
"  -o, --device-opt K=V   option for the device model (repeatable)\n"
"  -n, --vectors N        ivshmem vectors, must equal QEMU's (default 1)\n"
"      --budget N         device work per slice (cycles or jobs; default:\n"
"                         the device's own)\n"
"  -v, --verbose          log events; -vv: every register access;\n"
"                         -vvv: every DMA transfer too\n"
"  -h, --help             this text\n"
"Exit status: 0 after the guest disconnected or on SIGTERM/SIGINT,\n"
"1 on errors, 2 on bad usage.\n");
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno || end == s || *end || s[0] == '-' ? -1 : 0;
}

int cosim_main(int argc, char **argv,
	       const struct cosim_device_ops *const *devices)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "guest-ram", required_argument, NULL, 'm' },
		{ "lowmem", required_argument, NULL, 'L' },
		{ "device", required_argument, NULL, 'd' },
		{ "device-opt", required_argument, NULL, 'o' },
		{ "vectors", required_argument, NULL, 'n' },
		{ "budget", required_argument, NULL, 'B' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dev_opts[MAX_DEVICE_OPTS + 1] = { NULL };
	struct cosim_options o = { .vectors = 1, .device = devices[0] };
	struct sigaction sa = { .sa_handler = on_signal };
	const char *prog = argv[0];
	unsigned int ndev_opts = 0;
	struct cosim c;
	char err[256] = "";
	uint64_t v;
	size_t i;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "s:m:d:o:n:vh", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 's':
			o.socket_path = optarg;
			break;
		case 'm':
			o.guest_ram = optarg;
			break;
		case 'L':
			if (parse_u64(optarg, &o.lowmem))
				goto bad_usage;
			break;
		case 'd':
			o.device = NULL;
			for (i = 0; devices[i]; i++)
				if (strcmp(devices[i]->name, optarg) == 0)
					o.device = devices[i];
			if (!o.device) {
				fprintf(stderr, "%s: unknown device '%s'\n",
					prog, optarg);
				goto bad_usage;
			}
			break;
		case 'o':
			if (ndev_opts == MAX_DEVICE_OPTS)
				goto bad_usage;
			dev_opts[ndev_opts++] = optarg;
			break;
		case 'n':
			if (parse_u64(optarg, &v) || v == 0 ||
			    v > IVSHMEM_MAX_VECTORS)
				goto bad_usage;
			o.vectors = (unsigned int)v;
			break;
		case 'B':
			if (parse_u64(optarg, &v) || v == 0)
				goto bad_usage;
			o.run_budget = v;
			break;
		case 'v':
			o.verbose++;
			break;
		case 'h':
			usage(stdout, prog, devices);
			return 0;
		default:
			goto bad_usage;
		}
	}
	if (optind != argc || !o.socket_path || !o.device) {
		if (!o.device)
			fprintf(stderr, "%s: no device model built in\n", prog);
		goto bad_usage;
	}
	o.device_opts = dev_opts;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		perror("signal(SIGPIPE)");

	if (cosim_init(&c, &o, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return 1;
	}
	/* Harnesses wait for this line before starting QEMU. */
	printf("dnpu-cosim: listening on %s\n", o.socket_path);
	fflush(stdout);

	ret = COSIM_RUNNING;
	while (!stop_signal && ret == COSIM_RUNNING)
		ret = cosim_step(&c, -1);
	if (ret < 0)
		fprintf(stderr, "%s: %s\n", prog, strerror(-ret));
	else if (stop_signal)
		logmsg(&c, 1, "stopped by signal %d", (int)stop_signal);
	logmsg(&c, 1,
	       "requests %" PRIu64 " (refused %" PRIu64 "), doorbells %" PRIu64
	       ", interrupts %" PRIu64 ", DMA errors %" PRIu64,
	       c.stats.requests, c.stats.bad_requests, c.stats.doorbells,
	       c.stats.irqs, c.stats.dma_errors);
	cosim_fini(&c);
	return ret < 0 ? 1 : 0;

bad_usage:
	usage(stderr, prog, devices);
	return 2;
}
