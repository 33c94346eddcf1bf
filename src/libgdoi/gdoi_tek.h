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
 * @defgroup gdoi_tek gdoi_tek
 * @{ @ingroup libgdoi
 *
 * A traffic encryption key (TEK): the keys of one group SA, shared by every
 * member of the group, protocol-neutral (G-IKEv2 sends it as a TEK policy
 * and a group key bag, GDOI as an SA TEK and a TEK key packet).
 */

#ifndef GDOI_TEK_H_
#define GDOI_TEK_H_

#include <library.h>
#include <crypto/proposal/proposal.h>
#include <selectors/traffic_selector.h>
#include <networking/host.h>

typedef struct gdoi_tek_t gdoi_tek_t;

/**
 * A TEK. The fields are read-only once created; shared by reference.
 */
struct gdoi_tek_t {

	/** SPI, in network order */
	uint32_t spi;

	/** IPsec protocol (PROTO_ESP) */
	protocol_id_t protocol;

	/** encryption algorithm (IKEv2 transform ID) */
	uint16_t encr_alg;

	/** encryption key length in bits, 0 for algorithms with a fixed one */
	uint16_t encr_keylen;

	/** integrity algorithm (IKEv2 transform ID), AUTH_UNDEFINED for AEAD */
	uint16_t integ_alg;

	/** key material: encryption key (with salt) followed by integrity key */
	chunk_t keymat;

	/** source traffic selector of the group traffic */
	traffic_selector_t *src;

	/** destination traffic selector of the group traffic */
	traffic_selector_t *dst;

	/** lifetime in seconds from creation */
	uint32_t lifetime;

	/** monotonic time of creation */
	time_t created;

	/**
	 * Get a reference.
	 *
	 * @return			this, with one more reference
	 */
	gdoi_tek_t *(*get_ref)(gdoi_tek_t *this);

	/**
	 * Split the key material into the encryption and integrity key.
	 *
	 * @param encr		encryption key (points into keymat)
	 * @param integ		integrity key (points into keymat, may be empty)
	 */
	void (*get_keys)(gdoi_tek_t *this, chunk_t *encr, chunk_t *integ);

	/**
	 * Remaining lifetime.
	 *
	 * @param now		monotonic time
	 * @return			seconds left, 0 if expired
	 */
	uint32_t (*get_remaining)(gdoi_tek_t *this, time_t now);

	/**
	 * Release a reference, wipe and destroy with the last one.
	 */
	void (*destroy)(gdoi_tek_t *this);
};

/**
 * Size of the key material of an encryption and an integrity algorithm, as
 * in IKEv2's derivation of CHILD_SA keys (RFC 7296 2.17; salts of
 * RFC 4106 and similar included).
 *
 * @param encr_alg		encryption algorithm
 * @param encr_keylen	key length in bits, 0 for the algorithm's fixed one
 * @param integ_alg		integrity algorithm, AUTH_UNDEFINED for none
 * @param encr_size		receives the encryption key size in bytes
 * @param integ_size	receives the integrity key size in bytes
 * @return				FALSE if an algorithm has no known key size
 */
bool gdoi_keymat_sizes(uint16_t encr_alg, uint16_t encr_keylen,
					   uint16_t integ_alg, size_t *encr_size,
					   size_t *integ_size);

/**
 * Create a TEK from its parts.
 *
 * @param spi			SPI in network order
 * @param encr_alg		encryption algorithm
 * @param encr_keylen	key length in bits, 0 for a fixed one
 * @param integ_alg		integrity algorithm, AUTH_UNDEFINED for none
 * @param keymat		key material (cloned), of gdoi_keymat_sizes()
 * @param src			source traffic selector (cloned)
 * @param dst			destination traffic selector (cloned)
 * @param lifetime		lifetime in seconds
 * @return				TEK, NULL if keymat does not fit the algorithms
 */
gdoi_tek_t *gdoi_tek_create(uint32_t spi, uint16_t encr_alg,
							uint16_t encr_keylen, uint16_t integ_alg,
							chunk_t keymat, traffic_selector_t *src,
							traffic_selector_t *dst, uint32_t lifetime);

/**
 * Generate a new TEK with a random SPI and fresh keys from a strong RNG.
 *
 * @param proposal		ESP proposal, its first algorithms are used
 * @param src			source traffic selector (cloned)
 * @param dst			destination traffic selector (cloned)
 * @param lifetime		lifetime in seconds
 * @return				TEK, NULL on failure (logged)
 */
gdoi_tek_t *gdoi_tek_generate(proposal_t *proposal, traffic_selector_t *src,
							  traffic_selector_t *dst, uint32_t lifetime);

/**
 * Get the single multicast address a traffic selector covers, the
 * destination of a multicast TEK or KEK.
 *
 * @param ts		traffic selector
 * @return			address with the selector's (first) port, NULL if the
 *					selector is not exactly one IPv4 or IPv6 multicast address
 */
host_t *gdoi_ts_multicast(traffic_selector_t *ts);

#endif /** GDOI_TEK_H_ @}*/
