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
 * @defgroup gikev2_registration gikev2_registration
 * @{ @ingroup libgdoi
 *
 * The group policy and keys of a G-IKEv2 registration response (GSA_AUTH,
 * GSA_REGISTRATION) or rekey (GSA_REKEY, GSA_INBAND_REKEY): the key server
 * turns its TEKs and KEK into the GSA and KD payload bodies, with every key
 * wrapped with a KWK; the member turns them back into TEKs and a KEK.
 * Both directions are here, so that they cannot disagree.
 *
 * The KWK is the registration IKE SA's in GSA_AUTH, GSA_REGISTRATION and
 * GSA_INBAND_REKEY, and the GSK_w of the KEK that protects the message
 * (the current one, not a new one the message carries) in GSA_REKEY.
 *
 * At registration the KEK policy carries the GCAUTH transform: Implicit,
 * or, if the KEK has an auth_key, Digital Signature with the Signature
 * Algorithm Identifier of its auth_scheme, and the member key bag carries
 * AUTH_KEY (SubjectPublicKeyInfo); decoding sets both on the decoded KEK
 * and refuses an AUTH_KEY whose key type does not fit the scheme.  Rekeys
 * carry neither (RFC 9838 4.4.2.1.1, 4.5.3): a KEK decoded from a rekey
 * has no auth_key, the caller gives it the current KEK's with set_auth().
 */

#ifndef GIKEV2_REGISTRATION_H_
#define GIKEV2_REGISTRATION_H_

#include "gikev2_types.h"
#include "gdoi_tek.h"
#include "gdoi_kek.h"

#include <collections/linked_list.h>

/**
 * Encode the GSA and KD payload bodies of a registration response or a
 * rekey.
 *
 * @param teks			TEKs, gdoi_tek_t*
 * @param kek			KEK, NULL if the group has no rekey SA
 * @param exchange		GSA_AUTH, GSA_REGISTRATION, GSA_REKEY or
 *						GSA_INBAND_REKEY
 * @param kwa			key wrap algorithm (see above)
 * @param kwk			key wrap key (see above)
 * @param gsa			receives the GSA body (allocated)
 * @param kd			receives the KD body (allocated, wipe it)
 * @param err			receives the reason on failure, may be NULL
 * @return				TRUE if encoded
 */
bool gikev2_registration_encode(linked_list_t *teks, gdoi_kek_t *kek,
								gikev2_exchange_t exchange, gikev2_kwa_t kwa,
								chunk_t kwk, chunk_t *gsa, chunk_t *kd,
								gikev2_err_t *err);

/**
 * Decode the GSA and KD payload bodies of a registration response or a
 * rekey.
 *
 * @param gsa			GSA body
 * @param kd			KD body
 * @param exchange		GSA_AUTH, GSA_REGISTRATION, GSA_REKEY or
 *						GSA_INBAND_REKEY
 * @param kwa			key wrap algorithm (see above)
 * @param kwk			key wrap key (see above)
 * @param teks			receives the TEKs, gdoi_tek_t* (list to destroy)
 * @param kek			receives the KEK, NULL if the group has none
 * @param err			receives the reason on failure, may be NULL
 * @return				TRUE if decoded, and every key unwrapped and of
 *						the size its policy needs
 */
bool gikev2_registration_decode(chunk_t gsa, chunk_t kd,
								gikev2_exchange_t exchange, gikev2_kwa_t kwa,
								chunk_t kwk, linked_list_t **teks,
								gdoi_kek_t **kek, gikev2_err_t *err);

#endif /** GIKEV2_REGISTRATION_H_ @}*/
