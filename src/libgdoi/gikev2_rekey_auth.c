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

#include "gikev2_rekey_auth.h"

/** offsets in A */
#define OFF_NEXT_PAYLOAD 16
#define OFF_VERSION 17
#define OFF_EXCHANGE 18
#define OFF_LENGTH 24
#define OFF_SK_NEXT 28
#define OFF_SK_LENGTH 30

/** payload types used here (RFC 7296) */
#define PT_AUTH 39
#define PT_SK 46

/** the Digital Signature authentication method (RFC 7427) */
#define AUTH_DS 14

/** length of the generic payload header and of the AUTH fixed part */
#define GEN_HEADER_LEN 4
#define AUTH_FIXED_LEN 4

/**
 * Find the Signature Value in the inner payloads, as offset and length
 */
static bool find_signature(uint8_t next, chunk_t p, size_t *off, size_t *len,
						   gikev2_err_t *err)
{
	size_t pos = 0, plen, alg_len;
	bool found = FALSE;

	while (next)
	{
		if (found)
		{
			gikev2_err_set(err, "GSA_REKEY AUTH payload is not the last inner "
						   "payload");
			return FALSE;
		}
		if (p.len - pos < GEN_HEADER_LEN)
		{
			gikev2_err_set(err, "GSA_REKEY inner payload header truncated");
			return FALSE;
		}
		plen = untoh16(p.ptr + pos + 2);
		if (plen < GEN_HEADER_LEN || plen > p.len - pos)
		{
			gikev2_err_set(err, "GSA_REKEY inner payload Payload Length %zu "
						   "invalid", plen);
			return FALSE;
		}
		if (next == PT_AUTH)
		{
			/* Auth Method, RESERVED, ASN.1 Length, AlgorithmIdentifier */
			if (plen < GEN_HEADER_LEN + AUTH_FIXED_LEN + 1)
			{
				gikev2_err_set(err, "GSA_REKEY AUTH payload too short");
				return FALSE;
			}
			if (p.ptr[pos + GEN_HEADER_LEN] != AUTH_DS)
			{
				gikev2_err_set(err, "GSA_REKEY AUTH Auth Method %u, not 14",
							   p.ptr[pos + GEN_HEADER_LEN]);
				return FALSE;
			}
			alg_len = p.ptr[pos + GEN_HEADER_LEN + AUTH_FIXED_LEN];
			if (GEN_HEADER_LEN + AUTH_FIXED_LEN + 1 + alg_len > plen)
			{
				gikev2_err_set(err, "GSA_REKEY AUTH ASN.1 Length %zu exceeds "
							   "the payload", alg_len);
				return FALSE;
			}
			*off = pos + GEN_HEADER_LEN + AUTH_FIXED_LEN + 1 + alg_len;
			*len = plen - (GEN_HEADER_LEN + AUTH_FIXED_LEN + 1 + alg_len);
			found = TRUE;
		}
		next = p.ptr[pos];
		pos += plen;
	}
	if (!found)
	{
		gikev2_err_set(err, "GSA_REKEY inner payloads have no AUTH payload");
		return FALSE;
	}
	if (pos != p.len)
	{
		gikev2_err_set(err, "GSA_REKEY inner payloads end %zu octets before "
					   "the data", p.len - pos);
		return FALSE;
	}
	return TRUE;
}

/*
 * Described in header
 */
bool gikev2_rekey_auth_data(chunk_t a, chunk_t p, chunk_t *data,
							chunk_t *signature, gikev2_err_t *err)
{
	size_t off, len;

	if (a.len == GIKEV2_REKEY_AUTH_A_LEN + 4 &&
		untoh32(a.ptr) == 0)
	{
		a = chunk_skip(a, 4);
	}
	if (a.len != GIKEV2_REKEY_AUTH_A_LEN)
	{
		gikev2_err_set(err, "GSA_REKEY A has %zu octets, not %d", a.len,
					   GIKEV2_REKEY_AUTH_A_LEN);
		return FALSE;
	}
	if (a.ptr[OFF_NEXT_PAYLOAD] != PT_SK || a.ptr[OFF_VERSION] != 0x20 ||
		a.ptr[OFF_EXCHANGE] != GIKEV2_GSA_REKEY)
	{
		gikev2_err_set(err, "GSA_REKEY header Next Payload, Version or "
					   "Exchange Type invalid");
		return FALSE;
	}
	if (p.len > 0xffff - GEN_HEADER_LEN)
	{
		gikev2_err_set(err, "GSA_REKEY inner payloads too long (%zu)", p.len);
		return FALSE;
	}
	if (!find_signature(a.ptr[OFF_SK_NEXT], p, &off, &len, err))
	{
		return FALSE;
	}
	*data = chunk_cat("cc", a, p);
	htoun32(data->ptr + OFF_LENGTH, GIKEV2_REKEY_AUTH_A_LEN + p.len);
	htoun16(data->ptr + OFF_SK_LENGTH, p.len + GEN_HEADER_LEN);
	if (signature)
	{
		*signature = chunk_clone(chunk_create(p.ptr + off, len));
	}
	memset(data->ptr + GIKEV2_REKEY_AUTH_A_LEN + off, 0, len);
	return TRUE;
}
