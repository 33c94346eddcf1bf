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
 * @defgroup gikev2_rekey_auth gikev2_rekey_auth
 * @{ @ingroup libgdoi
 *
 * The data a GSA_REKEY AUTH signature covers (RFC 9838 2.4.1.1):
 *
 *   DataToAuthenticate = A | P
 *
 * A is the IKE header and the Encrypted payload header (32 octets, no
 * non-ESP marker), with the IKE Length set to len(A) + len(P) and the
 * Encrypted Payload Length set to len(P) + 4; P is the plaintext inner
 * payloads, in which the Signature Value of the AUTH payload (after the
 * ASN.1 Length and the AlgorithmIdentifier of RFC 7427) is zero.
 *
 * The same function serves the key server, which passes P with a zeroed
 * signature, and the member, which passes the received P and gets the
 * signature to verify.
 */

#ifndef GIKEV2_REKEY_AUTH_H_
#define GIKEV2_REKEY_AUTH_H_

#include "gikev2_types.h"

/** length of A: IKE header and Encrypted payload header */
#define GIKEV2_REKEY_AUTH_A_LEN 32

/**
 * Build the data to sign or verify.
 *
 * @param a			IKE header and Encrypted payload header, 32 octets, or
 *					36 with a leading zero non-ESP marker that is dropped;
 *					its length fields are ignored
 * @param p			plaintext inner payloads, the last one an AUTH payload
 *					with Auth Method 14 (Digital Signature)
 * @param data		receives the allocated A | P
 * @param signature	receives the allocated Signature Value found in P, or
 *					NULL
 * @param err		receives the reason on failure, may be NULL
 * @return			TRUE if built
 */
bool gikev2_rekey_auth_data(chunk_t a, chunk_t p, chunk_t *data,
							chunk_t *signature, gikev2_err_t *err);

#endif /** GIKEV2_REKEY_AUTH_H_ @}*/
