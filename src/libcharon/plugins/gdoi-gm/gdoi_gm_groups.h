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
 * @defgroup gdoi_gm_groups gdoi_gm_groups
 * @{ @ingroup gdoi_gm
 */

#ifndef GDOI_GM_GROUPS_H_
#define GDOI_GM_GROUPS_H_

#include <gdoi_vici.h>

#include "gdoi_gm_group.h"

typedef struct gdoi_gm_groups_t gdoi_gm_groups_t;

/**
 * The groups this node is a member of, by name.
 *
 * Implements the member role's gdoi_role_handler_t for the vici front-end.
 */
struct gdoi_gm_groups_t {

	/**
	 * Implements the handler of the member role.
	 */
	gdoi_role_handler_t handler;

	/**
	 * Get the configuration of a joined group.
	 *
	 * @param name		name of the group
	 * @return			configuration (new reference), NULL if not found
	 */
	gdoi_group_cfg_t *(*get_group)(gdoi_gm_groups_t *this, char *name);

	/**
	 * Take a GSA_REKEY datagram that arrived on charon's IKE socket: check
	 * its header, find the group by KEK SPI and queue its processing (an
	 * acknowledged unicast rekey); log and announce it if no group takes it.
	 *
	 * @param datagram	the datagram
	 * @param src		its source address and port
	 * @param dst		local address and port it arrived on
	 */
	void (*receive)(gdoi_gm_groups_t *this, chunk_t datagram, host_t *src,
					host_t *dst);

	/**
	 * Destroy the registry and release its groups.
	 */
	void (*destroy)(gdoi_gm_groups_t *this);
};

/**
 * Create an empty registry of joined groups.
 *
 * @param registrar		registrar of the registration IKE_SAs
 * @param tries			registration attempts per key server
 * @param backoff		first backoff after a failed pass, seconds
 * @param backoff_max	cap of the backoff, seconds
 * @param tek_switch	TEK switch-over margin, seconds
 * @return				registry
 */
gdoi_gm_groups_t *gdoi_gm_groups_create(gdoi_gm_registrar_t *registrar,
										u_int tries, uint32_t backoff,
										uint32_t backoff_max,
										uint32_t tek_switch);

#endif /** GDOI_GM_GROUPS_H_ @}*/
