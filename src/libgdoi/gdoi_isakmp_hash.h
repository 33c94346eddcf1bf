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
 * @defgroup gdoi_isakmp_hash gdoi_isakmp_hash
 * @{ @ingroup libgdoi
 *
 * GROUPKEY-PULL HASH(1)..HASH(4) and the GROUPKEY-PUSH signature input
 * (RFC 6407 3.2, 4; protocol-notes 1.3, 1.5), and the payload layouts of
 * both exchanges.
 *
 *   HASH(1) = prf(SKEYID_a, M-ID | Ni | ID)
 *   HASH(2) = prf(SKEYID_a, M-ID | Ni_b | Nr | SA)
 *   HASH(3) = prf(SKEYID_a, M-ID | Ni_b | Nr_b [| GAP])
 *   HASH(4) = prf(SKEYID_a, M-ID | Ni_b | Nr_b [| SEQ] | KD)
 *
 * i.e. prf over the 4-octet M-ID, the nonce bodies listed, then the raw
 * bytes of every payload after the HASH payload, generic headers included.
 *
 * The PUSH signature covers "rekey" | HDR | every payload before SIG, HDR
 * as sent (Length including SIG) and the payload before SIG naming SIG (9)
 * as its next payload.
 */

#ifndef GDOI_ISAKMP_HASH_H_
#define GDOI_ISAKMP_HASH_H_

#include "gdoi_isakmp_payloads.h"

#include <crypto/prfs/prf.h>

/**
 * Build the prf input of HASH(n) (pure function).
 *
 * @param n				1..4
 * @param msgid			message ID
 * @param ni_b			initiator nonce body (used for n >= 2)
 * @param nr_b			responder nonce body (used for n >= 3)
 * @param after_hash	the payloads after the HASH payload, as encoded
 * @return				allocated input (clear it: HASH(4) covers keys),
 *						chunk_empty if n is out of range
 */
chunk_t gdoi_isakmp_pull_hash_input(int n, uint32_t msgid, chunk_t ni_b,
									chunk_t nr_b, chunk_t after_hash);

/**
 * Get the encoded payloads after the leading HASH payload of a decoded or
 * encoded message.
 *
 * @param msg			message whose first payload is HASH
 * @param after			receives the bytes (borrowed from msg)
 * @param err			receives the reason on failure
 * @return				FALSE if the first payload is not HASH
 */
bool gdoi_isakmp_after_hash(gdoi_isakmp_message_t *msg, chunk_t *after,
							gdoi_isakmp_err_t *err);

/**
 * Compute HASH(n) with a prf keyed with SKEYID_a.
 *
 * @param alg			phase 1 prf
 * @param skeyid_a		SKEYID_a
 * @param n				1..4
 * @param msgid			message ID
 * @param ni_b			initiator nonce body
 * @param nr_b			responder nonce body
 * @param after_hash	payloads after HASH
 * @param hash			receives the hash (allocated)
 * @return				FALSE if the prf is unavailable or fails
 */
bool gdoi_isakmp_pull_hash(pseudo_random_function_t alg, chunk_t skeyid_a,
						   int n, uint32_t msgid, chunk_t ni_b, chunk_t nr_b,
						   chunk_t after_hash, chunk_t *hash);

/**
 * Encode a PULL message: prepend HASH(n) to the payloads of msg, encode the
 * message and fill in the hash.
 *
 * @param msg			message without the HASH payload
 * @param alg			phase 1 prf
 * @param skeyid_a		SKEYID_a
 * @param n				1..4
 * @param ni_b			initiator nonce body
 * @param nr_b			responder nonce body
 * @param out			receives the encoding (allocated, clear it)
 * @param err			receives the reason on failure
 * @return				TRUE if encoded
 */
bool gdoi_isakmp_pull_encode(gdoi_isakmp_message_t *msg,
							 pseudo_random_function_t alg, chunk_t skeyid_a,
							 int n, chunk_t ni_b, chunk_t nr_b, chunk_t *out,
							 gdoi_isakmp_err_t *err);

/**
 * Verify the HASH(n) of a decoded PULL message (constant-time compare).
 *
 * @param msg			decoded message, first payload HASH
 * @param alg			phase 1 prf
 * @param skeyid_a		SKEYID_a
 * @param n				1..4
 * @param ni_b			initiator nonce body
 * @param nr_b			responder nonce body
 * @param err			receives the reason on failure
 * @return				TRUE if the hash is correct
 */
bool gdoi_isakmp_pull_verify(gdoi_isakmp_message_t *msg,
							 pseudo_random_function_t alg, chunk_t skeyid_a,
							 int n, chunk_t ni_b, chunk_t nr_b,
							 gdoi_isakmp_err_t *err);

/**
 * Check the payload layout of GROUPKEY-PULL message n:
 * (1) HASH, Nonce, ID; (2) HASH, Nonce, SA; (3) HASH [, GAP];
 * (4) HASH [, SEQ], KD.
 *
 * @param msg			decoded message
 * @param n				1..4
 * @param err			receives the reason on failure
 * @return				TRUE if the layout is right
 */
bool gdoi_isakmp_check_pull(gdoi_isakmp_message_t *msg, int n,
							gdoi_isakmp_err_t *err);

/**
 * Check the payload layout of a GROUPKEY-PUSH message:
 * SEQ, [D...,] SA, KD, [N...,] SIG.
 *
 * @param msg			decoded message
 * @param err			receives the reason on failure
 * @return				TRUE if the layout is right
 */
bool gdoi_isakmp_check_push(gdoi_isakmp_message_t *msg,
							gdoi_isakmp_err_t *err);

/**
 * Build the PUSH signature input "rekey" | hdr | before_sig (pure).
 *
 * @param hdr			the 28-octet ISAKMP header as sent
 * @param before_sig	the payloads before SIG as encoded
 * @return				allocated input (clear it: it covers keys)
 */
chunk_t gdoi_isakmp_push_sig_input(chunk_t hdr, chunk_t before_sig);

/**
 * Build the PUSH signature input of a decoded or encoded message whose
 * last payload is SIG.
 *
 * @param msg			message
 * @param input			receives the input (allocated, clear it)
 * @param err			receives the reason on failure
 * @return				FALSE if SIG is not the last payload
 */
bool gdoi_isakmp_push_sig_input_from(gdoi_isakmp_message_t *msg,
									 chunk_t *input, gdoi_isakmp_err_t *err);

#endif /** GDOI_ISAKMP_HASH_H_ @}*/
