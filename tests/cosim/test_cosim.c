// SPDX-License-Identifier: MIT
/*
 * dnpu-cosim unit tests: guest RAM bounds, the ivshmem server protocol as
 * QEMU sees it (a real UNIX socket client receiving the setup messages and
 * fds), the register mailbox, interrupt forwarding, DMA through the
 * stand-in device, and disconnect handling.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "cosim.h"
#include "dnpu_hw.h"
#include "standin_device.h"
#ifdef DNPU_COSIM_HAVE_CMODEL
#include "devices.h"
#endif

#define RAM_SIZE	(1u << 20)

/* ---------------- guest RAM ---------------- */

static void test_guest_mem_bounds(void **state)
{
	static uint8_t ram[8192];
	struct guest_mem gm;

	(void)state;
	assert_int_equal(guest_mem_init(&gm, ram, sizeof(ram), 0), 0);
	assert_int_equal(gm.lowmem, sizeof(ram));
	assert_ptr_equal(guest_mem_ptr(&gm, 0, 1), ram);
	assert_ptr_equal(guest_mem_ptr(&gm, 0, sizeof(ram)), ram);
	assert_ptr_equal(guest_mem_ptr(&gm, sizeof(ram) - 1, 1),
			 ram + sizeof(ram) - 1);
	assert_null(guest_mem_ptr(&gm, sizeof(ram) - 1, 2));
	assert_null(guest_mem_ptr(&gm, sizeof(ram), 1));
	assert_null(guest_mem_ptr(&gm, 0, sizeof(ram) + 1));
	assert_null(guest_mem_ptr(&gm, 16, 0));
	assert_null(guest_mem_ptr(&gm, UINT64_MAX, 2));
	assert_null(guest_mem_ptr(&gm, UINT64_MAX - 1, SIZE_MAX));
	assert_null(guest_mem_ptr(&gm, 1ull << 32, 1));

	/* Split RAM: 4 KiB below the hole, 4 KiB at 4 GiB. */
	assert_int_equal(guest_mem_init(&gm, ram, sizeof(ram), 4096), 0);
	assert_ptr_equal(guest_mem_ptr(&gm, 4095, 1), ram + 4095);
	assert_null(guest_mem_ptr(&gm, 4095, 2));	/* never spans the hole */
	assert_null(guest_mem_ptr(&gm, 4096, 1));
	assert_null(guest_mem_ptr(&gm, (1ull << 32) - 1, 1));
	assert_ptr_equal(guest_mem_ptr(&gm, 1ull << 32, 4096), ram + 4096);
	assert_null(guest_mem_ptr(&gm, 1ull << 32, 4097));
	assert_null(guest_mem_ptr(&gm, (1ull << 32) + 4096, 1));

	assert_int_equal(guest_mem_init(&gm, ram, sizeof(ram), 8193), -EINVAL);
	assert_int_equal(guest_mem_init(&gm, NULL, sizeof(ram), 0), -EINVAL);
}

/* ---------------- fixture: daemon + fake QEMU client ---------------- */

struct fixture {
	char dir[64];
	char sock[128];
	char ram_path[128];
	struct cosim c;
	int client;		/* our end, as QEMU */
	int shm_fd;
	struct dnpu_cosim_mbox *mb;
	int doorbell;		/* rings the daemon (peer 0, vector 0) */
	int irq;		/* the daemon interrupts us here */
	uint8_t *ram;		/* our view of the guest RAM file */
};

/* Receive one protocol message; *fd = attached fd or -1. */
static int64_t recv_msg(int sock, int *fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	uint64_t le = 0;
	struct iovec iov = { .iov_base = &le, .iov_len = sizeof(le) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *cmsg;
	ssize_t n;

	*fd = -1;
	n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	assert_int_equal(n, sizeof(le));
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg))
		if (cmsg->cmsg_level == SOL_SOCKET &&
		    cmsg->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(cmsg), sizeof(int));
	return (int64_t)le64toh(le);
}

