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

#include "gdoi_gm_rekey_socket.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <daemon.h>
#include <gikev2_rekey.h>

typedef struct private_gdoi_gm_rekey_socket_t private_gdoi_gm_rekey_socket_t;

/**
 * Private data of a gdoi_gm_rekey_socket_t object.
 */
struct private_gdoi_gm_rekey_socket_t {

	/**
	 * Public interface.
	 */
	gdoi_gm_rekey_socket_t public;

	/**
	 * Group name, for log lines
	 */
	char *name;

	/**
	 * Group address and port
	 */
	host_t *group;

	/**
	 * The socket
	 */
	int fd;

	/**
	 * Callback and its data
	 */
	gdoi_gm_rekey_socket_cb_t cb;
	void *data;
};

/**
 * Read the datagrams waiting on the socket
 */
CALLBACK(receive, bool,
	private_gdoi_gm_rekey_socket_t *this, int fd, watcher_event_t event)
{
	/* one more than accepted: a longer datagram is cut there and refused */
	uint8_t buf[GIKEV2_REKEY_MAX_LEN + 1];
	union {
		struct sockaddr sa;
		struct sockaddr_storage ss;
	} addr;
	socklen_t addrlen;
	host_t *src;
	ssize_t len;

	while (TRUE)
	{
		addrlen = sizeof(addr);
		len = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, &addr.sa,
					   &addrlen);
		if (len < 0)
		{
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			{
				DBG1(DBG_NET, "group '%s': receiving on the rekey socket %#H "
					 "failed: %s", this->name, this->group, strerror(errno));
			}
			break;
		}
		src = host_create_from_sockaddr(&addr.sa);
		if (!src)
		{
			continue;
		}
		DBG2(DBG_NET, "group '%s': received %zd bytes from %#H on %#H",
			 this->name, len, src, this->group);
		this->cb(this->data, chunk_create(buf, len), src, this->group);
		src->destroy(src);
	}
	return TRUE;
}

/**
 * Open, bind and join, -1 on failure
 */
static int open_socket(private_gdoi_gm_rekey_socket_t *this, host_t *local)
{
	struct ip_mreqn mreq = {};
	int fd, on = 1;

	if (this->group->get_family(this->group) != AF_INET)
	{
		DBG1(DBG_NET, "group '%s': receiving IPv6 multicast rekeys is not "
			 "supported yet", this->name);
		return -1;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
	{
		DBG1(DBG_NET, "group '%s': opening the rekey socket failed: %s",
			 this->name, strerror(errno));
		return -1;
	}
	/* another group may use the same rekey address */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0 ||
		fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
	{
		DBG1(DBG_NET, "group '%s': setting up the rekey socket failed: %s",
			 this->name, strerror(errno));
		close(fd);
		return -1;
	}
	/* bound to the group address, it receives that group's datagrams only */
	if (bind(fd, this->group->get_sockaddr(this->group),
			 *this->group->get_sockaddr_len(this->group)) < 0)
	{
		DBG1(DBG_NET, "group '%s': binding the rekey socket to %#H failed: "
			 "%s", this->name, this->group, strerror(errno));
		close(fd);
		return -1;
	}
	memcpy(&mreq.imr_multiaddr, this->group->get_address(this->group).ptr, 4);
	memcpy(&mreq.imr_address, local->get_address(local).ptr, 4);
	if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq,
				   sizeof(mreq)) < 0)
	{
		DBG1(DBG_NET, "group '%s': joining rekey group %H on %H failed: %s",
			 this->name, this->group, local, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

METHOD(gdoi_gm_rekey_socket_t, get_address, host_t*,
	private_gdoi_gm_rekey_socket_t *this)
{
	return this->group;
}

METHOD(gdoi_gm_rekey_socket_t, destroy, void,
	private_gdoi_gm_rekey_socket_t *this)
{
	lib->watcher->remove(lib->watcher, this->fd);
	close(this->fd);
	DBG1(DBG_NET, "group '%s': stopped receiving rekeys on %#H", this->name,
		 this->group);
	this->group->destroy(this->group);
	free(this->name);
	free(this);
}

/*
 * Described in header
 */
gdoi_gm_rekey_socket_t *gdoi_gm_rekey_socket_create(char *name, host_t *group,
										host_t *local,
										gdoi_gm_rekey_socket_cb_t cb,
										void *data)
{
	private_gdoi_gm_rekey_socket_t *this;

	INIT(this,
		.public = {
			.get_address = _get_address,
			.destroy = _destroy,
		},
		.name = strdup(name),
		.group = group->clone(group),
		.cb = cb,
		.data = data,
	);
	this->fd = open_socket(this, local);
	if (this->fd < 0)
	{
		this->group->destroy(this->group);
		free(this->name);
		free(this);
		return NULL;
	}
	lib->watcher->add(lib->watcher, this->fd, WATCHER_READ, receive, this);
	DBG1(DBG_NET, "group '%s': receiving multicast rekeys on %#H, joined on "
		 "%H", name, group, local);
	return &this->public;
}
