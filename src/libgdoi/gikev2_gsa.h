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
 * @defgroup gikev2_gsa gikev2_gsa
 * @{ @ingroup libgdoi
 *
 * Model and codec of the Group Security Association payload body (GSA,
 * RFC 9838 4.4): a KEK (Rekey SA) policy, TEK (Data-Security SA) policies
 * and a group-wide (GW) policy.
 *
 * Encoder and decoder check the same rules, so the key server cannot send
 * what a member would refuse:
 *  - at most one KEK policy, at most one GW policy, at least one KEK or TEK
 *  - SPI Size 16 for GIKE_UPDATE, 4 for ESP and AH
 *  - the transform types of the table of 4.4.2.1, each mandatory type exactly
 *    once, optional ones at most once; INTEG absent or NONE with AEAD; SN in
 *    every TEK and never Partially Transmitted 64-bit (4.4.2.1.3); no
 *    implicit IV ciphers (2.7); Key Length for AES and Camellia ciphers;
 *    the Signature Algorithm Identifier attribute with Digital Signature
 *    GCAUTH and only there; GCAUTH only in GSA_AUTH and GSA_REGISTRATION
 *  - the KEK destination selector is one multicast address (multicast
 *    rekey) or the whole address space of a family (unicast rekey to each
 *    member's address, a deviation from 4.4.1, which only knows multicast),
 *    UDP, one port
 *  - GSA attributes of 4.4.2.2 and section 5: lengths, multiplicity,
 *    GSA_INITIAL_MESSAGE_ID only for the KEK, GSA_KEY_LIFETIME in every
 *    policy when multicast rekey is used (a KEK policy or GSA_REKEY),
 *    neither GSA_INITIAL_MESSAGE_ID nor GSA_NEXT_SPI in GSA_INBAND_REKEY
 *  - GW attributes of 4.4.3.1 as TV, once each, GWP_SENDER_ID_BITS not in
 *    rekeys
 *  - unknown attributes and transform types are refused
 */

#ifndef GIKEV2_GSA_H_
#define GIKEV2_GSA_H_

#include "gikev2_types.h"

#include <selectors/traffic_selector.h>

typedef struct gikev2_transform_t gikev2_transform_t;
typedef struct gikev2_policy_t gikev2_policy_t;
typedef struct gikev2_gw_policy_t gikev2_gw_policy_t;
typedef struct gikev2_gsa_t gikev2_gsa_t;

/**
 * A transform of a GSA policy (RFC 7296 3.3.2).
 */
struct gikev2_transform_t {

	/** TRUE if the policy has a transform of this type */
	bool present;

	/** Transform ID */
	uint16_t id;

	/** Key Length attribute in bits, 0 if absent (ENCR only) */
	uint16_t key_length;

	/** Signature Algorithm Identifier attribute, DER (GCAUTH only) */
	chunk_t sig_alg;
};

/**
 * A GSA policy: the KEK (GIKE_UPDATE) or a TEK (ESP, AH).
 */
struct gikev2_policy_t {

	/** security protocol */
	gikev2_protocol_t protocol;

	/** SPI, 16 octets for GIKE_UPDATE, 4 for ESP and AH (owned) */
	chunk_t spi;

	/** source traffic selector (owned) */
	traffic_selector_t *src;

	/** destination traffic selector (owned) */
	traffic_selector_t *dst;

	/** Encryption Algorithm transform */
	gikev2_transform_t encr;

	/** Integrity Algorithm transform */
	gikev2_transform_t integ;

	/** Sequence Numbers transform */
	gikev2_transform_t sn;

	/** Key Wrap Algorithm transform */
	gikev2_transform_t kwa;

	/** Group Controller Authentication Method transform */
	gikev2_transform_t gcauth;

	/** TRUE if GSA_KEY_LIFETIME is present */
	bool has_lifetime;

	/** GSA_KEY_LIFETIME, seconds */
	uint32_t lifetime;

	/** TRUE if GSA_INITIAL_MESSAGE_ID is present */
	bool has_initial_message_id;

	/** GSA_INITIAL_MESSAGE_ID */
	uint32_t initial_message_id;

	/** GSA_NEXT_SPI values, concatenated, each spi.len octets (owned) */
	chunk_t next_spis;
};

/**
 * The group-wide policy.
 */
struct gikev2_gw_policy_t {

	/** TRUE if GWP_ATD is present */
	bool has_atd;

	/** GWP_ATD, seconds */
	uint16_t atd;

	/** TRUE if GWP_DTD is present */
	bool has_dtd;

	/** GWP_DTD, seconds */
	uint16_t dtd;

	/** TRUE if GWP_SENDER_ID_BITS is present */
	bool has_sender_id_bits;

	/** GWP_SENDER_ID_BITS */
	uint16_t sender_id_bits;
};

/**
 * Create a GSA policy without transforms and attributes; fill in the
 * public fields afterwards.
 *
 * @param protocol	GIKEV2_PROTO_GIKE_UPDATE, _ESP or _AH
 * @param spi		SPI, cloned
 * @param src		source traffic selector, owned by the policy
 * @param dst		destination traffic selector, owned by the policy
 * @return			policy, destroy with gikev2_policy_destroy()
 */
gikev2_policy_t *gikev2_policy_create(gikev2_protocol_t protocol, chunk_t spi,
							traffic_selector_t *src, traffic_selector_t *dst);

/**
 * Destroy a GSA policy and everything it owns.
 *
 * @param policy	policy, may be NULL
 */
void gikev2_policy_destroy(gikev2_policy_t *policy);

/**
 * Size of the keying material (SA_KEY contents) a policy needs: for a TEK
 * the encryption key (with salt) then the integrity key (RFC 9838 3.4,
 * RFC 7296 2.17); for the KEK GSK_e | GSK_a | GSK_w, GSK_w sized for the
 * KWA.
 *
 * @param policy	a policy that passed the checks of this module
 * @param size		receives the size in octets
 * @return			FALSE if an algorithm's key size is not known
 */
bool gikev2_policy_keymat_size(gikev2_policy_t *policy, size_t *size);

/**
 * The policies of a GSA payload.
 */
struct gikev2_gsa_t {

	/**
	 * Add a KEK or TEK policy, in wire order.
	 *
	 * @param policy	policy, owned by the GSA afterwards
	 */
	void (*add_policy)(gikev2_gsa_t *this, gikev2_policy_t *policy);

	/**
	 * Enumerate the KEK and TEK policies in wire order.
	 *
	 * @return			enumerator over gikev2_policy_t* (borrowed)
	 */
	enumerator_t *(*create_policy_enumerator)(gikev2_gsa_t *this);

	/**
	 * Get the KEK policy.
	 *
	 * @return			the first GIKE_UPDATE policy (borrowed), NULL if none
	 */
	gikev2_policy_t *(*get_kek)(gikev2_gsa_t *this);

	/**
	 * Get the group-wide policy.
	 *
	 * @return			GW policy (borrowed), NULL if none
	 */
	gikev2_gw_policy_t *(*get_gw)(gikev2_gsa_t *this);

	/**
	 * Set the group-wide policy, encoded after the GSA policies.
	 *
	 * @param gw		GW policy to copy, NULL to remove it
	 */
	void (*set_gw)(gikev2_gsa_t *this, gikev2_gw_policy_t *gw);

	/**
	 * Check the rules of this module and encode the payload body.
	 *
	 * @param exchange	exchange the payload is sent in
	 * @param body		receives the allocated body
	 * @param err		receives the reason on failure, may be NULL
	 * @return			TRUE if encoded
	 */
	bool (*encode)(gikev2_gsa_t *this, gikev2_exchange_t exchange,
				   chunk_t *body, gikev2_err_t *err);

	/**
	 * Destroy the GSA and its policies.
	 */
	void (*destroy)(gikev2_gsa_t *this);
};

/**
 * Create an empty GSA to fill in and encode.
 *
 * @return			GSA
 */
gikev2_gsa_t *gikev2_gsa_create();

/**
 * Decode and check the body of a GSA payload.
 *
 * @param body		payload body, after the generic payload header
 * @param exchange	exchange the payload was received in
 * @param err		receives the reason on failure, may be NULL
 * @return			GSA, NULL on error
 */
gikev2_gsa_t *gikev2_gsa_decode(chunk_t body, gikev2_exchange_t exchange,
								gikev2_err_t *err);

#endif /** GIKEV2_GSA_H_ @}*/
