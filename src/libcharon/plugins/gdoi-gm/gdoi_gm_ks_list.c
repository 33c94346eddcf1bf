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

#include "gdoi_gm_ks_list.h"

#include <collections/array.h>
#include <utils/debug.h>
#include <gdoi_timing.h>

typedef struct private_gdoi_gm_ks_list_t private_gdoi_gm_ks_list_t;

/**
 * Private data of a gdoi_gm_ks_list_t object.
 */
struct private_gdoi_gm_ks_list_t {

	/**
	 * Public interface.
	 */
	gdoi_gm_ks_list_t public;

	/**
	 * Group name, for log lines
	 */
	char *group;

	/**
	 * Key servers in order, host_t*
	 */
	array_t *servers;

	/**
	 * Index of the current key server
	 */
	u_int current;

	/**
	 * Failed attempts on the current key server in this pass
	 */
	u_int failures;

	/**
	 * Attempts per key server and pass
	 */
	u_int tries;

	/**
	 * Pass over the list, from 1
	 */
	u_int pass;

	/**
	 * Backoff after the first failed pass
	 */
	uint32_t backoff;

	/**
	 * Cap of the backoff
	 */
	uint32_t backoff_max;
};

/**
 * Key server at the given index
 */
static host_t *server_at(private_gdoi_gm_ks_list_t *this, u_int i)
{
	host_t *host = NULL;

	array_get(this->servers, i, &host);
	return host;
}

METHOD(gdoi_gm_ks_list_t, get_current, host_t*,
	private_gdoi_gm_ks_list_t *this)
{
	return server_at(this, this->current);
}

METHOD(gdoi_gm_ks_list_t, failed, uint32_t,
	private_gdoi_gm_ks_list_t *this)
{
	host_t *failed;
	uint32_t wait;

	failed = server_at(this, this->current);
	if (++this->failures < this->tries)
	{
		DBG1(DBG_IKE, "group '%s': registration with key server %H failed, "
			 "attempt %u of %u", this->group, failed, this->failures,
			 this->tries);
		return 0;
	}
	this->failures = 0;
	if (++this->current < array_count(this->servers))
	{
		DBG1(DBG_IKE, "group '%s': registration with key server %H failed, "
			 "trying next key server %H", this->group, failed,
			 server_at(this, this->current));
		return 0;
	}
	wait = gdoi_registration_backoff(this->pass, this->backoff,
									 this->backoff_max);
	this->current = 0;
	this->pass++;
	DBG1(DBG_IKE, "group '%s': registration with key server %H failed, no key "
		 "server left, starting over with %H in %us", this->group, failed,
		 server_at(this, 0), wait);
	return wait;
}

METHOD(gdoi_gm_ks_list_t, success, void,
	private_gdoi_gm_ks_list_t *this)
{
	this->current = 0;
	this->failures = 0;
	this->pass = 1;
}

METHOD(gdoi_gm_ks_list_t, get_pass, u_int,
	private_gdoi_gm_ks_list_t *this)
{
	return this->pass;
}

METHOD(gdoi_gm_ks_list_t, destroy, void,
	private_gdoi_gm_ks_list_t *this)
{
	array_destroy_offset(this->servers, offsetof(host_t, destroy));
	free(this->group);
	free(this);
}

/*
 * Described in header
 */
gdoi_gm_ks_list_t *gdoi_gm_ks_list_create(char *group, linked_list_t *servers,
										  u_int tries, uint32_t backoff,
										  uint32_t backoff_max)
{
	private_gdoi_gm_ks_list_t *this;
	host_t *host;

	if (!servers->get_count(servers))
	{
		servers->destroy(servers);
		return NULL;
	}
	INIT(this,
		.public = {
			.get_current = _get_current,
			.failed = _failed,
			.success = _success,
			.get_pass = _get_pass,
			.destroy = _destroy,
		},
		.group = strdup(group),
		.servers = array_create(0, servers->get_count(servers)),
		.tries = max(tries, 1),
		.pass = 1,
		.backoff = backoff,
		.backoff_max = backoff_max,
	);
	while (servers->remove_first(servers, (void**)&host) == SUCCESS)
	{
		array_insert(this->servers, ARRAY_TAIL, host);
	}
	servers->destroy(servers);
	return &this->public;
}