/* *state on entry: the device backend (prestate), NULL = stand-in. */
static int setup(void **state)
{
	struct cosim_options o = { .vectors = 1,
				   .device = *state ? *state :
					     &cosim_device_standin };
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256] = "";
	struct stat st;
	int fd, i;

	assert_non_null(f);
	strcpy(f->dir, "/tmp/dnpu-cosim-test-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->sock, sizeof(f->sock), "%s/ivshmem.sock", f->dir);
	snprintf(f->ram_path, sizeof(f->ram_path), "%s/ram", f->dir);
	fd = open(f->ram_path, O_RDWR | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, RAM_SIZE), 0);
	f->ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_true(f->ram != MAP_FAILED);
	close(fd);

	o.socket_path = f->sock;
	o.guest_ram = f->ram_path;
	assert_int_equal(cosim_init(&f->c, &o, err, sizeof(err)), 0);

	f->client = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(f->client >= 0);
	assert_true(strlen(f->sock) < sizeof(addr.sun_path));
	memcpy(addr.sun_path, f->sock, strlen(f->sock) + 1);
	assert_int_equal(connect(f->client, (struct sockaddr *)&addr,
				 sizeof(addr)), 0);
	assert_int_equal(cosim_step(&f->c, 1000), COSIM_RUNNING);
	assert_true(f->c.guest_seen);

	/* The setup sequence of ivshmem-spec.txt, in order. */
	assert_int_equal(recv_msg(f->client, &fd), 0);		/* version */
	assert_int_equal(fd, -1);
	assert_int_equal(recv_msg(f->client, &fd), 1);		/* our id */
	assert_int_equal(fd, -1);
	assert_int_equal(recv_msg(f->client, &f->shm_fd), -1);	/* shm */
	assert_true(f->shm_fd >= 0);
	assert_int_equal(fstat(f->shm_fd, &st), 0);
	assert_int_equal(st.st_size, DNPU_COSIM_SHM_SIZE);
	assert_int_equal(recv_msg(f->client, &f->doorbell), 0); /* peer 0 */
	assert_true(f->doorbell >= 0);
	assert_int_equal(recv_msg(f->client, &f->irq), 1);	/* own vector */
	assert_true(f->irq >= 0);
	/* nothing else */
	i = fcntl(f->client, F_GETFL);
	fcntl(f->client, F_SETFL, i | O_NONBLOCK);
	assert_int_equal(recv(f->client, &i, 1, 0), -1);
	assert_int_equal(errno, EAGAIN);

	f->mb = mmap(NULL, DNPU_COSIM_SHM_SIZE, PROT_READ | PROT_WRITE,
		     MAP_SHARED, f->shm_fd, 0);
	assert_true(f->mb != MAP_FAILED);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	munmap(f->mb, DNPU_COSIM_SHM_SIZE);
	munmap(f->ram, RAM_SIZE);
	close(f->shm_fd);
	close(f->doorbell);
	close(f->irq);
	if (f->client >= 0)
		close(f->client);
	cosim_fini(&f->c);
	assert_int_equal(access(f->sock, F_OK), -1);	/* socket removed */
	unlink(f->ram_path);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* One mailbox request as the driver does it; returns the status. */
static uint32_t mbox_call(struct fixture *f, uint32_t op, uint32_t off,
			  uint32_t *val)
{
	uint64_t one = 1;
	uint32_t seq = f->mb->req_seq + 1;
	int i;

	f->mb->op = op;
	f->mb->offset = off;
	f->mb->value = *val;
	__atomic_store_n(&f->mb->req_seq, seq, __ATOMIC_RELEASE);
	assert_int_equal(write(f->doorbell, &one, sizeof(one)), sizeof(one));
	for (i = 0; i < 10; i++) {
		assert_true(cosim_step(&f->c, 100) >= 0);
		if (__atomic_load_n(&f->mb->resp_seq, __ATOMIC_ACQUIRE) == seq)
			break;
	}
	assert_int_equal(f->mb->resp_seq, seq);
	*val = f->mb->value;
	return f->mb->status;
}

static uint32_t rd(struct fixture *f, uint32_t off)
{
	uint32_t v = 0xdeadbeef;

	assert_int_equal(mbox_call(f, DNPU_COSIM_OP_READ, off, &v),
			 DNPU_COSIM_STATUS_OK);
	return v;
}

