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

#include "recording_socket.h"

#include <collections/linked_list.h>

/**
 * Packets sent, packet_t*
 */
static linked_list_t *packets;

METHOD(socket_t, send_, status_t,
	socket_t *this, packet_t *packet)
{
	packets->insert_last(packets, packet->clone(packet));
	return SUCCESS;
}

METHOD(socket_t, receive, status_t,
	socket_t *this, packet_t **packet)
{
	return NOT_SUPPORTED;
}

METHOD(socket_t, get_port, uint16_t,
	socket_t *this, bool nat_t)
{
	return nat_t ? 4500 : 500;
}

METHOD(socket_t, supported_families, socket_family_t,
	socket_t *this)
{
	return SOCKET_FAMILY_BOTH;
}

METHOD(socket_t, destroy, void,
	socket_t *this)
{
	packets->destroy_offset(packets, offsetof(packet_t, destroy));
	packets = NULL;
	free(this);
}

/*
 * Described in header
 */
socket_t *recording_socket_create()
{
	socket_t *this;

	INIT(this,
		.send = _send_,
		.receive = _receive,
		.get_port = _get_port,
		.supported_families = _supported_families,
		.destroy = _destroy,
	);
	packets = linked_list_create();
	return this;
}

/*
 * Described in header
 */
packet_t *recording_socket_take()
{
	packet_t *packet = NULL;

	if (packets)
	{
		packets->remove_first(packets, (void**)&packet);
	}
	return packet;
}
