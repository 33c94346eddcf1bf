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
 * @defgroup gdoi_ks_members gdoi_ks_members
 * @{ @ingroup gdoi_ks
 */

#ifndef GDOI_KS_MEMBERS_H_
#define GDOI_KS_MEMBERS_H_

#include <library.h>
#include <networking/host.h>
#include <utils/identification.h>

typedef struct gdoi_ks_members_t gdoi_ks_members_t;
typedef struct gdoi_ks_member_t gdoi_ks_member_t;

/**
 * A registered group member, as seen by enumerators (borrowed).
 */
struct gdoi_ks_member_t {

	/** authenticated IKE identity of the member */
	identification_t *id;

	/** address the member registered from, where unicast rekeys go */
	host_t *address;

	/** monotonic time of the last (re-)registration */
	time_t registered;

	/** consecutive scheduled rekeys the member did not acknowledge */
	u_int missed;

	/** unique id of the member's registration IKE_SA if the key server
	 * keeps it (inband rekeys), 0 if it was closed */
	u_int ike_sa;

	/** TRUE while the last rekey sent is not acknowledged */
	bool pending;

	/** TRUE if the last rekey went over the IKE_SA (GSA_INBAND_REKEY),
	 * which retransmits it itself */
	bool inband;
};

/**
 * The member database of one group on the key server.
 *
 * Members are keyed by their authenticated identity: a member that
 * registers again (from the same or a new address) updates its entry.
 * A member that fails to acknowledge a number of consecutive scheduled
 * rekeys is dropped (GET VPN: 3); retransmissions do not count.
 *
 * Acknowledgements of unicast rekeys are matched by the member's address
 * (without port: the acknowledgement comes from the member's IKE port,
 * which a NAT may map differently). Of several members behind one
 * address, the one that registered last is matched.
 */
struct gdoi_ks_members_t {

	/**
	 * Add a member, or update it if its identity is known.
	 *
	 * @param id			member identity (cloned)
	 * @param address		member address (cloned)
	 * @param ike_sa		unique id of the registration IKE_SA if it is
	 *						kept, 0 if it is closed
	 * @return				TRUE if the member is new
	 */
	bool (*add)(gdoi_ks_members_t *this, identification_t *id,
				host_t *address, u_int ike_sa);

	/**
	 * Remove a member.
	 *
	 * @param id			member identity
	 * @return				TRUE if it was a member
	 */
	bool (*remove)(gdoi_ks_members_t *this, identification_t *id);

	/**
	 * Number of members.
	 *
	 * @return				member count
	 */
	u_int (*get_count)(gdoi_ks_members_t *this);

	/**
	 * Note that a scheduled rekey went out to every member: each member
	 * counts one more missed rekey and is pending until it acknowledges.
	 */
	void (*rekey_sent)(gdoi_ks_members_t *this);

	/**
	 * Note that the pending rekey went to a member over its IKE_SA.
	 *
	 * @param id			member identity
	 * @return				TRUE if it is a member
	 */
	bool (*set_inband)(gdoi_ks_members_t *this, identification_t *id);

	/**
	 * Note that a member acknowledged a rekey.
	 *
	 * @param id			member identity
	 * @return				TRUE if it is a member
	 */
	bool (*acked)(gdoi_ks_members_t *this, identification_t *id);

	/**
	 * Note that the member at an address acknowledged the pending rekey.
	 *
	 * @param address		source address of the acknowledgement (the
	 *						port is ignored)
	 * @return				TRUE if a member with a pending rekey is at the
	 *						address, FALSE if none or already acknowledged
	 */
	bool (*acked_address)(gdoi_ks_members_t *this, host_t *address);

	/**
	 * Drop the members that missed too many consecutive scheduled rekeys.
	 *
	 * @param max_missed	members with at least this many misses go
	 * @return				number of members dropped (each one logged)
	 */
	u_int (*expire)(gdoi_ks_members_t *this, u_int max_missed);

	/**
	 * Enumerate members, read lock held until destroyed: do not call back
	 * into this object while enumerating.
	 *
	 * @return				enumerator over gdoi_ks_member_t*
	 */
	enumerator_t *(*create_enumerator)(gdoi_ks_members_t *this);

	/**
	 * Destroy the database and all members.
	 */
	void (*destroy)(gdoi_ks_members_t *this);
};

/**
 * Create an empty member database.
 *
 * @param group			group name for log lines (cloned)
 * @return				member database
 */
gdoi_ks_members_t *gdoi_ks_members_create(char *group);

#endif /** GDOI_KS_MEMBERS_H_ @}*/
