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
 * @defgroup recording_socket recording_socket
 * @{ @ingroup gdoi_gm
 *
 * A socket_t for tests that keeps the packets it is asked to send.
 */

#ifndef RECORDING_SOCKET_H_
#define RECORDING_SOCKET_H_

#include <network/socket.h>

/**
 * Create the recorder (the socket's constructor).
 *
 * @return			socket_t
 */
socket_t *recording_socket_create();

/**
 * Take the oldest packet sent and not taken yet.
 *
 * @return			packet (to destroy), NULL if none
 */
packet_t *recording_socket_take();

#endif /** RECORDING_SOCKET_H_ @}*/