static void wr(struct fixture *f, uint32_t off, uint32_t v)
{
	assert_int_equal(mbox_call(f, DNPU_COSIM_OP_WRITE, off, &v),
			 DNPU_COSIM_STATUS_OK);
}

/* Interrupts the daemon signalled since the last call. */
static uint64_t take_irqs(struct fixture *f)
{
	uint64_t n = 0;

	if (read(f->irq, &n, sizeof(n)) != (ssize_t)sizeof(n))
		return 0;
	return n;
}

static void test_mailbox_header(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(f->mb->magic, DNPU_COSIM_MAGIC);
	assert_int_equal(f->mb->version, DNPU_COSIM_VERSION);
	assert_int_equal(f->mb->daemon_peer_id, IVSHMEM_DAEMON_PEER_ID);
	assert_int_equal(f->mb->req_seq, 0);
	assert_int_equal(f->mb->resp_seq, 0);
}

static void test_register_round_trip(void **state)
{
	struct fixture *f = *state;
	uint32_t v;

	assert_int_equal(rd(f, DNPU_REG_ID), DNPU_ID_MAGIC);
	assert_int_equal(rd(f, DNPU_REG_VERSION),
			 DNPU_HW_VERSION_MAJOR << 16 | DNPU_HW_VERSION_MINOR);
	wr(f, DNPU_REG_SCRATCH, 0x12345678);
	assert_int_equal(rd(f, DNPU_REG_SCRATCH), 0x12345678);
	wr(f, DNPU_REG_SCRATCH, 0xa5a5a5a5);
	assert_int_equal(rd(f, DNPU_REG_SCRATCH), 0xa5a5a5a5);
	assert_int_equal(f->c.stats.requests, 6);
	assert_true(f->c.stats.doorbells >= 1);

	/* refused: unaligned, outside the block, not decoded, bad op */
	v = 0;
	assert_int_equal(mbox_call(f, DNPU_COSIM_OP_READ, DNPU_REG_SCRATCH + 2,
				   &v), DNPU_COSIM_STATUS_BAD_OFFSET);
	assert_int_equal(mbox_call(f, DNPU_COSIM_OP_WRITE, DNPU_MMIO_SIZE, &v),
			 DNPU_COSIM_STATUS_BAD_OFFSET);
	assert_int_equal(mbox_call(f, DNPU_COSIM_OP_READ, 0xffc, &v),
			 DNPU_COSIM_STATUS_BAD_OFFSET);
	assert_int_equal(mbox_call(f, 7, DNPU_REG_SCRATCH, &v),
			 DNPU_COSIM_STATUS_BAD_OP);
	assert_int_equal(f->c.stats.bad_requests, 4);
	/* a refused write changed nothing */
	v = 1;
	assert_int_equal(mbox_call(f, 0, DNPU_REG_SCRATCH, &v),
			 DNPU_COSIM_STATUS_BAD_OP);
	assert_int_equal(rd(f, DNPU_REG_SCRATCH), 0xa5a5a5a5);
	/* and the next good request still works */
	assert_int_equal(rd(f, DNPU_REG_ID), DNPU_ID_MAGIC);
}

static void test_request_without_doorbell(void **state)
{
	struct fixture *f = *state;
	uint32_t seq = f->mb->req_seq + 1;

	/* A lost doorbell must not wedge the guest: the daemon re-polls. */
	f->mb->op = DNPU_COSIM_OP_READ;
	f->mb->offset = DNPU_REG_ID;
	__atomic_store_n(&f->mb->req_seq, seq, __ATOMIC_RELEASE);
	assert_int_equal(cosim_step(&f->c, 200), COSIM_RUNNING);
	assert_int_equal(f->mb->resp_seq, seq);
	assert_int_equal(f->mb->value, DNPU_ID_MAGIC);
	/* no request pending: nothing happens */
	assert_int_equal(cosim_service_mailbox(&f->c), 0);
}

