/*
 * Copyright (C) 2026 The gdoi-strongswan authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.  See <http://www.fsf.org/copyleft/gpl.txt>.
 *
 * This program is distributed in the hope that it will be useful, but
 * WITHOUT ANY WARRANTY; without even the implied warranty of MERCHANTABILITY
 * or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU General Public License
 * for more details.
 */

/**
 * @defgroup gdoi_gm_rekey_socket gdoi_gm_rekey_socket
 * @{ @ingroup gdoi_gm
 *
 * The socket a member receives a group's multicast GSA_REKEY datagrams on:
 * UDP, bound to the KEK's multicast destination address and port, the
 * group joined on the interface of the member's address, read through
 * lib->watcher.  Unicast rekeys arrive on charon's IKE socket instead.
 */

#ifndef GDOI_GM_REKEY_SOCKET_H_
#define GDOI_GM_REKEY_SOCKET_H_

#include <library.h>
#include <networking/host.h>

typedef struct gdoi_gm_rekey_socket_t gdoi_gm_rekey_socket_t;

/**
 * Called for each datagram received, from the watcher's thread: it must
 * return quickly and not wait for anything the socket's owner holds while
 * destroying the socket (e.g. queue a job to process the datagram).
 *
 * @param data			data given to the constructor
 * @param datagram		datagram, longer than GIKEV2_REKEY_MAX_LEN if it was
 *						truncated (borrowed)
 * @param src			source address and port (borrowed)
 * @param dst			group address and port (borrowed)
 */
typedef void (*gdoi_gm_rekey_socket_cb_t)(void *data, chunk_t datagram,
										  host_t *src, host_t *dst);

/**
 * A multicast rekey socket.
 */
struct gdoi_gm_rekey_socket_t {

	/**
	 * Get the group address and port the socket is bound to.
	 *
	 * @return			address and port (borrowed)
	 */
	host_t *(*get_address)(gdoi_gm_rekey_socket_t *this);

	/**
	 * Stop watching (waits for a callback that runs), leave the group and
	 * close the socket.
	 */
	void (*destroy)(gdoi_gm_rekey_socket_t *this);
};

/**
 * Open the socket, join the group and watch it.
 *
 * @param name			group name, for log lines
 * @param group			multicast address and port (cloned)
 * @param local			the member's address, whose interface joins
 * @param cb			callback for received datagrams
 * @param data			data passed to cb
 * @return				socket, NULL on failure (logged)
 */
gdoi_gm_rekey_socket_t *gdoi_gm_rekey_socket_create(char *name, host_t *group,
										host_t *local,
										gdoi_gm_rekey_socket_cb_t cb,
										void *data);

#endif /** GDOI_GM_REKEY_SOCKET_H_ @}*/
