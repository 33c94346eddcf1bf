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
 * @defgroup gdoi_ks_groups gdoi_ks_groups
 * @{ @ingroup gdoi_ks
 */

#ifndef GDOI_KS_GROUPS_H_
#define GDOI_KS_GROUPS_H_

#include <gdoi_vici.h>

#include "gdoi_ks_group.h"

typedef struct gdoi_ks_groups_t gdoi_ks_groups_t;

/**
 * The groups this node serves as key server, by name.
 *
 * Implements the server role's gdoi_role_handler_t for the vici front-end.
 */
struct gdoi_ks_groups_t {

	/**
	 * Implements the handler of the server role.
	 */
	gdoi_role_handler_t handler;

	/**
	 * Get the configuration of a served group.
	 *
	 * @param name		name of the group
	 * @return			configuration (new reference), NULL if not found
	 */
	gdoi_group_cfg_t *(*get_group)(gdoi_ks_groups_t *this, char *name);

	/**
	 * Find a served group by its identity (IDg).
	 *
	 * @param id		group identity
	 * @return			group (new reference), NULL if none
	 */
	gdoi_ks_group_t *(*find_by_id)(gdoi_ks_groups_t *this,
								   identification_t *id);

	/**
	 * Handle a datagram received on the rekey socket: an acknowledgement
	 * goes to the group whose last rekey was protected with the KEK it
	 * names.
	 *
	 * @param datagram	received datagram
	 * @param src		its source
	 */
	void (*receive)(gdoi_ks_groups_t *this, chunk_t datagram, host_t *src);

	/**
	 * Destroy the registry, stop and release its groups.
	 */
	void (*destroy)(gdoi_ks_groups_t *this);
};

/**
 * Create an empty registry of served groups.
 *
 * @param ctx		context the groups share (borrowed)
 * @return			registry
 */
gdoi_ks_groups_t *gdoi_ks_groups_create(gdoi_ks_context_t *ctx);

#endif /** GDOI_KS_GROUPS_H_ @}*/
