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

#define _GNU_SOURCE
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>
#include <errno.h>
#include <string.h>

#include "gdoi_ks_sender.h"

#include <utils/debug.h>
#include <processing/watcher.h>
#include <gikev2_rekey.h>

/** datagrams per sendmmsg() call */
#define BATCH 64

typedef struct private_gdoi_ks_sender_t private_gdoi_ks_sender_t;

/**
 * Private data of a gdoi_ks_sender_t object.
 */
struct private_gdoi_ks_sender_t {

	/**
	 * Public interface.
	 */
	gdoi_ks_sender_t public;

	/**
	 * IPv4 socket, -1 if none
	 */
	int fd4;

	/**
	 * IPv6 socket, -1 if none
	 */
	int fd6;

	/**
	 * Bound port
	 */
	uint16_t port;

	/**
	 * Callback for received datagrams
	 */
	gdoi_ks_sender_cb_t cb;

	/**
	 * Data for cb
	 */
	void *data;
};

CALLBACK(receive, bool,
	private_gdoi_ks_sender_t *this, int fd, watcher_event_t event)
{
	/* one more than the largest datagram accepted, to see truncation */
	uint8_t buf[GIKEV2_REKEY_MAX_LEN + 1];
	struct sockaddr_storage addr;
	socklen_t addrlen = sizeof(addr);
	host_t *src;
	ssize_t len;

	len = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC,
				   (struct sockaddr*)&addr, &addrlen);
	if (len < 0)
	{
		if (errno != EAGAIN && errno != EWOULDBLOCK)
		{
			DBG1(DBG_NET, "receiving on the rekey socket failed: %s",
				 strerror(errno));
		}
		return TRUE;
	}
	src = host_create_from_sockaddr((sockaddr_t*)&addr);
	if (!src)
	{
		return TRUE;
	}
	if (len > sizeof(buf) - 1)
	{
		DBG1(DBG_NET, "dropped a datagram of %zd bytes from %#H on the rekey "
			 "socket: larger than %d", len, src, GIKEV2_REKEY_MAX_LEN);
	}
	else
	{
		DBG3(DBG_NET, "received %zd bytes from %#H on the rekey socket", len,
			 src);
		this->cb(this->data, chunk_create(buf, len), src);
	}
	src->destroy(src);
	return TRUE;
}

/**
 * Open and bind a socket of a family, -1 on failure (logged)
 */
static int open_socket(int family, uint16_t *port)
{
	struct sockaddr_storage addr = {};
	socklen_t addrlen;
	int fd, on = 1;

	fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
	if (fd < 0)
	{
		DBG1(DBG_NET, "opening an %s rekey socket failed: %s",
			 family == AF_INET ? "IPv4" : "IPv6", strerror(errno));
		return -1;
	}
	if (family == AF_INET6)
	{
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6*)&addr;

		/* the IPv4 socket takes IPv4 */
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) < 0)
		{
			DBG1(DBG_NET, "setting IPV6_V6ONLY on the rekey socket failed: "
				 "%s", strerror(errno));
			close(fd);
			return -1;
		}
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(*port);
		addrlen = sizeof(*sin6);
	}
	else
	{
		struct sockaddr_in *sin = (struct sockaddr_in*)&addr;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(*port);
		addrlen = sizeof(*sin);
	}
	if (bind(fd, (struct sockaddr*)&addr, addrlen) < 0)
	{
		DBG1(DBG_NET, "binding the %s rekey socket to port %u failed: %s",
			 family == AF_INET ? "IPv4" : "IPv6", *port, strerror(errno));
		close(fd);
		return -1;
	}
	if (!*port)
	{
		addrlen = sizeof(addr);
		if (getsockname(fd, (struct sockaddr*)&addr, &addrlen) == 0)
		{
			*port = ntohs(family == AF_INET ?
							((struct sockaddr_in*)&addr)->sin_port :
							((struct sockaddr_in6*)&addr)->sin6_port);
		}
	}
	return fd;
}

/**
 * Send a batch of messages, return the number sent
 */
