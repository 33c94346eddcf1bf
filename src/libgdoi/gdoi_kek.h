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
 * @defgroup gdoi_kek gdoi_kek
 * @{ @ingroup libgdoi
 *
 * A key encryption key (KEK): the keys of a group's rekey SA, which
 * protects the rekeys the key server sends to all members (RFC 9838 calls
 * it the Rekey SA, GIKE_UPDATE). Protocol-neutral like gdoi_tek_t.
 */

#ifndef GDOI_KEK_H_
#define GDOI_KEK_H_

#include <library.h>
#include <crypto/proposal/proposal.h>
#include <selectors/traffic_selector.h>
#include <credentials/keys/public_key.h>
#include <credentials/keys/signature_params.h>

typedef struct gdoi_kek_t gdoi_kek_t;

/** size of a KEK SPI: the IKE SPI pair of the rekey messages */
#define GDOI_KEK_SPI_SIZE 16

/**
 * A KEK. The fields are read-only once created; shared by reference.
 */
struct gdoi_kek_t {

	/** SPI: initiator and responder SPI of the rekey messages' header */
	uint8_t spi[GDOI_KEK_SPI_SIZE];

	/** encryption algorithm (IKEv2 transform ID) */
	uint16_t encr_alg;

	/** encryption key length in bits, 0 for a fixed one */
	uint16_t encr_keylen;

	/** integrity algorithm, AUTH_UNDEFINED with AEAD */
	uint16_t integ_alg;

	/** key wrap algorithm (RFC 9838 KWA transform ID) */
	uint16_t kwa;

	/** key wrap key size in bytes */
	size_t kwk_size;

	/** key material: encryption key, integrity key, key wrap key */
	chunk_t keymat;

	/** source of the rekey messages */
	traffic_selector_t *src;

	/** destination of the rekey messages */
	traffic_selector_t *dst;

	/** lifetime in seconds from creation */
	uint32_t lifetime;

	/** monotonic time of creation */
	time_t created;

	/**
	 * Key that authenticates rekeys sent under this KEK (GCAUTH Digital
	 * Signature, AUTH_KEY), NULL for implicit authentication.  On the key
	 * server the public half of the signing key, on a member the key
	 * learned at registration; a KEK received in a rekey inherits it.
	 * Owned by the KEK, set with set_auth().
	 */
	public_key_t *auth_key;

	/**
	 * Signature scheme of auth_key (Signature Algorithm Identifier), NULL
	 * if auth_key is NULL.  Owned by the KEK.
	 */
	signature_params_t *auth_scheme;

	/**
	 * Get a reference.
	 *
	 * @return			this, with one more reference
	 */
	gdoi_kek_t *(*get_ref)(gdoi_kek_t *this);

	/**
	 * Split the key material (pointers into keymat).
	 *
	 * @param encr		encryption key (GSK_e)
	 * @param integ		integrity key (GSK_a, empty with AEAD)
	 * @param kwk		key wrap key (GSK_w)
	 */
	void (*get_keys)(gdoi_kek_t *this, chunk_t *encr, chunk_t *integ,
					 chunk_t *kwk);

	/**
	 * Set the key that authenticates rekeys under this KEK, replacing any.
	 *
	 * @param key		public key (referenced), NULL for implicit
	 * @param scheme	its signature scheme (cloned), NULL for implicit
	 */
	void (*set_auth)(gdoi_kek_t *this, public_key_t *key,
					 signature_params_t *scheme);

	/**
	 * Remaining lifetime.
	 *
	 * @param now		monotonic time
	 * @return			seconds left, 0 if expired
	 */
	uint32_t (*get_remaining)(gdoi_kek_t *this, time_t now);

	/**
	 * Release a reference, wipe and destroy with the last one.
	 */
	void (*destroy)(gdoi_kek_t *this);
};

/**
 * Create a KEK from its parts.
 *
 * @param spi			SPI, GDOI_KEK_SPI_SIZE bytes
 * @param encr_alg		encryption algorithm
 * @param encr_keylen	key length in bits, 0 for a fixed one
 * @param integ_alg		integrity algorithm, AUTH_UNDEFINED for none
 * @param kwa			key wrap algorithm
 * @param kwk_size		key wrap key size in bytes
 * @param keymat		key material (cloned)
 * @param src			source of the rekeys (cloned)
 * @param dst			destination of the rekeys (cloned)
 * @param lifetime		lifetime in seconds
 * @return				KEK, NULL if keymat does not fit the algorithms
 */
gdoi_kek_t *gdoi_kek_create(chunk_t spi, uint16_t encr_alg,
							uint16_t encr_keylen, uint16_t integ_alg,
							uint16_t kwa, size_t kwk_size, chunk_t keymat,
							traffic_selector_t *src, traffic_selector_t *dst,
							uint32_t lifetime);

/**
 * Generate a new KEK with a random SPI and fresh keys from a strong RNG.
 *
 * @param proposal		proposal (PROTO_IKE), its first algorithms are used
 * @param kwa			key wrap algorithm
 * @param kwk_size		key wrap key size in bytes
 * @param src			source of the rekeys (cloned)
 * @param dst			destination of the rekeys (cloned)
 * @param lifetime		lifetime in seconds
 * @return				KEK, NULL on failure (logged)
 */
gdoi_kek_t *gdoi_kek_generate(proposal_t *proposal, uint16_t kwa,
							  size_t kwk_size, traffic_selector_t *src,
							  traffic_selector_t *dst, uint32_t lifetime);

#endif /** GDOI_KEK_H_ @}*/
