// SPDX-License-Identifier: MIT
#include "ivshmem_server.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static void reset_fds(struct ivshmem_server *s)
{
	unsigned int i;

	s->listen_fd = -1;
	s->client_fd = -1;
	s->shm_fd = -1;
	s->shm = NULL;
	for (i = 0; i < IVSHMEM_MAX_VECTORS; i++) {
		s->doorbell_fd[i] = -1;
		s->irq_fd[i] = -1;
	}
}

/* One protocol message: an int64 (little-endian) and at most one fd. */
static int send_msg(int sock, int64_t value, int fd)
{
	uint64_t le = htole64((uint64_t)value);
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = &le, .iov_len = sizeof(le) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cmsg;
	ssize_t n;

	if (fd >= 0) {
		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	}
	do {
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == (ssize_t)sizeof(le) ? 0 : -EIO;
}

int ivshmem_server_init(struct ivshmem_server *s, const char *path,
			size_t shm_size, unsigned int vectors)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct stat st;
	unsigned int i;
	int ret;

	memset(s, 0, sizeof(*s));
	reset_fds(s);
	if (vectors == 0 || vectors > IVSHMEM_MAX_VECTORS || shm_size == 0)
		return -EINVAL;
	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	s->vectors = vectors;
	s->shm_size = shm_size;
	snprintf(s->path, sizeof(s->path), "%s", path);

	s->shm_fd = memfd_create("dnpu-cosim-shm", MFD_CLOEXEC);
	if (s->shm_fd < 0 || ftruncate(s->shm_fd, (off_t)shm_size) < 0)
		goto fail_errno;
	s->shm = mmap(NULL, shm_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      s->shm_fd, 0);
	if (s->shm == MAP_FAILED) {
		s->shm = NULL;
		goto fail_errno;
	}
	for (i = 0; i < vectors; i++) {
		s->doorbell_fd[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		s->irq_fd[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (s->doorbell_fd[i] < 0 || s->irq_fd[i] < 0)
			goto fail_errno;
	}

	/* Replace a stale socket from a killed run, never a regular file. */
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			ret = -EEXIST;
			goto fail;
		}
		unlink(path);
	}
	s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->listen_fd < 0)
		goto fail_errno;
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	if (bind(s->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		goto fail_errno;
	if (listen(s->listen_fd, 1) < 0) {
		ret = -errno;
		unlink(path);
		goto fail;
	}
	return 0;

fail_errno:
	ret = -errno;
fail:
	s->path[0] = '\0';	/* not ours to unlink */
	ivshmem_server_fini(s);
	return ret;
}

int ivshmem_server_accept(struct ivshmem_server *s)
{
	unsigned int i;
	int fd, ret;

	if (s->client_fd >= 0)
		return -EBUSY;
	do {
		fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	} while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return -errno;

	ret = send_msg(fd, IVSHMEM_PROTOCOL_VERSION, -1);
	if (!ret)
		ret = send_msg(fd, IVSHMEM_GUEST_PEER_ID, -1);
	if (!ret)
		ret = send_msg(fd, -1, s->shm_fd);
	/* The daemon is an already connected peer: how to ring it. */
	for (i = 0; !ret && i < s->vectors; i++)
		ret = send_msg(fd, IVSHMEM_DAEMON_PEER_ID, s->doorbell_fd[i]);
	/* The guest's own vectors: what it listens on. */
	for (i = 0; !ret && i < s->vectors; i++)
		ret = send_msg(fd, IVSHMEM_GUEST_PEER_ID, s->irq_fd[i]);
	if (ret) {
		close(fd);
		return ret;
	}
	s->client_fd = fd;
	return 0;
}

int ivshmem_server_notify_guest(struct ivshmem_server *s, unsigned int vector)
{
	uint64_t one = 1;
	ssize_t n;

	if (vector >= s->vectors || s->irq_fd[vector] < 0)
		return -EINVAL;
	n = write(s->irq_fd[vector], &one, sizeof(one));
	/* EAGAIN: the counter is saturated, an interrupt is pending anyway. */
	if (n < 0 && errno != EAGAIN)
		return -errno;
	return 0;
}

int64_t ivshmem_server_take_doorbells(struct ivshmem_server *s,
				      unsigned int vector)
{
	uint64_t count;

	if (vector >= s->vectors)
		return 0;
	if (read(s->doorbell_fd[vector], &count, sizeof(count)) !=
	    (ssize_t)sizeof(count))
		return 0;
	return (int64_t)count;
}

void ivshmem_server_drop_client(struct ivshmem_server *s)
{
	if (s->client_fd >= 0)
		close(s->client_fd);
	s->client_fd = -1;
}

void ivshmem_server_fini(struct ivshmem_server *s)
{
	unsigned int i;

	ivshmem_server_drop_client(s);
	if (s->listen_fd >= 0) {
		close(s->listen_fd);
		if (s->path[0])
			unlink(s->path);
	}
	for (i = 0; i < IVSHMEM_MAX_VECTORS; i++) {
		if (s->doorbell_fd[i] >= 0)
			close(s->doorbell_fd[i]);
		if (s->irq_fd[i] >= 0)
			close(s->irq_fd[i]);
	}
	if (s->shm)
		munmap(s->shm, s->shm_size);
	if (s->shm_fd >= 0)
		close(s->shm_fd);
	reset_fds(s);
	s->path[0] = '\0';
}
