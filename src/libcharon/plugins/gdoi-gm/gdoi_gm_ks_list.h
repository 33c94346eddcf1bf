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
 * @defgroup gdoi_gm_ks_list gdoi_gm_ks_list
 * @{ @ingroup gdoi_gm
 */

#ifndef GDOI_GM_KS_LIST_H_
#define GDOI_GM_KS_LIST_H_

#include <library.h>
#include <networking/host.h>
#include <collections/linked_list.h>

typedef struct gdoi_gm_ks_list_t gdoi_gm_ks_list_t;

/**
 * The ordered list of key servers a group member registers with.
 *
 * Key servers are tried strictly in the configured order, each up to a
 * number of times; when every server of a pass failed, the member waits
 * (70, 140, 280, then 480 s by default) and starts over with the first.
 * A successful registration ends the failover: the next registration starts
 * again with the first configured server.
 */
struct gdoi_gm_ks_list_t {

	/**
	 * Key server to try now.
	 *
	 * @return				key server address (borrowed)
	 */
	host_t *(*get_current)(gdoi_gm_ks_list_t *this);

	/**
	 * Note that registering with the current key server failed, and move
	 * on.
	 *
	 * @return				seconds to wait before the next attempt, 0 to
	 *						try at once
	 */
	uint32_t (*failed)(gdoi_gm_ks_list_t *this);

	/**
	 * Note that registering with the current key server succeeded.
	 */
	void (*success)(gdoi_gm_ks_list_t *this);

	/**
	 * Number of the pass over the list under way, from 1.
	 *
	 * @return				pass number
	 */
	u_int (*get_pass)(gdoi_gm_ks_list_t *this);

	/**
	 * Destroy the list and the addresses in it.
	 */
	void (*destroy)(gdoi_gm_ks_list_t *this);
};

/**
 * Create a key server list.
 *
 * @param group			group name for log lines (cloned)
 * @param servers		key server addresses in order, host_t* (adopted,
 *						with the addresses in it); must not be empty
 * @param tries			attempts per key server and pass, at least 1
 * @param backoff		wait after the first failed pass, in seconds
 * @param backoff_max	cap of the doubling wait, in seconds
 * @return				key server list, NULL if servers is empty
 */
gdoi_gm_ks_list_t *gdoi_gm_ks_list_create(char *group, linked_list_t *servers,
										  u_int tries, uint32_t backoff,
										  uint32_t backoff_max);

#endif /** GDOI_GM_KS_LIST_H_ @}*/
