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
#include <gikev2_rekey.h>
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
	 * Take the keys of a registration: install the TEKs not held yet
	 * (rollover), retire the TEKs held that the key server no longer hands
	 * out, take the KEK and plan the re-registration.
	 *
	 * @param ks		key server registered with
	 * @param local		the member's address
	 * @param teks		TEKs, gdoi_tek_t* (referenced)
	 * @param kek		KEK with its authentication (referenced), or NULL
	 * @return			TRUE if every TEK is installed
	 */
	bool (*install_keys)(gdoi_gm_group_t *this, host_t *ks, host_t *local,
						 linked_list_t *teks, gdoi_kek_t *kek);

	/**
	 * Check whether the group's current or previous KEK has an SPI, to find
	 * the group of a GSA_REKEY datagram.
	 *
	 * @param spi		KEK SPI, GDOI_KEK_SPI_SIZE bytes
	 * @return			TRUE if the group has a KEK with this SPI
	 */
	bool (*has_kek)(gdoi_gm_group_t *this, uint8_t *spi);

	/**
	 * Process a GSA_REKEY datagram (RFC 9838 2.4.1): header, KEK SPI,
	 * Message ID, integrity, signature, GSA and KD, in that order; then
	 * install the new TEKs, take a new KEK, retire deleted TEKs, plan the
	 * re-registration anew and, for a unicast rekey, send the
	 * acknowledgement to its source from the address it arrived on.  A
	 * datagram that is refused is logged and counted and changes nothing.
	 *
	 * @param datagram	the datagram
	 * @param src		source address and port
	 * @param dst		local address and port it arrived on
	 * @param unicast	TRUE if it arrived on the IKE socket (acknowledge)
	 * @return			GIKEV2_REKEY_OK, or why it was refused
	 */
	gikev2_rekey_reject_t (*rekey)(gdoi_gm_group_t *this, chunk_t datagram,
								   host_t *src, host_t *dst, bool unicast);

	/**
	 * Process a GSA_INBAND_REKEY request (RFC 9838 2.4.2) received over a
	 * registration IKE_SA, its keys wrapped with the IKE_SA's KWK.
	 *
	 * @param ike_sa	the registration IKE_SA
	 * @param gsa		GSA payload body, chunk_empty if none
	 * @param kd		KD payload body, chunk_empty if none
	 * @param del_spis	ESP SPIs of the Delete payloads (network order)
	 * @param del_count	number of SPIs
	 * @param only		TRUE if this is the only group registered over the
	 *					IKE_SA; if FALSE, a request whose keys, traffic and
	 *					deleted SPIs are none of this group's is left alone
	 * @return			GIKEV2_REKEY_OK, why it was refused, or
	 *					GIKEV2_REKEY_UNKNOWN_SPI if it is for another group
	 */
	gikev2_rekey_reject_t (*inband_rekey)(gdoi_gm_group_t *this,
										  ike_sa_t *ike_sa, chunk_t gsa,
										  chunk_t kd, uint32_t *del_spis,
										  u_int del_count, bool only);

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
 * @param delete_delay	seconds until a TEK named in a Delete is removed
 * @param registrar		registrar that tracks the registration IKE_SAs, NULL
 *						to start no registration (tests)
 * @return				group
 */
gdoi_gm_group_t *gdoi_gm_group_create(gdoi_group_cfg_t *cfg,
									  u_int options_tries, uint32_t backoff,
									  uint32_t backoff_max,
									  uint32_t tek_switch,
									  uint32_t delete_delay,
									  gdoi_gm_registrar_t *registrar);

/**
 * Queue the processing of a GSA_REKEY datagram by a group in a job.
 *
 * @param group			group (referenced by the job)
 * @param datagram		datagram (cloned)
 * @param src			its source address and port (cloned)
 * @param dst			local address and port it arrived on (cloned)
 * @param unicast		TRUE if it arrived on the IKE socket (acknowledge)
 */
void gdoi_gm_group_queue_rekey(gdoi_gm_group_t *group, chunk_t datagram,
							   host_t *src, host_t *dst, bool unicast);

#endif /** GDOI_GM_GROUP_H_ @}*/
