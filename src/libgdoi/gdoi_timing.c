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

#include "gdoi_timing.h"


/** seconds of unicast send time per started 50 members */
#define UNICAST_SECONDS 5
#define UNICAST_MEMBERS 50

/** minimum re-registration point and jitter before TEK expiry */
#define REREG_MIN 60
#define REREG_JITTER_MIN 6

/** KEK re-registration window, in seconds before KEK expiry */
#define KEK_REREG_EARLY 190
#define KEK_REREG_LATE 40

/**
 * lifetime - lead, or 0 if the lead is longer
 */
static inline uint32_t before(uint32_t lifetime, uint64_t lead)
{
	return lead >= lifetime ? 0 : lifetime - lead;
}

/**
 * A fixed GET VPN lead, but at most the given percentage of the lifetime.
 * The fixed leads are made for lifetimes of minutes to days; below 200 s
 * (TEK) and 500 s (KEK), which only test lifetimes reach, they shrink in
 * proportion, so that the key server still rekeys before a member
 * re-registers, and a member re-registers before it switches over
 */
static inline uint64_t lead_cap(uint32_t lead, uint32_t lifetime,
								u_int percent)
{
	return min((uint64_t)lead, (uint64_t)lifetime * percent / 100);
}

/*
 * Described in header
 */
uint32_t gdoi_tek_rekey_time(uint32_t lifetime, uint32_t retransmit,
							 u_int members, bool unicast)
{
	return gdoi_tek_rekey_time_lead(lifetime, retransmit, members, unicast,
									GDOI_TEK_REKEY_LEAD);
}

/*
 * Described in header
 */
uint32_t gdoi_tek_rekey_time_lead(uint32_t lifetime, uint32_t retransmit,
								  u_int members, bool unicast,
								  uint32_t min_lead)
{
	uint64_t lead;

	lead = max((uint64_t)lifetime / 10, lead_cap(min_lead, lifetime, 45)) +
		   (uint64_t)retransmit;
	if (unicast)
	{
		lead += (uint64_t)UNICAST_SECONDS * (members / UNICAST_MEMBERS);
	}
	return before(lifetime, lead);
}

/*
 * Described in header
 */
uint32_t gdoi_kek_rekey_time(uint32_t lifetime, uint32_t retransmit,
							 u_int members, bool unicast)
{
	return gdoi_kek_rekey_time_lead(lifetime, retransmit, members, unicast,
									GDOI_KEK_REKEY_LEAD);
}

/*
 * Described in header
 */
uint32_t gdoi_kek_rekey_time_lead(uint32_t lifetime, uint32_t retransmit,
								  u_int members, bool unicast, uint32_t lead)
{
	uint64_t total;

	total = lead_cap(lead, lifetime, 40) + (uint64_t)retransmit;
	if (unicast)
	{
		total += (uint64_t)UNICAST_SECONDS * (1 + members / UNICAST_MEMBERS);
	}
	return before(lifetime, total);
}

/*
 * Described in header
 */
uint32_t gdoi_tek_switch_time(uint32_t lifetime, uint32_t margin)
{
	return before(lifetime, lead_cap(margin, lifetime, 15));
}

/*
 * Described in header
 */
gdoi_window_t gdoi_tek_reregister_window(uint32_t lifetime)
{
	uint32_t point, jitter;

	point = max(lifetime / 20, lead_cap(REREG_MIN, lifetime, 30));
	jitter = max(lifetime / 50, lead_cap(REREG_JITTER_MIN, lifetime, 3));
	return (gdoi_window_t){
		.from = before(lifetime, (uint64_t)point + jitter),
		.to = before(lifetime, point),
	};
}

/*
 * Described in header
 */
gdoi_window_t gdoi_kek_reregister_window(uint32_t lifetime)
{
	return (gdoi_window_t){
		.from = before(lifetime, lead_cap(KEK_REREG_EARLY, lifetime, 38)),
		.to = before(lifetime, lead_cap(KEK_REREG_LATE, lifetime, 8)),
	};
}

/*
 * Described in header
 */
uint32_t gdoi_window_pick(gdoi_window_t window, uint32_t random)
{
	uint64_t width;

	if (window.to <= window.from)
	{
		return window.from;
	}
	width = (uint64_t)window.to - window.from + 1;
	return window.from + (uint32_t)(random % width);
}

/*
 * Described in header
 */
uint32_t gdoi_registration_backoff(u_int pass, uint32_t base, uint32_t cap)
{
	uint64_t wait = base;

	while (pass-- > 1 && wait < cap)
	{
		wait *= 2;
	}
	return min(wait, (uint64_t)cap);
}
