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

#include "gikev2_idg.h"

/** octets before the Identification Data */
#define IDG_HEADER_LEN 4

/**
 * Check the type and the length of the identification data
 */
static bool check_id(id_type_t type, chunk_t data, gikev2_err_t *err)
{
	size_t len = data.len;

	switch (type)
	{
		case ID_IPV4_ADDR:
			if (len != 4)
			{
				gikev2_err_set(err, "IDg Identification Data of ID_IPV4_ADDR "
							   "has %zu octets, not 4", len);
				return FALSE;
			}
			return TRUE;
		case ID_IPV6_ADDR:
			if (len != 16)
			{
				gikev2_err_set(err, "IDg Identification Data of ID_IPV6_ADDR "
							   "has %zu octets, not 16", len);
				return FALSE;
			}
			return TRUE;
		case ID_FQDN:
		case ID_RFC822_ADDR:
		case ID_KEY_ID:
			if (!len)
			{
				gikev2_err_set(err, "IDg Identification Data is empty");
				return FALSE;
			}
			/* strongSwan never matches names with an embedded NUL */
			if (type != ID_KEY_ID && memchr(data.ptr, 0, len))
			{
				gikev2_err_set(err, "IDg Identification Data of %N contains "
							   "a NUL", id_type_names, type);
				return FALSE;
			}
			return TRUE;
		default:
			gikev2_err_set(err, "IDg ID Type %d not allowed for a group",
						   type);
			return FALSE;
	}
}

/*
 * Described in header
 */
bool gikev2_idg_encode(identification_t *id, chunk_t *body)
{
	chunk_t data;

	data = id->get_encoding(id);
	if (!check_id(id->get_type(id), data, NULL) ||
		data.len > 0xffff - 4 - IDG_HEADER_LEN)
	{
		return FALSE;
	}
	*body = chunk_cat("cc", chunk_from_chars(id->get_type(id), 0, 0, 0),
					  data);
	return TRUE;
}

/*
 * Described in header
 */
identification_t *gikev2_idg_decode(chunk_t body, gikev2_err_t *err)
{
	id_type_t type;

	if (body.len < IDG_HEADER_LEN)
	{
		gikev2_err_set(err, "IDg too short for ID Type and RESERVED "
					   "(%zu < %d)", body.len, IDG_HEADER_LEN);
		return NULL;
	}
	/* RESERVED is ignored on receipt (RFC 7296 3.5) */
	type = body.ptr[0];
	body = chunk_skip(body, IDG_HEADER_LEN);
	if (!check_id(type, body, err))
	{
		return NULL;
	}
	return identification_create_from_encoding(type, body);
}
