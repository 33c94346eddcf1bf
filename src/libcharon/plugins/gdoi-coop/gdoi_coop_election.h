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
 * @defgroup gdoi_coop_election gdoi_coop_election
 * @{ @ingroup gdoi_coop
 *
 * Election of the primary among cooperative key servers.
 *
 * Every key server starts as secondary and elects: the highest priority
 * wins, on equal priority the highest address (an IPv6 address ranks above
 * any IPv4 address). There is no pre-emption: a secondary never takes over
 * from a primary that is alive, whatever its own rank; a primary steps down
 * only when it sees another primary that ranks higher, as after a network
 * split heals.
 */

#ifndef GDOI_COOP_ELECTION_H_
#define GDOI_COOP_ELECTION_H_

#include <library.h>
#include <networking/host.h>

typedef struct gdoi_coop_candidate_t gdoi_coop_candidate_t;
typedef enum gdoi_coop_role_t gdoi_coop_role_t;

/**
 * Role of a cooperative key server.
 */
enum gdoi_coop_role_t {
	GDOI_COOP_SECONDARY,
	GDOI_COOP_PRIMARY,
};

/**
 * enum names for gdoi_coop_role_t.
 */
extern enum_name_t *gdoi_coop_role_names;

/**
 * A key server taking part in the election.
 */
struct gdoi_coop_candidate_t {

	/** address of the key server (borrowed) */
	host_t *address;

	/** configured priority, higher wins */
	uint8_t priority;
};

/**
 * Compare the rank of two key servers.
 *
 * @param a				first key server
 * @param b				second key server
 * @return				> 0 if a ranks higher, < 0 if b does, 0 if equal
 */
int gdoi_coop_rank(gdoi_coop_candidate_t *a, gdoi_coop_candidate_t *b);

/**
 * Elect the primary among the key servers that claim no primary role.
 *
 * @param candidates	key servers, including the local one
 * @param count			number of candidates
 * @return				index of the elected key server, -1 if none
 */
int gdoi_coop_elect(gdoi_coop_candidate_t *candidates, int count);

/**
 * Role of the local key server after another one announced itself as
 * primary.
 *
 * @param role			current local role
 * @param local			the local key server
 * @param primary		the key server that claims the primary role
 * @return				new local role
 */
gdoi_coop_role_t gdoi_coop_primary_seen(gdoi_coop_role_t role,
										gdoi_coop_candidate_t *local,
										gdoi_coop_candidate_t *primary);

#endif /** GDOI_COOP_ELECTION_H_ @}*/
