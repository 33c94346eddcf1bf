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
 * @defgroup gdoi_ks_lifecycle gdoi_ks_lifecycle
 * @{ @ingroup gdoi_ks
 *
 * When a key server group rekeys, as pure functions of its configuration,
 * its member count and the creation times of its keys (the formulas are
 * libgdoi's gdoi_tek_rekey_time() and gdoi_kek_rekey_time()).
 *
 * The timers of a group (gdoi_ks_group.c runs them, one scheduler job per
 * group that wakes up for the earliest of them):
 *
 *  TEK rekey      newest TEKs' creation + gdoi_ks_tek_rekey_at()
 *  KEK rekey      current KEK's creation + gdoi_ks_kek_rekey_at()
 *  retransmission last rekey sent + rekey_retransmit, rekey_retransmits
 *                 times (unicast: to members that did not acknowledge)
 *  TEK expiry     an old TEK's creation + its lifetime: it is wiped and
 *                 registrations stop handing it out
 *  KEK expiry     the KEK of the last rekey, once replaced, is wiped when
 *                 it expires; later acknowledgements are not accepted
 *
 * A policy change (reload) rekeys at once.
 */

#ifndef GDOI_KS_LIFECYCLE_H_
#define GDOI_KS_LIFECYCLE_H_

#include <gdoi_group_cfg.h>

typedef struct gdoi_ks_due_t gdoi_ks_due_t;

/**
 * Which keys are due for a rekey, and when the others will be.
 */
struct gdoi_ks_due_t {

	/** TRUE if the TEKs are due now */
	bool tek;

	/** TRUE if the KEK is due now */
	bool kek;

	/** seconds until the TEKs are due, 0 if due */
	uint32_t tek_in;

	/** seconds until the KEK is due, 0 if due */
	uint32_t kek_in;
};

/**
 * Seconds after their creation at which TEKs of a group are rekeyed:
 * gdoi_tek_rekey_time() with the group's retransmission time and, for
 * unicast, its member count; half the lifetime if that formula leaves no
 * time (retransmission time longer than the lifetime), so that a group
 * never rekeys continuously.
 *
 * @param cfg			group configuration
 * @param members		number of registered members
 * @return				seconds after creation, at least 1
 */
uint32_t gdoi_ks_tek_rekey_at(gdoi_group_cfg_t *cfg, u_int members);

/**
 * Seconds after its creation at which the KEK of a group is rekeyed, as
 * gdoi_ks_tek_rekey_at() with gdoi_kek_rekey_time().
 *
 * @param cfg			group configuration
 * @param members		number of registered members
 * @return				seconds after creation, at least 1
 */
uint32_t gdoi_ks_kek_rekey_at(gdoi_group_cfg_t *cfg, u_int members);

/**
 * Which keys of a group are due for a rekey.
 *
 * @param cfg			group configuration
 * @param members		number of registered members
 * @param tek_created	monotonic creation time of the newest TEKs
 * @param kek_created	monotonic creation time of the current KEK
 * @param now			monotonic time
 * @return				what is due, and when
 */
gdoi_ks_due_t gdoi_ks_rekey_due(gdoi_group_cfg_t *cfg, u_int members,
								time_t tek_created, time_t kek_created,
								time_t now);

#endif /** GDOI_KS_LIFECYCLE_H_ @}*/
