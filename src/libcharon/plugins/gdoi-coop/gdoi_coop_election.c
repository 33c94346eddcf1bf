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

#include "gdoi_coop_election.h"

ENUM(gdoi_coop_role_names, GDOI_COOP_SECONDARY, GDOI_COOP_PRIMARY,
	"secondary",
	"primary",
);

/**
 * Compare two addresses: family first (IPv6 above IPv4), then numerically
 */
static int compare_address(host_t *a, host_t *b)
{
	chunk_t ca, cb;

	ca = a->get_address(a);
	cb = b->get_address(b);
	if (ca.len != cb.len)
	{
		return ca.len > cb.len ? 1 : -1;
	}
	return memcmp(ca.ptr, cb.ptr, ca.len);
}

/*
 * Described in header
 */
int gdoi_coop_rank(gdoi_coop_candidate_t *a, gdoi_coop_candidate_t *b)
{
	if (a->priority != b->priority)
	{
		return a->priority > b->priority ? 1 : -1;
	}
	return compare_address(a->address, b->address);
}

/*
 * Described in header
 */
int gdoi_coop_elect(gdoi_coop_candidate_t *candidates, int count)
{
	int i, best = -1;

	for (i = 0; i < count; i++)
	{
		if (best < 0 || gdoi_coop_rank(&candidates[i], &candidates[best]) > 0)
		{
			best = i;
		}
	}
	return best;
}

/*
 * Described in header
 */
gdoi_coop_role_t gdoi_coop_primary_seen(gdoi_coop_role_t role,
										gdoi_coop_candidate_t *local,
										gdoi_coop_candidate_t *primary)
{
	if (role == GDOI_COOP_PRIMARY && gdoi_coop_rank(primary, local) > 0)
	{
		return GDOI_COOP_SECONDARY;
	}
	return role;
}
