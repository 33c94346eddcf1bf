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
 * @defgroup gdoi_gm_load gdoi_gm_load
 * @{ @ingroup gdoi_gm
 *
 * Load mode of the group member, for benchmarks (testing/bench).
 *
 * strongSwan's load-tester plugin initiates IKE_SAs from a fresh identity
 * for every iteration, with a cap on half-open IKE_SAs and, with
 * fake_kernel, without installing anything. In load mode, each of these
 * IKE_SAs (connection "load-test") registers with a group instead of
 * setting up a CHILD_SA: the CHILD_SA task is dropped before IKE_AUTH, the
 * IKE_AUTH request goes out as GSA_AUTH with the IDg, and the GSA and KD
 * of the response are decoded and their keys unwrapped as a member does
 * it. So the key server sees real registrations from distinct members.
 *
 * Without a group, the load-tester's IKE_SAs stay plain IKE_SA+CHILD_SA
 * setups and are only counted: the baseline of the same generator.
 *
 * Either way, the number of completed and failed setups and the time from
 * the first initiation to the last completion are logged once all the
 * load-tester's iterations are done.
 */

#ifndef GDOI_GM_LOAD_H_
#define GDOI_GM_LOAD_H_

#include <bus/listeners/listener.h>

typedef struct gdoi_gm_load_t gdoi_gm_load_t;

/**
 * Load mode listener.
 */
struct gdoi_gm_load_t {

	/**
	 * Implements listener_t.
	 */
	listener_t listener;

	/**
	 * Destroy the load mode.
	 */
	void (*destroy)(gdoi_gm_load_t *this);
};

/**
 * Create the load mode, if charon.plugins.gdoi-gm.load_test.enable is set.
 *
 * @param ok			set to FALSE if an option is invalid (logged)
 * @return				listener to register on charon's bus, NULL if the
 *						load mode is not enabled or an option is invalid
 */
gdoi_gm_load_t *gdoi_gm_load_create(bool *ok);

#endif /** GDOI_GM_LOAD_H_ @}*/
