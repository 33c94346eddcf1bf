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
 * @defgroup gikev2_keywrap gikev2_keywrap
 * @{ @ingroup libgdoi
 *
 * Key wrapping of G-IKEv2 (RFC 9838 3.1, 4.5.4): AES key wrap with padding
 * (RFC 5649) for KW_5649_128/192/256, the plain RFC 3394 AES key wrap it
 * builds on, and the default key wrap key GSK_w of a unicast IKE SA.
 *
 * AES comes from lib->crypto (ENCR_AES_ECB, e.g. the openssl plugin).
 * KW_ARX is not implemented. Keys of up to 256 octets are wrapped.
 */

#ifndef GIKEV2_KEYWRAP_H_
#define GIKEV2_KEYWRAP_H_

#include "gikev2_types.h"

#include <crypto/prfs/prf.h>

/** largest key the KWAs must wrap (RFC 9838 4.4.2.1.2) */
#define GIKEV2_KEYWRAP_MAX_KEY 256

/** the seed of GSK_w, 20 ASCII characters without NUL (RFC 9838 3.1.1) */
#define GIKEV2_GSK_W_LABEL "Key Wrap for G-IKEv2"

/**
 * Size of the key wrap key of a KWA.
 *
 * @param kwa		key wrap algorithm
 * @return			size in octets, 0 if not implemented
 */
size_t gikev2_kwa_key_size(gikev2_kwa_t kwa);

/**
 * Wrap a key with a KWA (RFC 5649 for KW_5649_*).
 *
 * @param kwa		key wrap algorithm
 * @param kwk		key wrap key, of gikev2_kwa_key_size(kwa) octets
 * @param key		key to wrap, 1 to GIKEV2_KEYWRAP_MAX_KEY octets
 * @param wrapped	receives the allocated Encrypted Key
 * @param err		receives the reason on failure, may be NULL
 * @return			TRUE if wrapped
 */
bool gikev2_key_wrap(gikev2_kwa_t kwa, chunk_t kwk, chunk_t key,
					 chunk_t *wrapped, gikev2_err_t *err);

/**
 * Unwrap a key with a KWA and check its integrity (constant time).
 *
 * @param kwa		key wrap algorithm
 * @param kwk		key wrap key, of gikev2_kwa_key_size(kwa) octets
 * @param wrapped	Encrypted Key
 * @param key		receives the allocated key, chunk_clear() it
 * @param err		receives the reason on failure, may be NULL
 * @return			TRUE if unwrapped and intact
 */
bool gikev2_key_unwrap(gikev2_kwa_t kwa, chunk_t kwk, chunk_t wrapped,
					   chunk_t *key, gikev2_err_t *err);

/**
 * AES key wrap of RFC 3394 with its default IV (0xA6 x 8).
 *
 * @param kek		AES key of 16, 24 or 32 octets
 * @param key		key to wrap, a multiple of 8 octets, at least 16
 * @param wrapped	receives the allocated result, 8 octets longer
 * @return			TRUE if wrapped
 */
bool gikev2_aes_kw_wrap(chunk_t kek, chunk_t key, chunk_t *wrapped);

/**
 * AES key unwrap of RFC 3394 with its default IV, checked in constant time.
 *
 * @param kek		AES key of 16, 24 or 32 octets
 * @param wrapped	wrapped key, a multiple of 8 octets, at least 24
 * @param key		receives the allocated key, chunk_clear() it
 * @return			TRUE if unwrapped and intact
 */
bool gikev2_aes_kw_unwrap(chunk_t kek, chunk_t wrapped, chunk_t *key);

/**
 * Derive the default key wrap key of a unicast IKE SA,
 * GSK_w = prf+(SK_d, "Key Wrap for G-IKEv2") (RFC 9838 3.1.1).
 *
 * @param prf		PRF of the IKE SA
 * @param sk_d		SK_d of the IKE SA
 * @param kwa		KWA negotiated for the IKE SA, sets the length
 * @param gsk_w		receives the allocated key, chunk_clear() it
 * @return			TRUE if derived
 */
bool gikev2_derive_gsk_w(pseudo_random_function_t prf, chunk_t sk_d,
						 gikev2_kwa_t kwa, chunk_t *gsk_w);

#endif /** GIKEV2_KEYWRAP_H_ @}*/
