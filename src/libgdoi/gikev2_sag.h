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
 * @defgroup gikev2_sag gikev2_sag
 * @{ @ingroup libgdoi
 *
 * Model and codec of the Security Association - GM Supported Transforms
 * payload body (SAg, RFC 9838 4.3, processing in 2.3.3), which uses the
 * IKEv2 SA payload format (RFC 7296 3.3) and type 33, and the checks a key
 * server runs to see whether a member supports its group policy.
 *
 * Encoder and decoder check the same rules:
 *  - at least one proposal; Proposal Num 1 first, then the same as the
 *    previous one or one greater (RFC 7296 3.3.1); equal numbers tie
 *    proposals of different protocols together (RFC 9838 2.3.3)
 *  - Protocol ID GIKE_UPDATE (6), ESP (3) or AH (2) only, SPI Size 0 and no
 *    SPI (2.3.3); Last Substruc 2 before another proposal, 0 on the last,
 *    3 before another transform, 0 on the last; Num Transforms, Proposal
 *    Length and Transform Length consistent; RESERVED ignored on receipt
 *  - every proposal has a transform; a GIKE_UPDATE proposal lists an ENCR
 *    and a KWA transform, ESP an ENCR, AH an INTEG; the SAg lists the KWAs,
 *    so it needs a GIKE_UPDATE proposal (4.5.4, "MUST indicate which key wrap
 *    algorithms are supported")
 *  - AEAD and non-AEAD ENCR transforms may be mixed (2.3.3)
 *  - transform types the table of 4.4.2.1 does not list for the protocol
 *    (e.g. PRF, KE, or a type unknown today) are kept with their raw,
 *    well-formed attributes but ignored by the policy checks: 2.3.3 says
 *    they "SHOULD NOT be included as they will be ignored by the GCKS"
 *  - on transforms of the table: Key Length (TV) only on ENCR, required
 *    (128, 192, 256) for AES and Camellia ciphers, refused on others; the
 *    Signature Algorithm Identifier (TLV, not empty) only on GCAUTH
 *    DIGITAL_SIGNATURE, where it is optional (no attribute: any signature
 *    algorithm); other attributes refused; KWA and GCAUTH ID 0 reserved
 *  - the same transform (type, ID, attributes) twice in one proposal is
 *    refused as a duplicate
 */

#ifndef GIKEV2_SAG_H_
#define GIKEV2_SAG_H_

#include "gikev2_types.h"
#include "gikev2_gsa.h"

#include <collections/array.h>
#include <crypto/proposal/proposal.h>
#include <encoding/payloads/payload.h>

typedef struct gikev2_sag_transform_t gikev2_sag_transform_t;
typedef struct gikev2_sag_proposal_t gikev2_sag_proposal_t;
typedef struct gikev2_sag_t gikev2_sag_t;

/**
 * A transform of an SAg proposal (RFC 7296 3.3.2).
 */
struct gikev2_sag_transform_t {

	/** Transform Type */
	uint8_t type;

	/** Transform ID */
	uint16_t id;

	/** Key Length attribute in bits, 0 if absent (ENCR only) */
	uint16_t key_length;

	/** Signature Algorithm Identifier attribute, DER (GCAUTH only, owned) */
	chunk_t sig_alg;

	/** raw attributes of a type ignored for the protocol (owned) */
	chunk_t attrs;
};

/**
 * A proposal of the SAg.
 */
struct gikev2_sag_proposal_t {

	/** Proposal Num */
	uint8_t number;

	/** GIKEV2_PROTO_GIKE_UPDATE, _ESP or _AH */
	gikev2_protocol_t protocol;

	/** transforms in wire order, gikev2_sag_transform_t values */
	array_t *transforms;
};

/**
 * Create an SAg proposal without transforms.
 *
 * @param number	Proposal Num
 * @param protocol	GIKEV2_PROTO_GIKE_UPDATE, _ESP or _AH
 * @return			proposal, destroy with gikev2_sag_proposal_destroy()
 */
gikev2_sag_proposal_t *gikev2_sag_proposal_create(uint8_t number,
											gikev2_protocol_t protocol);

/**
 * Append a transform of a type of the table of RFC 9838 4.4.2.1.
 *
 * @param proposal	proposal
 * @param type		transform type
 * @param id		transform ID
 * @param key_length	Key Length in bits, 0 for none
 * @param sig_alg	Signature Algorithm Identifier, cloned, chunk_empty for
 *					none
 */
void gikev2_sag_proposal_add(gikev2_sag_proposal_t *proposal, uint8_t type,
							 uint16_t id, uint16_t key_length, chunk_t sig_alg);

/**
 * Destroy an SAg proposal.
 *
 * @param proposal	proposal, may be NULL
 */
void gikev2_sag_proposal_destroy(gikev2_sag_proposal_t *proposal);

/**
 * The proposals of an SAg payload.
 */
struct gikev2_sag_t {

	/**
	 * Add a proposal, in wire order.
	 *
	 * @param proposal	proposal, owned by the SAg afterwards
	 */
	void (*add_proposal)(gikev2_sag_t *this, gikev2_sag_proposal_t *proposal);

	/**
	 * Enumerate the proposals in wire order.
	 *
	 * @return			enumerator over gikev2_sag_proposal_t* (borrowed)
	 */
	enumerator_t *(*create_proposal_enumerator)(gikev2_sag_t *this);

	/**
	 * Check whether the member supports a key wrap algorithm: a GIKE_UPDATE
	 * proposal lists this KWA.
	 *
	 * @param kwa		KWA transform ID (gikev2_kwa_t)
	 * @return			TRUE if listed
	 */
	bool (*supports_kwa)(gikev2_sag_t *this, uint16_t kwa);

	/**
	 * Check whether the member supports a set of GSA policies used
	 * together: one Proposal Num has, for every policy, a proposal of the
	 * policy's protocol that supports it (RFC 9838 2.3.3).
	 *
	 * A proposal supports a policy if, for each transform the policy has
	 * (INTEG NONE aside) and whose type the proposal lists, the proposal
	 * lists that transform with the same ID and Key Length, and for GCAUTH
	 * either no or the same Signature Algorithm Identifier. A type the
	 * proposal does not list does not restrict the policy; a protocol
	 * without proposals is not supported.
	 *
	 * @param policies	KEK and TEK policies
	 * @param count		number of policies
	 * @param number	receives the first matching Proposal Num, or NULL
	 * @return			TRUE if supported
	 */
	bool (*supports_policies)(gikev2_sag_t *this, gikev2_policy_t **policies,
							  int count, uint8_t *number);

	/**
	 * Check whether the member supports a strongSwan ESP or AH proposal:
	 * a proposal of the same protocol lists, for each of the ENCR and INTEG
	 * types that both have, at least one of the algorithms of that type of
	 * the strongSwan proposal (so a policy made of them can be picked).
	 * ESN, SPI and other transform types are ignored: the key server picks
	 * the SN transform from the number of senders (RFC 9838 4.4.2.1.3),
	 * which a proposal_t cannot express; check a gikev2_policy_t for it.
	 *
	 * @param proposal	proposal with protocol PROTO_ESP or PROTO_AH
	 * @return			TRUE if supported
	 */
	bool (*supports_proposal)(gikev2_sag_t *this, proposal_t *proposal);

	/**
	 * Check the rules of this module and encode the payload body.
	 *
	 * @param body		receives the allocated body
	 * @param err		receives the reason on failure, may be NULL
	 * @return			TRUE if encoded
	 */
	bool (*encode)(gikev2_sag_t *this, chunk_t *body, gikev2_err_t *err);

	/**
	 * Destroy the SAg and its proposals.
	 */
	void (*destroy)(gikev2_sag_t *this);
};

/**
 * Create an empty SAg to fill in and encode.
 *
 * @return			SAg
 */
gikev2_sag_t *gikev2_sag_create();

/**
 * Decode and check the body of an SAg payload.
 *
 * @param body		payload body, after the generic payload header
 * @param err		receives the reason on failure, may be NULL
 * @return			SAg, NULL on error
 */
gikev2_sag_t *gikev2_sag_decode(chunk_t body, gikev2_err_t *err);

/**
 * Decode and check an SAg that charon's parser returned as an IKEv2 SA
 * payload (sa_payload_t, type 33): the body is written again from the
 * parsed proposal, transform and attribute substructures (RESERVED fields
 * as 0, Last Substruc values canonical, charon's parser having checked them)
 * and decoded with gikev2_sag_decode().
 *
 * @param payload	payload of type PLV2_SECURITY_ASSOCIATION
 * @param err		receives the reason on failure, may be NULL
 * @return			SAg, NULL on error
 */
gikev2_sag_t *gikev2_sag_decode_payload(payload_t *payload,
										gikev2_err_t *err);

#endif /** GIKEV2_SAG_H_ @}*/
