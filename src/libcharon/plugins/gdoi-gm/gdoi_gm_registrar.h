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
 * @defgroup gdoi_gm_registrar gdoi_gm_registrar
 * @{ @ingroup gdoi_gm
 *
 * The member's side of G-IKEv2 registration (RFC 9838 2.3): the
 * registration IKE_SA runs charon's IKE_AUTH tasks; outgoing IKE_AUTH
 * requests get the GSA_AUTH type and the IDg, the key server's GSA_AUTH
 * responses get the IKE_AUTH type before they are parsed, and their GSA
 * and KD (or the notify that refuses the member) are handed to the group
 * once the key server is authenticated.
 */

#ifndef GDOI_GM_REGISTRAR_H_
#define GDOI_GM_REGISTRAR_H_

#include <bus/listeners/listener.h>
#include <sa/task.h>

#include "gdoi_gm_group.h"

/**
 * Registrar of the member.
 */
struct gdoi_gm_registrar_t {

	/**
	 * Implements listener_t.
	 */
	listener_t listener;

	/**
	 * Track a new registration IKE_SA, which registers with GSA_AUTH.
	 *
	 * @param unique_id		unique id of the IKE_SA
	 * @param group			group registering (referenced)
	 * @param connection	name of the connection of the IKE_SA
	 * @param ks			key server of the IKE_SA
	 */
	void (*track)(gdoi_gm_registrar_t *this, u_int unique_id,
				  gdoi_gm_group_t *group, char *connection, host_t *ks);

	/**
	 * Find a registration IKE_SA that a further group can use for
	 * GSA_REGISTRATION, or claim the right to set one up.
	 *
	 * If there is none, established or being set up, the caller gets a claim
	 * that other groups see as pending: it calls track() with the IKE_SA it
	 * sets up, or release() if it does not.
	 *
	 * @param connection	name of the connection
	 * @param ks			key server
	 * @param pending		set to TRUE if one is still being set up
	 * @return				unique id of an established one, 0 if none
	 */
	u_int (*find_sa)(gdoi_gm_registrar_t *this, char *connection, host_t *ks,
					 bool *pending);

	/**
	 * Release a claim of find_sa() that is not followed by track().
	 *
	 * @param connection	name of the connection
	 * @param ks			key server
	 */
	void (*release)(gdoi_gm_registrar_t *this, char *connection, host_t *ks);

	/**
	 * Create the task that registers a group with GSA_REGISTRATION.
	 *
	 * @param ike_sa		established registration IKE_SA
	 * @param group			group to register (referenced)
	 * @return				task to queue on the IKE_SA
	 */
	task_t *(*create_task)(gdoi_gm_registrar_t *this, ike_sa_t *ike_sa,
						   gdoi_gm_group_t *group);

	/**
	 * Destroy the registrar.
	 */
	void (*destroy)(gdoi_gm_registrar_t *this);
};

/**
 * Create the registrar.
 *
 * @return				registrar, to register on charon's bus
 */
gdoi_gm_registrar_t *gdoi_gm_registrar_create();

#endif /** GDOI_GM_REGISTRAR_H_ @}*/
