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
 * @defgroup gikev2_kd gikev2_kd
 * @{ @ingroup libgdoi
 *
 * Model and codec of the Key Download payload body (KD, RFC 9838 4.5):
 * Group Key Bags (keys of one SA) and a Member Key Bag (keys and
 * parameters of one member), with keys in the wrapped key format of 4.5.4.
 *
 * Encoder and decoder check the same rules:
 *  - at least one key bag; at most one group key bag per Protocol and SPI;
 *    at most one member key bag (it belongs to one member)
 *  - group key bag: Protocol GIKE_UPDATE (SPI Size 16), ESP or AH (SPI Size
 *    4); only SA_KEY attributes, with Key ID 0; for ESP and AH exactly one,
 *    with KWK ID 0; for GIKE_UPDATE exactly one, except in GSA_REKEY where
 *    there may be several (LKH)
 *  - member key bag: only in GSA_AUTH and GSA_REGISTRATION; WRAP_KEY with a
 *    non-zero Key ID, at most one AUTH_KEY, GM_SENDER_ID of 1 to 4 octets
 *  - wrapped keys have a non-empty Encrypted Key; TLV format throughout;
 *    unknown attributes are refused
 */

#ifndef GIKEV2_KD_H_
#define GIKEV2_KD_H_

#include "gikev2_types.h"

#include <collections/array.h>

typedef struct gikev2_wrapped_key_t gikev2_wrapped_key_t;
typedef struct gikev2_key_bag_t gikev2_key_bag_t;
typedef struct gikev2_kd_t gikev2_kd_t;

/** octets of a wrapped key before the Encrypted Key */
#define GIKEV2_WRAPPED_KEY_HEADER_LEN 8

/**
 * A key in the wrapped key format (RFC 9838 4.5.4).
 */
struct gikev2_wrapped_key_t {

	/** Key ID, 0 for SA keying material */
	uint32_t key_id;

	/** KWK ID, 0 for the default KWK GSK_w */
	uint32_t kwk_id;

	/** the Encrypted Key (owned) */
	chunk_t data;
};

/**
 * A group key bag (protocol != 0) or the member key bag (protocol 0).
 */
struct gikev2_key_bag_t {

	/** GIKE_UPDATE, ESP or AH; GIKEV2_PROTO_NONE for the member key bag */
	gikev2_protocol_t protocol;

	/** SPI of the SA, group key bag only (owned) */
	chunk_t spi;

	/** SA_KEY attributes, gikev2_wrapped_key_t values */
	array_t *sa_keys;

	/** WRAP_KEY attributes, gikev2_wrapped_key_t values */
	array_t *wrap_keys;

	/** AUTH_KEY, DER SubjectPublicKeyInfo, empty if absent (owned) */
	chunk_t auth_key;

	/** GM_SENDER_ID attributes, uint32_t values */
	array_t *sender_ids;
};

/**
 * Create a group key bag.
 *
 * @param protocol	GIKE_UPDATE, ESP or AH
 * @param spi		SPI, cloned
 * @return			key bag, destroy with gikev2_key_bag_destroy()
 */
gikev2_key_bag_t *gikev2_key_bag_create_group(gikev2_protocol_t protocol,
											  chunk_t spi);

/**
 * Create the member key bag.
 *
 * @return			key bag, destroy with gikev2_key_bag_destroy()
 */
gikev2_key_bag_t *gikev2_key_bag_create_member();

/**
 * Add a wrapped key to the SA_KEY (group bag) or WRAP_KEY (member bag) list.
 *
 * @param bag		key bag
 * @param key_id	Key ID
 * @param kwk_id	KWK ID
 * @param data		Encrypted Key, cloned
 */
void gikev2_key_bag_add_key(gikev2_key_bag_t *bag, uint32_t key_id,
							uint32_t kwk_id, chunk_t data);

/**
 * Destroy a key bag, wiping the keys it holds.
 *
 * @param bag		key bag, may be NULL
 */
void gikev2_key_bag_destroy(gikev2_key_bag_t *bag);

/**
 * The key bags of a KD payload.
 */
struct gikev2_kd_t {

	/**
	 * Add a key bag, in wire order.
	 *
	 * @param bag		key bag, owned by the KD afterwards
	 */
	void (*add_bag)(gikev2_kd_t *this, gikev2_key_bag_t *bag);

	/**
	 * Enumerate the key bags in wire order.
	 *
	 * @return			enumerator over gikev2_key_bag_t* (borrowed)
	 */
	enumerator_t *(*create_bag_enumerator)(gikev2_kd_t *this);

	/**
	 * Find the group key bag of an SA.
	 *
	 * @param protocol	protocol of the SA
	 * @param spi		SPI of the SA
	 * @return			key bag (borrowed), NULL if none
	 */
	gikev2_key_bag_t *(*get_group_bag)(gikev2_kd_t *this,
									   gikev2_protocol_t protocol, chunk_t spi);

	/**
	 * Get the member key bag.
	 *
	 * @return			key bag (borrowed), NULL if none
	 */
	gikev2_key_bag_t *(*get_member_bag)(gikev2_kd_t *this);

	/**
	 * Check the rules of this module and encode the payload body.
	 *
	 * @param exchange	exchange the payload is sent in
	 * @param body		receives the allocated body
	 * @param err		receives the reason on failure, may be NULL
	 * @return			TRUE if encoded
	 */
	bool (*encode)(gikev2_kd_t *this, gikev2_exchange_t exchange,
				   chunk_t *body, gikev2_err_t *err);

	/**
	 * Destroy the KD and its key bags.
	 */
	void (*destroy)(gikev2_kd_t *this);
};

/**
 * Create an empty KD to fill in and encode.
 *
 * @return			KD
 */
gikev2_kd_t *gikev2_kd_create();

/**
 * Decode and check the body of a KD payload.
 *
 * @param body		payload body, after the generic payload header
 * @param exchange	exchange the payload was received in
 * @param err		receives the reason on failure, may be NULL
 * @return			KD, NULL on error
 */
gikev2_kd_t *gikev2_kd_decode(chunk_t body, gikev2_exchange_t exchange,
							  gikev2_err_t *err);

#endif /** GIKEV2_KD_H_ @}*/
