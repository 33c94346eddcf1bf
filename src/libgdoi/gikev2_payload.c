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

#include <stddef.h>

#include "gikev2_payload.h"

#include <encoding/payloads/unknown_payload.h>

/** length of the generic payload header */
#define HEADER_LEN 4

typedef struct private_gikev2_payload_t private_gikev2_payload_t;

/**
 * Private data of a gikev2_payload_t object.
 */
struct private_gikev2_payload_t {

	/**
	 * Public interface.
	 */
	gikev2_payload_t public;

	/**
	 * Next payload type
	 */
	uint8_t next_payload;

	/**
	 * Critical flag, never set
	 */
	bool critical;

	/**
	 * Reserved bits
	 */
	bool reserved[7];

	/**
	 * Length of the whole payload
	 */
	uint16_t payload_length;

	/**
	 * The body
	 */
	chunk_t body;

	/**
	 * Real payload type
	 */
	gikev2_payload_type_t type;
};

/**
 * Encoding rules: the generic payload header and the body
 */
static encoding_rule_t encodings[] = {
	{ U_INT_8,			offsetof(private_gikev2_payload_t, next_payload)	},
	{ FLAG,				offsetof(private_gikev2_payload_t, critical)		},
	{ RESERVED_BIT,		offsetof(private_gikev2_payload_t, reserved[0])		},
	{ RESERVED_BIT,		offsetof(private_gikev2_payload_t, reserved[1])		},
	{ RESERVED_BIT,		offsetof(private_gikev2_payload_t, reserved[2])		},
	{ RESERVED_BIT,		offsetof(private_gikev2_payload_t, reserved[3])		},
	{ RESERVED_BIT,		offsetof(private_gikev2_payload_t, reserved[4])		},
	{ RESERVED_BIT,		offsetof(private_gikev2_payload_t, reserved[5])		},
	{ RESERVED_BIT,		offsetof(private_gikev2_payload_t, reserved[6])		},
	{ PAYLOAD_LENGTH,	offsetof(private_gikev2_payload_t, payload_length)	},
	{ CHUNK_DATA,		offsetof(private_gikev2_payload_t, body)			},
};

/*
                           1                   2                   3
        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
       ! Next Payload  !C!  RESERVED   !         Payload Length        !
       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
       !                                                               !
       ~              IDg, GSA or KD body (RFC 9838 4.2-4.5)           ~
       !                                                               !
       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
*/

METHOD(payload_t, verify, status_t,
	private_gikev2_payload_t *this)
{
	return SUCCESS;
}

METHOD(payload_t, get_encoding_rules, int,
	private_gikev2_payload_t *this, encoding_rule_t **rules)
{
	*rules = encodings;
	return countof(encodings);
}

METHOD(payload_t, get_header_length, int,
	private_gikev2_payload_t *this)
{
	return HEADER_LEN;
}

METHOD(payload_t, get_type, payload_type_t,
	private_gikev2_payload_t *this)
{
	return (payload_type_t)this->type;
}

METHOD(payload_t, get_next_type, payload_type_t,
	private_gikev2_payload_t *this)
{
	return this->next_payload;
}

METHOD(payload_t, set_next_type, void,
	private_gikev2_payload_t *this, payload_type_t type)
{
	this->next_payload = type;
}

METHOD(payload_t, get_length, size_t,
	private_gikev2_payload_t *this)
{
	return this->payload_length;
}

METHOD(gikev2_payload_t, get_body, chunk_t,
	private_gikev2_payload_t *this)
{
	return this->body;
}

METHOD2(payload_t, gikev2_payload_t, destroy, void,
	private_gikev2_payload_t *this)
{
	chunk_clear(&this->body);
	free(this);
}

/*
 * Described in header
 */
gikev2_payload_t *gikev2_payload_create(gikev2_payload_type_t type,
										chunk_t body)
{
	private_gikev2_payload_t *this;

	if ((type != GIKEV2_PL_IDG && type != GIKEV2_PL_GSA &&
		 type != GIKEV2_PL_KD) || body.len > 0xffff - HEADER_LEN)
	{
		chunk_clear(&body);
		return NULL;
	}
	INIT(this,
		.public = {
			.payload_interface = {
				.verify = _verify,
				.get_encoding_rules = _get_encoding_rules,
				.get_header_length = _get_header_length,
				.get_length = _get_length,
				.get_next_type = _get_next_type,
				.set_next_type = _set_next_type,
				.get_type = _get_type,
				.destroy = _destroy,
			},
			.get_body = _get_body,
			.destroy = _destroy,
		},
		.next_payload = PL_NONE,
		.payload_length = HEADER_LEN + body.len,
		.body = body,
		.type = type,
	);
	return &this->public;
}

/*
 * Described in header
 */
bool gikev2_payload_get_body(payload_t *payload, gikev2_payload_type_t type,
							 chunk_t *body)
{
	unknown_payload_t *unknown;

	if (payload->get_type(payload) != PL_UNKNOWN)
	{
		return FALSE;
	}
	unknown = (unknown_payload_t*)payload;
	if (unknown->get_type(unknown) != (payload_type_t)type)
	{
		return FALSE;
	}
	*body = unknown->get_data(unknown);
	return TRUE;
}
