/* SPDX-License-Identifier: MIT */
/* A state member of the Verilated root class (gen-root-members.py). */
#ifndef DNPU_RTL_MEMBERS_H
#define DNPU_RTL_MEMBERS_H

#include <cstddef>

struct dnpu_rtl_member {
	const char *name;
	size_t offset, size;	/* bytes within the root class */
	unsigned elem;		/* bytes per element (word of a wide value) */
	unsigned width;		/* bits used per element */
};

extern const struct dnpu_rtl_member dnpu_rtl_members[];

#endif /* DNPU_RTL_MEMBERS_H */
