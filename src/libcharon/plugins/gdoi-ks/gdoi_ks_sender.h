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
 * @defgroup gdoi_ks_sender gdoi_ks_sender
 * @{ @ingroup gdoi_ks
 */

#ifndef GDOI_KS_SENDER_H_
#define GDOI_KS_SENDER_H_

#include <library.h>
#include <networking/host.h>
#include <collections/linked_list.h>

typedef struct gdoi_ks_sender_t gdoi_ks_sender_t;

/**
 * Callback for a datagram received on the key server's rekey socket (an
 * acknowledgement of a unicast rekey, or anything else).
 *
 * @param data			data given to gdoi_ks_sender_create()
 * @param datagram		received datagram (borrowed)
 * @param src			its source address and port (borrowed)
 */
typedef void (*gdoi_ks_sender_cb_t)(void *data, chunk_t datagram,
									host_t *src);

/**
 * The key server's own UDP socket for GSA_REKEY: one per address family,
 * bound to any address and the rekey port (charon.plugins.gdoi-ks.
 * rekey_port, 848 by default). Rekeys are sent from it, unicast to each
 * member (sendmmsg(), in batches) or once to a multicast address, and the
 * members' acknowledgements arrive on it (lib->watcher).
 */
struct gdoi_ks_sender_t {

	/**
	 * Send a datagram to each of a list of destinations.  Destinations
	 * of a family without a socket, and failed sends, are logged and
	 * skipped.
	 *
	 * @param datagram	datagram to send
	 * @param dsts		destination addresses with ports, host_t*
	 * @return			number of destinations it was sent to
	 */
	u_int (*send)(gdoi_ks_sender_t *this, chunk_t datagram,
				  linked_list_t *dsts);

	/**
	 * Get the port the socket is bound to (useful if created with 0).
	 *
	 * @return			port
	 */
	uint16_t (*get_port)(gdoi_ks_sender_t *this);

	/**
	 * Close the sockets; waits for a receive callback in progress.
	 */
	void (*destroy)(gdoi_ks_sender_t *this);
};

/**
 * Open the rekey socket.
 *
 * @param port			UDP port, 0 for any (tests)
 * @param cb			callback for received datagrams
 * @param data			data to pass to cb
 * @return				sender, NULL if no socket could be bound (logged)
 */
gdoi_ks_sender_t *gdoi_ks_sender_create(uint16_t port, gdoi_ks_sender_cb_t cb,
										void *data);

#endif /** GDOI_KS_SENDER_H_ @}*/
