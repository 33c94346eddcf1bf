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
 * @defgroup gikev2_payload gikev2_payload
 * @{ @ingroup libgdoi
 *
 * A payload_t carrying an encoded IDg, GSA or KD body, so a plugin can add
 * it to a message_t: its encoding rules are the generic payload header and
 * the body as CHUNK_DATA, and get_type() returns the real payload type, so
 * the Next Payload field of the previous payload is right without core
 * changes. Received G-IKEv2 payloads arrive as unknown_payload_t;
 * gikev2_payload_get_body() returns their body for the decoders.
 */

#ifndef GIKEV2_PAYLOAD_H_
#define GIKEV2_PAYLOAD_H_

#include "gikev2_types.h"

#include <encoding/payloads/payload.h>

typedef struct gikev2_payload_t gikev2_payload_t;

/**
 * An outgoing IDg, GSA or KD payload.
 */
struct gikev2_payload_t {

	/**
	 * Implements payload_t.
	 */
	payload_t payload_interface;

	/**
	 * Get the payload body.
	 *
	 * @return			body (borrowed)
	 */
	chunk_t (*get_body)(gikev2_payload_t *this);

	/**
	 * Destroy the payload, wiping the body.
	 */
	void (*destroy)(gikev2_payload_t *this);
};

/**
 * Create a payload from an encoded body.
 *
 * @param type		GIKEV2_PL_IDG, _GSA or _KD
 * @param body		body from an encoder, owned by the payload afterwards
 * @return			payload, NULL if the type is not one of the three or
 *					the body does not fit a payload
 */
gikev2_payload_t *gikev2_payload_create(gikev2_payload_type_t type,
										chunk_t body);

/**
 * Get the body of a received G-IKEv2 payload, which the parser leaves as an
 * unknown payload.
 *
 * @param payload	payload from message_t
 * @param type		wanted type, GIKEV2_PL_IDG, _GSA or _KD
 * @param body		receives the body (borrowed from the payload)
 * @return			TRUE if the payload is of that type
 */
bool gikev2_payload_get_body(payload_t *payload, gikev2_payload_type_t type,
							 chunk_t *body);

#endif /** GIKEV2_PAYLOAD_H_ @}*/