static u_int send_batch(int fd, chunk_t datagram, host_t **dsts, u_int count)
{
	struct mmsghdr msgs[BATCH];
	struct iovec iov = {
		.iov_base = datagram.ptr,
		.iov_len = datagram.len,
	};
	u_int i, sent = 0;
	int ret;

	for (i = 0; i < count; i++)
	{
		msgs[i] = (struct mmsghdr){
			.msg_hdr = {
				.msg_name = dsts[i]->get_sockaddr(dsts[i]),
				.msg_namelen = *dsts[i]->get_sockaddr_len(dsts[i]),
				.msg_iov = &iov,
				.msg_iovlen = 1,
			},
		};
	}
	i = 0;
	while (i < count)
	{
		ret = sendmmsg(fd, &msgs[i], count - i, 0);
		if (ret < 0)
		{
			if (errno == EINTR)
			{
				continue;
			}
			/* the first one failed, skip it */
			DBG1(DBG_NET, "sending %zu bytes to %#H failed: %s",
				 datagram.len, dsts[i], strerror(errno));
			i++;
			continue;
		}
		i += ret;
		sent += ret;
	}
	return sent;
}

METHOD(gdoi_ks_sender_t, send_, u_int,
	private_gdoi_ks_sender_t *this, chunk_t datagram, linked_list_t *dsts)
{
	enumerator_t *enumerator;
	host_t *dst, *batch4[BATCH], *batch6[BATCH];
	u_int n4 = 0, n6 = 0, sent = 0;

	enumerator = dsts->create_enumerator(dsts);
	while (enumerator->enumerate(enumerator, &dst))
	{
		if (dst->get_family(dst) == AF_INET && this->fd4 >= 0)
		{
			batch4[n4++] = dst;
			if (n4 == BATCH)
			{
				sent += send_batch(this->fd4, datagram, batch4, n4);
				n4 = 0;
			}
		}
		else if (dst->get_family(dst) == AF_INET6 && this->fd6 >= 0)
		{
			batch6[n6++] = dst;
			if (n6 == BATCH)
			{
				sent += send_batch(this->fd6, datagram, batch6, n6);
				n6 = 0;
			}
		}
		else
		{
			DBG1(DBG_NET, "no rekey socket to send to %#H", dst);
		}
	}
	enumerator->destroy(enumerator);
	if (n4)
	{
		sent += send_batch(this->fd4, datagram, batch4, n4);
	}
	if (n6)
	{
		sent += send_batch(this->fd6, datagram, batch6, n6);
	}
	return sent;
}

METHOD(gdoi_ks_sender_t, get_port, uint16_t,
	private_gdoi_ks_sender_t *this)
{
	return this->port;
}

METHOD(gdoi_ks_sender_t, destroy, void,
	private_gdoi_ks_sender_t *this)
{
	if (this->fd4 >= 0)
	{
		lib->watcher->remove(lib->watcher, this->fd4);
		close(this->fd4);
	}
	if (this->fd6 >= 0)
	{
		lib->watcher->remove(lib->watcher, this->fd6);
		close(this->fd6);
	}
	free(this);
}

/*
 * Described in header
 */
gdoi_ks_sender_t *gdoi_ks_sender_create(uint16_t port, gdoi_ks_sender_cb_t cb,
										void *data)
{
	private_gdoi_ks_sender_t *this;

	INIT(this,
		.public = {
			.send = _send_,
			.get_port = _get_port,
			.destroy = _destroy,
		},
		.port = port,
		.cb = cb,
		.data = data,
	);

	this->fd4 = open_socket(AF_INET, &this->port);
	this->fd6 = open_socket(AF_INET6, &this->port);
	if (this->fd4 < 0 && this->fd6 < 0)
	{
		free(this);
		return NULL;
	}
	if (this->fd4 >= 0)
	{
		lib->watcher->add(lib->watcher, this->fd4, WATCHER_READ, receive,
						  this);
	}
	if (this->fd6 >= 0)
	{
		lib->watcher->add(lib->watcher, this->fd6, WATCHER_READ, receive,
						  this);
	}
	DBG1(DBG_NET, "rekey socket on UDP port %u (%s%s%s)", this->port,
		 this->fd4 >= 0 ? "IPv4" : "", this->fd4 >= 0 && this->fd6 >= 0 ?
		 ", " : "", this->fd6 >= 0 ? "IPv6" : "");
	return &this->public;
}