static void test_interrupt_forwarding(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(take_irqs(f), 0);
	/* masked: no interrupt */
	wr(f, DNPU_REG_IRQ_RAISE, DNPU_IRQ_JOB_DONE);
	assert_int_equal(take_irqs(f), 0);
	/* unmasking with status pending raises it */
	wr(f, DNPU_REG_IRQ_MASK, DNPU_IRQ_ALL);
	assert_int_equal(take_irqs(f), 1);
	/* line stays high: further steps raise nothing */
	assert_int_equal(cosim_step(&f->c, 0), COSIM_RUNNING);
	assert_int_equal(take_irqs(f), 0);
	/* ack: line drops, no interrupt */
	wr(f, DNPU_REG_IRQ_STATUS, DNPU_IRQ_JOB_DONE);
	assert_int_equal(rd(f, DNPU_REG_IRQ_STATUS), 0);
	assert_int_equal(take_irqs(f), 0);
	/* a new event: rising edge */
	wr(f, DNPU_REG_IRQ_RAISE, DNPU_IRQ_FW_READY);
	assert_int_equal(take_irqs(f), 1);
	/* two causes pending, only one acked: the line is still high, so the
	 * guest gets another interrupt rather than losing the second cause */
	wr(f, DNPU_REG_IRQ_RAISE, DNPU_IRQ_JOB_FAULT);
	assert_int_equal(take_irqs(f), 0);
	wr(f, DNPU_REG_IRQ_STATUS, DNPU_IRQ_FW_READY);
	assert_int_equal(take_irqs(f), 1);
	wr(f, DNPU_REG_IRQ_STATUS, DNPU_IRQ_ALL);
	assert_int_equal(take_irqs(f), 0);
	assert_int_equal(f->c.stats.irqs, 3);
}

static void run_dma(struct fixture *f, uint64_t base)
{
	wr(f, DNPU_REG_RING_BASE_LO, (uint32_t)base);
	wr(f, DNPU_REG_RING_BASE_HI, (uint32_t)(base >> 32));
	wr(f, DNPU_REG_DOORBELL, 1);
	assert_int_equal(cosim_step(&f->c, 0), COSIM_RUNNING);
	assert_false(f->c.dev_busy);
}

static void test_dma_into_guest_ram(void **state)
{
	struct fixture *f = *state;
	uint8_t before[RAM_SIZE / 64];
	unsigned int i;

	wr(f, DNPU_REG_IRQ_MASK, DNPU_IRQ_ALL);
	for (i = 0; i < STANDIN_DMA_BYTES; i++)
		f->ram[0x3000 + i] = (uint8_t)(i * 7 + 1);
	run_dma(f, 0x3000);
	for (i = 0; i < STANDIN_DMA_BYTES; i++)
		assert_int_equal(f->ram[0x3000 + STANDIN_DMA_BYTES + i],
				 (uint8_t)~(i * 7 + 1));
	assert_int_equal(rd(f, DNPU_REG_IRQ_STATUS), DNPU_IRQ_JOB_DONE);
	assert_int_equal(take_irqs(f), 1);
	wr(f, DNPU_REG_IRQ_STATUS, DNPU_IRQ_ALL);

	/* The write would end 1 byte past the RAM: refused, nothing written. */
	memcpy(before, f->ram + RAM_SIZE - sizeof(before), sizeof(before));
	run_dma(f, RAM_SIZE - 2 * STANDIN_DMA_BYTES + 1);
	assert_memory_equal(before, f->ram + RAM_SIZE - sizeof(before),
			    sizeof(before));
	assert_int_equal(rd(f, DNPU_REG_IRQ_STATUS), DNPU_IRQ_JOB_FAULT);
	assert_int_equal(rd(f, DNPU_REG_FAULT_CAUSE), DNPU_FAULT_BUS_ERROR);
	assert_int_equal(f->c.stats.dma_errors, 1);
	wr(f, DNPU_REG_IRQ_STATUS, DNPU_IRQ_ALL);

	/* Above 4 GiB, where a small guest has no RAM. */
	run_dma(f, 1ull << 32);
	assert_int_equal(rd(f, DNPU_REG_IRQ_STATUS), DNPU_IRQ_JOB_FAULT);
	assert_int_equal(f->c.stats.dma_errors, 2);
	assert_int_equal(take_irqs(f), 2);
}

