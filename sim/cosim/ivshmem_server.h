/* SPDX-License-Identifier: MIT */
/*
 * The server side of QEMU's ivshmem client/server protocol
 * (qemu/docs/specs/ivshmem-spec.txt), reduced to what dnpu-cosim needs:
 * one guest (QEMU) and the daemon itself as the only other peer.
 *
 * Each message is one little-endian int64, optionally carrying a file
 * descriptor (SCM_RIGHTS). On connect the client receives: the protocol
 * version (0); its own peer id; -1 with the shared-memory fd; the daemon's
 * peer id once per vector, each with the eventfd that rings the daemon on
 * that vector; its own id once per vector, each with the eventfd the daemon
 * writes to interrupt the guest on that vector.
 */
#ifndef DNPU_COSIM_IVSHMEM_SERVER_H
#define DNPU_COSIM_IVSHMEM_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/un.h>

#define IVSHMEM_PROTOCOL_VERSION	0
#define IVSHMEM_MAX_VECTORS		8u
#define IVSHMEM_DAEMON_PEER_ID		0u
#define IVSHMEM_GUEST_PEER_ID		1u

struct ivshmem_server {
	int listen_fd;
	int client_fd;			/* -1 until a guest connected */
	int shm_fd;			/* memfd shared with the guest */
	void *shm;			/* daemon's mapping of it */
	size_t shm_size;
	unsigned int vectors;
	int doorbell_fd[IVSHMEM_MAX_VECTORS];	/* guest -> daemon */
	int irq_fd[IVSHMEM_MAX_VECTORS];	/* daemon -> guest */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

/*
 * Create the shared memory (zeroed, @shm_size bytes), the eventfds and a
 * listening UNIX socket at @path (a stale socket file there is replaced).
 * @vectors must equal the guest device's `vectors=` property: QEMU fails
 * to realize the device when it gets more, and waits forever for fewer.
 * Returns 0 or -errno; on failure everything is released.
 */
int ivshmem_server_init(struct ivshmem_server *s, const char *path,
			size_t shm_size, unsigned int vectors);
/* Accept one client and send it the whole setup. 0 or -errno. */
int ivshmem_server_accept(struct ivshmem_server *s);
/* Interrupt the guest on @vector. 0 or -errno. */
int ivshmem_server_notify_guest(struct ivshmem_server *s, unsigned int vector);
/* Consume pending doorbells on @vector; returns how many arrived (>= 0). */
int64_t ivshmem_server_take_doorbells(struct ivshmem_server *s,
				      unsigned int vector);
/* Drop the client connection (keeps listening). */
void ivshmem_server_drop_client(struct ivshmem_server *s);
/* Close everything and remove the socket file. Safe to call after
 * ivshmem_server_init(), whether it succeeded or not, and twice. */
void ivshmem_server_fini(struct ivshmem_server *s);

#endif /* DNPU_COSIM_IVSHMEM_SERVER_H */
