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
 * @defgroup gdoi_ks_registrar gdoi_ks_registrar
 * @{ @ingroup gdoi_ks
 *
 * The key server's side of G-IKEv2 registration (RFC 9838 2.3): GSA_AUTH
 * runs on charon's IKE_AUTH tasks. An incoming GSA_AUTH request gets the
 * IKE_AUTH type before it is parsed; once the member is authenticated, the
 * response gets the group policy (GSA) and keys (KD), or the notify that
 * refuses the member, and the GSA_AUTH type. GET VPN's event names are in
 * the log lines (KS_REGS_COMPL, KS_UNAUTHORIZED, KS_BAD_ID).
 */

#ifndef GDOI_KS_REGISTRAR_H_
#define GDOI_KS_REGISTRAR_H_

#include <bus/listeners/listener.h>
#include <sa/ike_sa.h>
#include <gikev2_types.h>

#include "gdoi_ks_groups.h"

/** key wrap algorithm of the registration IKE SA (see README: until a
 * proposal transform for it exists, both ends use this one) */
#define GDOI_KS_REGISTRATION_KWA GIKEV2_KW_5649_256

typedef struct gdoi_ks_registrar_t gdoi_ks_registrar_t;

/**
 * Registrar of the key server.
 */
struct gdoi_ks_registrar_t {

	/**
	 * Implements listener_t.
	 */
	listener_t listener;

	/**
	 * Destroy the registrar.
	 */
	void (*destroy)(gdoi_ks_registrar_t *this);
};

/**
 * Derive the key wrap key (GSK_w) of a registration IKE_SA, for
 * GDOI_KS_REGISTRATION_KWA.
 *
 * @param ike_sa		established IKE_SA
 * @param kwk			receives the key (allocated, chunk_clear() it)
 * @return				TRUE if derived
 */
bool gdoi_ks_registrar_derive_kwk(ike_sa_t *ike_sa, chunk_t *kwk);

/**
 * Create the registrar.
 *
 * @param groups		served groups (borrowed)
 * @return				registrar, to register on charon's bus
 */
gdoi_ks_registrar_t *gdoi_ks_registrar_create(gdoi_ks_groups_t *groups);

#endif /** GDOI_KS_REGISTRAR_H_ @}*/
