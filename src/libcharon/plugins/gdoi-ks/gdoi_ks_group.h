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
 * @defgroup gdoi_ks_group gdoi_ks_group
 * @{ @ingroup gdoi_ks
 */

#ifndef GDOI_KS_GROUP_H_
#define GDOI_KS_GROUP_H_

#include <gdoi_group_cfg.h>
#include <gikev2_types.h>
#include <vici_builder.h>

#include "gdoi_ks_members.h"

typedef struct gdoi_ks_group_t gdoi_ks_group_t;

/**
 * A group served by this key server: its configuration, its current keys
 * (a TEK per permitted traffic entry, a KEK if rekeys are multicast) and
 * its member database. One lock.
 */
struct gdoi_ks_group_t {

	/**
	 * Get the configuration.
	 *
	 * @return			configuration (new reference)
	 */
	gdoi_group_cfg_t *(*get_cfg)(gdoi_ks_group_t *this);

	/**
	 * Take a reloaded configuration. Keys and members are kept if the
	 * group policy is the same; new keys are made if it changed.
	 *
	 * @param cfg		configuration (referenced)
	 * @return			TRUE if the policy changed and new keys were made
	 */
	bool (*update)(gdoi_ks_group_t *this, gdoi_group_cfg_t *cfg);

	/**
	 * Encode the group policy and keys for a registering member.
	 *
	 * @param exchange	GSA_AUTH or GSA_REGISTRATION
	 * @param kwa		key wrap algorithm of the registration IKE SA
	 * @param kwk		its key wrap key
	 * @param gsa		receives the GSA body (allocated)
	 * @param kd		receives the KD body (allocated, wipe it)
	 * @return			TRUE if encoded
	 */
	bool (*encode_registration)(gdoi_ks_group_t *this,
								gikev2_exchange_t exchange, gikev2_kwa_t kwa,
								chunk_t kwk, chunk_t *gsa, chunk_t *kd);

	/**
	 * Get the member database.
	 *
	 * @return			members (borrowed)
	 */
	gdoi_ks_members_t *(*get_members)(gdoi_ks_group_t *this);

	/**
	 * Add the runtime view (members, TEKs, KEK) to a list-group event.
	 *
	 * @param b			builder, inside the group's section
	 */
	void (*list)(gdoi_ks_group_t *this, vici_builder_t *b);

	/**
	 * Get a reference.
	 *
	 * @return			this, with one more reference
	 */
	gdoi_ks_group_t *(*get_ref)(gdoi_ks_group_t *this);

	/**
	 * Release a reference, destroy the group with the last one, wiping its
	 * keys.
	 */
	void (*destroy)(gdoi_ks_group_t *this);
};

/**
 * Create a group and make its first keys.
 *
 * @param cfg			configuration (referenced)
 * @return				group, NULL if the keys could not be made (logged)
 */
gdoi_ks_group_t *gdoi_ks_group_create(gdoi_group_cfg_t *cfg);

#endif /** GDOI_KS_GROUP_H_ @}*/
