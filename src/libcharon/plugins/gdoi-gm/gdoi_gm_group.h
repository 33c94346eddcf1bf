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
 * @defgroup gdoi_gm_group gdoi_gm_group
 * @{ @ingroup gdoi_gm
 */

#ifndef GDOI_GM_GROUP_H_
#define GDOI_GM_GROUP_H_

#include <sa/ike_sa.h>
#include <gdoi_group_cfg.h>
#include <gikev2_types.h>
#include <vici_builder.h>

typedef struct gdoi_gm_group_t gdoi_gm_group_t;
typedef struct gdoi_gm_registrar_t gdoi_gm_registrar_t;
typedef enum gdoi_gm_state_t gdoi_gm_state_t;

/**
 * Registration state of a group on the member.
 */
enum gdoi_gm_state_t {
	/** not registered, nothing under way */
	GDOI_GM_IDLE,
	/** registering with a key server */
	GDOI_GM_REGISTERING,
	/** registered, group SAs installed */
	GDOI_GM_REGISTERED,
};

/**
 * enum names for gdoi_gm_state_t
 */
extern enum_name_t *gdoi_gm_state_names;

/**
 * A group this node is a member of: its configuration, the key servers in
 * order, the keys received and the group SAs installed. One lock.
 */
struct gdoi_gm_group_t {

	/**
	 * Get the configuration.
	 *
	 * @return			configuration (new reference)
	 */
	gdoi_group_cfg_t *(*get_cfg)(gdoi_gm_group_t *this);

	/**
	 * Get the registration state.
	 *
	 * @return			state
	 */
	gdoi_gm_state_t (*get_state)(gdoi_gm_group_t *this);

	/**
	 * Take a reloaded configuration.
	 *
	 * @param cfg		configuration (referenced)
	 */
	void (*update)(gdoi_gm_group_t *this, gdoi_group_cfg_t *cfg);

	/**
	 * Register with the current key server, now.
	 *
	 * @return			the registration IKE_SA's unique id, 0 on failure
	 */
	u_int (*register_)(gdoi_gm_group_t *this);

	/**
	 * The key server answered with the group policy and keys: install them.
	 *
	 * @param ike_sa	the registration IKE_SA, established
	 * @param gsa		GSA payload body
	 * @param kd		KD payload body
	 * @param exchange	GSA_AUTH or GSA_REGISTRATION
	 * @return			TRUE if registered and installed
	 */
	bool (*registered)(gdoi_gm_group_t *this, ike_sa_t *ike_sa, chunk_t gsa,
					   chunk_t kd, gikev2_exchange_t exchange);

	/**
	 * Registering failed or was refused: move on to the next key server.
	 *
	 * @param reason	why, for the log
	 */
	void (*failed)(gdoi_gm_group_t *this, char *reason);

	/**
	 * Add the member view to a list-group event.
	 *
	 * @param b			builder, inside the group's section
	 */
	void (*list)(gdoi_gm_group_t *this, vici_builder_t *b);

	/**
	 * Stop: remove the group SAs and end every registration activity; the
	 * group was unloaded.
	 */
	void (*stop)(gdoi_gm_group_t *this);

	/**
	 * Get a reference.
	 *
	 * @return			this, with one more reference
	 */
	gdoi_gm_group_t *(*get_ref)(gdoi_gm_group_t *this);

	/**
	 * Release a reference, remove the group SAs and destroy the group with
	 * the last one.
	 */
	void (*destroy)(gdoi_gm_group_t *this);
};

/**
 * Create a group.
 *
 * @param cfg			configuration (referenced)
 * @param options_tries	registration attempts per key server
 * @param backoff		first backoff after a failed pass, seconds
 * @param backoff_max	cap of the backoff, seconds
 * @param tek_switch	TEK switch-over margin, seconds
 * @param registrar		registrar that tracks the registration IKE_SAs
 * @return				group
 */
gdoi_gm_group_t *gdoi_gm_group_create(gdoi_group_cfg_t *cfg,
									  u_int options_tries, uint32_t backoff,
									  uint32_t backoff_max,
									  uint32_t tek_switch,
									  gdoi_gm_registrar_t *registrar);

#endif /** GDOI_GM_GROUP_H_ @}*/
