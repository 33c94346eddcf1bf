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

#include <gikev2_rekey.h>

#include "gdoi_ks_members.h"
#include "gdoi_ks_sender.h"

typedef struct gdoi_ks_group_t gdoi_ks_group_t;
typedef struct gdoi_ks_context_t gdoi_ks_context_t;

/**
 * What the groups of a key server share, owned by the plugin.
 */
struct gdoi_ks_context_t {

	/** rekey socket, NULL if none could be opened (rekeys not sent) */
	gdoi_ks_sender_t *sender;

	/** scheduled rekeys a member may miss before it is dropped */
	uint32_t missed_rekeys;

	/** UDP port unicast rekeys are sent to (the members' IKE port) */
	uint16_t member_port;

	/** UDP port of multicast rekeys (the KEK's destination port) */
	uint16_t multicast_port;
};

/**
 * A group served by this key server: its configuration, its keys (every
 * TEK not yet expired, the current KEK), its member database, and its
 * rekeys (timers, the last rekey sent, counters); see gdoi_ks_lifecycle.h
 * for the timers.
 *
 * Each group holds a KEK: multicast rekeys go to the rekey address, UDP
 * 848 (the KEK's destination), unicast rekeys to each member's address,
 * UDP 500 (KEK destination 0.0.0.0/0 or ::/0, UDP 500).  A member whose
 * registration IKE_SA is kept (close_ike_sa = no) gets GSA_INBAND_REKEY
 * over it instead, as long as it is up.
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
	 * group policy is the same; if it changed, a rekey with new TEKs (and
	 * a new KEK if the rekey policy changed) and a Delete of the TEKs
	 * whose traffic is gone is pushed at once (from a job: this may be
	 * called with locks held).
	 *
	 * @param cfg		configuration (referenced)
	 * @param error		set to an allocated message on failure
	 * @return			FALSE if the configuration was refused (the
	 *					signing key is missing), the group is unchanged
	 */
	bool (*update)(gdoi_ks_group_t *this, gdoi_group_cfg_t *cfg,
				   char **error);

	/**
	 * Rekey now: the TEKs, and the KEK if it is due (or if the policy
	 * changed), then send the rekey.  Must not be called with locks held
	 * that an IKE_SA's thread may wait for (inband rekeys check out
	 * IKE_SAs).
	 *
	 * @param force		TRUE to rekey the TEKs even if they are not due
	 * @return			TRUE if a rekey was sent
	 */
	bool (*rekey)(gdoi_ks_group_t *this, bool force);

	/**
	 * Rekey the TEKs as soon as possible, from a job (operators, tests).
	 */
	void (*rekey_soon)(gdoi_ks_group_t *this);

	/**
	 * Retransmit the last rekey if a retransmission is due: to the
	 * multicast address, or to the members that did not acknowledge it
	 * and got it unicast.
	 *
	 * @param force		TRUE to retransmit even if not due yet
	 * @return			TRUE if a retransmission was sent
	 */
	bool (*retransmit)(gdoi_ks_group_t *this, bool force);

	/**
	 * Handle a datagram whose header names a KEK SPI: an acknowledgement
	 * of the last rekey sent, if it is protected with the KEK that
	 * protected the rekey and carries its Message ID.
	 *
	 * @param hdr		header of the datagram (gikev2_rekey_peek())
	 * @param datagram	the datagram
	 * @param src		its source
	 * @return			TRUE if the SPI is this group's (handled)
	 */
	bool (*ack)(gdoi_ks_group_t *this, gikev2_rekey_hdr_t *hdr,
				chunk_t datagram, host_t *src);

	/**
	 * Note that a member acknowledged an inband rekey (the response of a
	 * GSA_INBAND_REKEY exchange).
	 *
	 * @param id		member identity
	 */
	void (*inband_acked)(gdoi_ks_group_t *this, identification_t *id);

	/**
	 * Stop the group when it is unloaded: its timers do nothing anymore,
	 * its keys are wiped and registrations refused.
	 */
	void (*stop)(gdoi_ks_group_t *this);

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
 * Create a group, make its first keys and start its timers.
 *
 * @param cfg			configuration (referenced)
 * @param ctx			shared context (borrowed, outlives the group's use
 *						of it: until stop())
 * @param error			set to an allocated message on failure
 * @return				group, NULL if the signing key is missing or the
 *						keys could not be made
 */
gdoi_ks_group_t *gdoi_ks_group_create(gdoi_group_cfg_t *cfg,
									  gdoi_ks_context_t *ctx, char **error);

#endif /** GDOI_KS_GROUP_H_ @}*/
