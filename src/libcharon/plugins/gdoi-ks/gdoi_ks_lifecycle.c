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

#include "gdoi_ks_lifecycle.h"

#include <gdoi_timing.h>

/**
 * Total retransmission time of a group, saturated
 */
static uint32_t retransmit_time(gdoi_group_cfg_t *cfg)
{
	uint64_t total;

	total = (uint64_t)cfg->rekey_retransmit * cfg->rekey_retransmits;
	return min(total, (uint64_t)UINT32_MAX);
}

/**
 * Keep a rekey time usable: half the lifetime if the formula left none
 */
static uint32_t usable(uint32_t at, uint32_t lifetime)
{
	if (!at)
	{
		at = lifetime / 2;
	}
	return max(at, 1);
}

/*
 * Described in header
 */
uint32_t gdoi_ks_tek_rekey_at(gdoi_group_cfg_t *cfg, u_int members)
{
	return usable(gdoi_tek_rekey_time_lead(cfg->tek_lifetime,
								retransmit_time(cfg), members,
								cfg->rekey == GDOI_REKEY_UNICAST,
								cfg->tek_rekey_lead),
				  cfg->tek_lifetime);
}

/*
 * Described in header
 */
uint32_t gdoi_ks_kek_rekey_at(gdoi_group_cfg_t *cfg, u_int members)
{
	return usable(gdoi_kek_rekey_time_lead(cfg->kek_lifetime,
								retransmit_time(cfg), members,
								cfg->rekey == GDOI_REKEY_UNICAST,
								cfg->kek_rekey_lead),
				  cfg->kek_lifetime);
}

/**
 * Seconds from now until created + at, 0 if past
 */
static uint32_t until(time_t created, uint32_t at, time_t now)
{
	time_t due = created + at;

	return due > now ? due - now : 0;
}

/*
 * Described in header
 */
gdoi_ks_due_t gdoi_ks_rekey_due(gdoi_group_cfg_t *cfg, u_int members,
								time_t tek_created, time_t kek_created,
								time_t now)
{
	gdoi_ks_due_t due;

	due.tek_in = until(tek_created, gdoi_ks_tek_rekey_at(cfg, members), now);
	due.kek_in = until(kek_created, gdoi_ks_kek_rekey_at(cfg, members), now);
	due.tek = due.tek_in == 0;
	due.kek = due.kek_in == 0;
	return due;
}