static void test_guest_disconnect(void **state)
{
	struct fixture *f = *state;
	int i, ret = COSIM_RUNNING;

	close(f->client);
	f->client = -1;
	for (i = 0; i < 10 && ret == COSIM_RUNNING; i++)
		ret = cosim_step(&f->c, 100);
	assert_int_equal(ret, COSIM_GUEST_GONE);
	assert_int_equal(f->c.srv.client_fd, -1);
}

#ifdef DNPU_COSIM_HAVE_CMODEL
/*
 * The real backend end to end without QEMU: the emulated firmware boots,
 * takes a job from a ring in "guest RAM", runs LOAD/BARRIER/STORE/END with
 * its DMA going through the daemon's bounds-checked bus, writes the
 * completion record and interrupts.
 */
#define RT_TABLE	0x10000u
#define RT_CMD		0x20000u
#define RT_SRC		0x21000u
#define RT_DST		0x22000u
#define RT_RING		0x30000u
#define RT_DONE		0x31000u

static void put_job(struct fixture *f, unsigned int slot, uint32_t seqno,
		    uint64_t completion)
{
	struct dnpu_job_desc *j =
		(void *)(f->ram + RT_RING + slot * sizeof(*j));

	memset(j, 0, sizeof(*j));
	j->seqno = seqno;
	j->region_table = RT_TABLE;
	j->region_count = 3;
	j->cmd_region = 0;
	j->cmd_offset = 0;
	j->cmd_count = 4;
	j->completion = completion;
}

static void step_until_idle(struct fixture *f)
{
	int i;

	for (i = 0; i < 100; i++) {
		assert_int_equal(cosim_step(&f->c, 0), COSIM_RUNNING);
		if (!f->c.dev_busy)
			return;
	}
	fail_msg("device still busy");
}

static void test_cmodel_ring_job(void **state)
{
	struct fixture *f = *state;
	struct dnpu_region *rt = (void *)(f->ram + RT_TABLE);
	struct dnpu_cmd_dma *ld = (void *)(f->ram + RT_CMD);
	struct dnpu_cmd_dma *st = (void *)(f->ram + RT_CMD + 128);
	struct dnpu_job_completion *done = (void *)(f->ram + RT_DONE);
	unsigned int i;

	assert_int_equal(rd(f, DNPU_REG_ID), DNPU_ID_MAGIC);
	wr(f, DNPU_REG_IRQ_MASK, DNPU_IRQ_ALL);
	wr(f, DNPU_REG_RING_BASE_LO, RT_RING);
	wr(f, DNPU_REG_RING_BASE_HI, 0);
	wr(f, DNPU_REG_RING_SIZE, 4);
	wr(f, DNPU_REG_CONTROL, DNPU_CONTROL_CORE_RUN);
	step_until_idle(f);
	assert_true(rd(f, DNPU_REG_STATUS) & DNPU_STATUS_FW_READY);
	assert_int_equal(take_irqs(f), 1);
	wr(f, DNPU_REG_IRQ_STATUS, DNPU_IRQ_ALL);

	rt[0] = (struct dnpu_region){ .addr = RT_CMD, .size = 4096,
				      .flags = DNPU_REGION_VALID | DNPU_REGION_READ };
	rt[1] = (struct dnpu_region){ .addr = RT_SRC, .size = 4096,
				      .flags = DNPU_REGION_VALID | DNPU_REGION_READ };
	rt[2] = (struct dnpu_region){ .addr = RT_DST, .size = 4096,
				      .flags = DNPU_REGION_VALID | DNPU_REGION_WRITE };
	memset(f->ram + RT_CMD, 0, 256);
	ld->w0 = DNPU_CMD_W0(DNPU_OP_LOAD, 0, 0);
	ld->region = DNPU_DMA_REGION(1, DNPU_SPAD_IN, 0);
	ld->len0 = 256;
	ld->count1 = 1;
	ld->count2 = 1;
	*(uint32_t *)(f->ram + RT_CMD + 64) = DNPU_CMD_W0(DNPU_OP_BARRIER, 0, 0);
	st->w0 = DNPU_CMD_W0(DNPU_OP_STORE, 0, 0);
	st->region = DNPU_DMA_REGION(2, DNPU_SPAD_IN, 0);
	st->len0 = 256;
	st->count1 = 1;
	st->count2 = 1;
	*(uint32_t *)(f->ram + RT_CMD + 192) = DNPU_CMD_W0(DNPU_OP_END, 0, 0);
	for (i = 0; i < 256; i++)
		f->ram[RT_SRC + i] = (uint8_t)(i ^ 0x5a);

	put_job(f, 0, 1, RT_DONE);
	wr(f, DNPU_REG_RING_TAIL, 1);
	wr(f, DNPU_REG_DOORBELL, 1);
	step_until_idle(f);
	assert_int_equal(done->seqno, 1);
	assert_int_equal(done->status, DNPU_JOB_OK);
	assert_memory_equal(f->ram + RT_DST, f->ram + RT_SRC, 256);
	assert_int_equal(rd(f, DNPU_REG_DONE_SEQNO), 1);
	assert_int_equal(rd(f, DNPU_REG_RING_HEAD), 1);
	assert_int_equal(rd(f, DNPU_REG_IRQ_STATUS), DNPU_IRQ_JOB_DONE);
	assert_int_equal(take_irqs(f), 1);
	wr(f, DNPU_REG_IRQ_STATUS, DNPU_IRQ_ALL);
	assert_int_equal(f->c.stats.dma_errors, 0);

	/* A completion record outside guest RAM: the bus refuses it, the
	 * daemon survives and keeps answering. */
	put_job(f, 1, 2, 0x7fff0000ull);
	wr(f, DNPU_REG_RING_TAIL, 2);
	wr(f, DNPU_REG_DOORBELL, 1);
	step_until_idle(f);
	assert_true(f->c.stats.dma_errors >= 1);
	assert_int_equal(rd(f, DNPU_REG_ID), DNPU_ID_MAGIC);
}
#endif

