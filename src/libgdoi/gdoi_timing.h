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
 * @defgroup gdoi_timing gdoi_timing
 * @{ @ingroup libgdoi
 *
 * Group key management timers as pure functions.
 *
 * Every timer of the key server (KS) and group member (GM) is computed here,
 * from the formulas GET VPN uses, so that they can be tested without a
 * daemon. All times are in seconds; windows are relative to the moment the
 * key was created (0) and never extend past its lifetime.
 *
 *  KS TEK rekey   lifetime - [max(10% of T, 90 s) + retransmit time +
 *                 5 s * (members / 50)], the members term for unicast only
 *  KS KEK rekey   lifetime - [200 s + retransmit time + 5 s * (1 + members /
 *                 50)], again the members term for unicast only
 *  GM TEK switch  outbound traffic moves to the new TEK when 30 s remain on
 *                 the old one
 *  GM TEK re-registration (no rekey arrived)
 *                 random point in [T - R - J, T - R], R = max(5% of T, 60 s),
 *                 J = max(2% of T, 6 s)
 *  GM KEK re-registration (no KEK rekey arrived)
 *                 random point in [T - 190 s, T - 40 s]
 *  GM registration backoff after a pass over all key servers failed
 *                 base * 2^(pass - 1), capped (GET VPN: 70, 140, 280, 480)
 *
 * The fixed seconds in these formulas (90, 200, 30, 60, 6, 190, 40) are
 * capped at 45%, 40%, 15%, 30%, 3%, 38% and 8% of the lifetime. The caps
 * never bind for TEK lifetimes of 200 s and KEK lifetimes of 500 s or more;
 * below (test lifetimes, see gdoi-ks.test_lifetimes) every lead shrinks in
 * proportion, so the order stays: the KS rekeys, then a member that missed
 * the rekey re-registers, then a member switches to the new TEK.
 */

#ifndef GDOI_TIMING_H_
#define GDOI_TIMING_H_

#include <library.h>

/** default TEK switch-over margin, in seconds before the old TEK expires */
#define GDOI_TEK_SWITCH_MARGIN 30

/** default first registration backoff after a failed pass, in seconds */
#define GDOI_BACKOFF_BASE 70

/** default cap of the registration backoff, in seconds */
#define GDOI_BACKOFF_MAX 480

/**
 * GET VPN's minimum head start of a TEK rekey, in seconds
 */
#define GDOI_TEK_REKEY_LEAD 90

/**
 * GET VPN's head start of a KEK rekey, in seconds
 */
#define GDOI_KEK_REKEY_LEAD 200

typedef struct gdoi_window_t gdoi_window_t;

/**
 * A window of time, in seconds relative to the creation of a key.
 */
struct gdoi_window_t {

	/** earliest point of the window */
	uint32_t from;

	/** latest point of the window, from <= to */
	uint32_t to;
};

/**
 * Time after creation at which the KS starts the rekey of a TEK.
 *
 * @param lifetime		TEK lifetime T
 * @param retransmit	total retransmission time (retransmits * interval)
 * @param members		number of registered members
 * @param unicast		TRUE for unicast rekeys, which take time per member
 * @return				seconds after creation, 0 if the lead exceeds T
 */
uint32_t gdoi_tek_rekey_time(uint32_t lifetime, uint32_t retransmit,
							 u_int members, bool unicast);

/**
 * Time after creation at which the KS starts the rekey of a KEK.
 *
 * @param lifetime		KEK lifetime
 * @param retransmit	total retransmission time (retransmits * interval)
 * @param members		number of registered members
 * @param unicast		TRUE for unicast rekeys, which take time per member
 * @return				seconds after creation, 0 if the lead exceeds it
 */
uint32_t gdoi_kek_rekey_time(uint32_t lifetime, uint32_t retransmit,
							 u_int members, bool unicast);

/**
 * Like gdoi_tek_rekey_time(), with another minimum head start than GET
 * VPN's 90 s (groups.<name>.server.tek_rekey_lead).
 *
 * @param lifetime		TEK lifetime T
 * @param retransmit	retransmission time (retransmits x interval)
 * @param members		registered members
 * @param unicast		TRUE for unicast rekeys
 * @param min_lead		minimum head start instead of 90 s
 * @return				seconds after creation
 */
uint32_t gdoi_tek_rekey_time_lead(uint32_t lifetime, uint32_t retransmit,
								  u_int members, bool unicast,
								  uint32_t min_lead);

/**
 * Like gdoi_kek_rekey_time(), with another head start than GET VPN's 200 s
 * (groups.<name>.server.kek_rekey_lead).
 *
 * @param lifetime		KEK lifetime
 * @param retransmit	retransmission time (retransmits x interval)
 * @param members		registered members
 * @param unicast		TRUE for unicast rekeys
 * @param lead			head start instead of 200 s
 * @return				seconds after creation
 */
uint32_t gdoi_kek_rekey_time_lead(uint32_t lifetime, uint32_t retransmit,
								  u_int members, bool unicast, uint32_t lead);

/**
 * Time after creation of the old TEK at which a GM moves outbound traffic
 * to its successor.
 *
 * @param lifetime		lifetime of the old TEK
 * @param margin		seconds before expiry (GDOI_TEK_SWITCH_MARGIN)
 * @return				seconds after creation, 0 if margin exceeds it
 */
uint32_t gdoi_tek_switch_time(uint32_t lifetime, uint32_t margin);

/**
 * Window in which a GM that received no rekey re-registers, for a TEK.
 *
 * @param lifetime		TEK lifetime T
 * @return				window [T - R - J, T - R], clamped to [0, T]
 */
gdoi_window_t gdoi_tek_reregister_window(uint32_t lifetime);

/**
 * Window in which a GM that received no KEK rekey re-registers.
 *
 * @param lifetime		KEK lifetime T
 * @return				window [T - 190, T - 40], clamped to [0, T]
 */
gdoi_window_t gdoi_kek_reregister_window(uint32_t lifetime);

/**
 * Pick a point of a window from a random value.
 *
 * @param window		window to pick from
 * @param random		random value, e.g. from a weak RNG
 * @return				window.from + random mod (window.to - window.from + 1)
 */
uint32_t gdoi_window_pick(gdoi_window_t window, uint32_t random);

/**
 * Wait before the next pass over the key server list.
 *
 * @param pass			number of the pass that just failed, from 1
 * @param base			wait after the first pass (GDOI_BACKOFF_BASE)
 * @param cap			cap of the wait (GDOI_BACKOFF_MAX)
 * @return				min(base * 2^(pass - 1), cap) seconds
 */
uint32_t gdoi_registration_backoff(u_int pass, uint32_t base, uint32_t cap);

#endif /** GDOI_TIMING_H_ @}*/