/* ---------------- server setup errors ---------------- */

static void test_server_init_errors(void **state)
{
	struct ivshmem_server s;
	char dir[] = "/tmp/dnpu-cosim-test-XXXXXX", path[128];
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/notasocket", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);
	/* never replace a regular file */
	assert_int_equal(ivshmem_server_init(&s, path, 4096, 1), -EEXIST);
	assert_int_equal(access(path, F_OK), 0);
	unlink(path);
	assert_int_equal(ivshmem_server_init(&s, path, 4096, 0), -EINVAL);
	assert_int_equal(ivshmem_server_init(&s, path, 4096,
					     IVSHMEM_MAX_VECTORS + 1), -EINVAL);
	/* a stale socket (killed daemon) is replaced */
	assert_int_equal(ivshmem_server_init(&s, path, 4096, 2), 0);
	close(s.listen_fd);
	s.listen_fd = -1;
	ivshmem_server_fini(&s);
	assert_int_equal(access(path, F_OK), 0);
	assert_int_equal(ivshmem_server_init(&s, path, 4096, 2), 0);
	ivshmem_server_fini(&s);
	assert_int_equal(access(path, F_OK), -1);
	rmdir(dir);
}

static void test_guest_ram_missing(void **state)
{
	struct cosim_options o = {
		.socket_path = "/tmp/dnpu-cosim-never.sock",
		.guest_ram = "/nonexistent/guest-ram",
		.device = &cosim_device_standin,
	};
	struct cosim c;
	char err[256] = "";

	(void)state;
	assert_int_equal(cosim_init(&c, &o, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/guest-ram"));
	assert_int_equal(access(o.socket_path, F_OK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guest_mem_bounds),
		cmocka_unit_test(test_server_init_errors),
		cmocka_unit_test(test_guest_ram_missing),
		cmocka_unit_test_setup_teardown(test_mailbox_header, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_register_round_trip,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_request_without_doorbell,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_interrupt_forwarding,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_dma_into_guest_ram, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_guest_disconnect, setup,
						teardown),
#ifdef DNPU_COSIM_HAVE_CMODEL
		cmocka_unit_test_prestate_setup_teardown(
			test_cmodel_ring_job, setup, teardown,
			(void *)&cosim_device_cmodel),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
