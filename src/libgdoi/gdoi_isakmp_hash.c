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

#include "gdoi_isakmp_hash.h"

#include <ctype.h>
#include <stdio.h>

/* Described in header */
chunk_t gdoi_isakmp_pull_hash_input(int n, uint32_t msgid, chunk_t ni_b,
									chunk_t nr_b, chunk_t after_hash)
{
	msgid = htonl(msgid);
	switch (n)
	{
		case 1:
			return chunk_cat("cc", chunk_from_thing(msgid), after_hash);
		case 2:
			return chunk_cat("ccc", chunk_from_thing(msgid), ni_b, after_hash);
		case 3:
		case 4:
			return chunk_cat("cccc", chunk_from_thing(msgid), ni_b, nr_b,
							 after_hash);
		default:
			return chunk_empty;
	}
}

/* Described in header */
bool gdoi_isakmp_after_hash(gdoi_isakmp_message_t *msg, chunk_t *after,
							gdoi_isakmp_err_t *err)
{
	gdoi_isakmp_payload_t *last;

	if (!msg->count || msg->payloads[0].type != GDOI_PL_HASH)
	{
		return gdoi_isakmp_fail(err, "HASH is not the first payload");
	}
	if (msg->count == 1)
	{
		*after = chunk_empty;
		return TRUE;
	}
	last = &msg->payloads[msg->count - 1];
	/* the payloads are contiguous in the buffer they were decoded from */
	*after = chunk_create(msg->payloads[1].raw.ptr,
						  last->raw.ptr + last->raw.len -
						  msg->payloads[1].raw.ptr);
	return TRUE;
}

/* Described in header */
bool gdoi_isakmp_pull_hash(pseudo_random_function_t alg, chunk_t skeyid_a,
						   int n, uint32_t msgid, chunk_t ni_b, chunk_t nr_b,
						   chunk_t after_hash, chunk_t *hash)
{
	prf_t *prf;
	chunk_t input;
	bool ok;

	if (n < 1 || n > 4)
	{
		return FALSE;
	}
	prf = lib->crypto->create_prf(lib->crypto, alg);
	if (!prf)
	{
		DBG1(DBG_ENC, "gdoi: %N not supported", pseudo_random_function_names,
			 alg);
		return FALSE;
	}
	input = gdoi_isakmp_pull_hash_input(n, msgid, ni_b, nr_b, after_hash);
	ok = prf->set_key(prf, skeyid_a) &&
		 prf->allocate_bytes(prf, input, hash);
	chunk_clear(&input);
	prf->destroy(prf);
	return ok;
}

/* Described in header */
bool gdoi_isakmp_pull_encode(gdoi_isakmp_message_t *msg,
							 pseudo_random_function_t alg, chunk_t skeyid_a,
							 int n, chunk_t ni_b, chunk_t nr_b, chunk_t *out,
							 gdoi_isakmp_err_t *err)
{
	gdoi_isakmp_payload_t *hash_pl;
	chunk_t after, hash;
	prf_t *prf;
	size_t size;

	prf = lib->crypto->create_prf(lib->crypto, alg);
	if (!prf)
	{
		return gdoi_isakmp_fail(err, "HASH prf %N not supported",
								pseudo_random_function_names, alg);
	}
	size = prf->get_block_size(prf);
	prf->destroy(prf);

	/* insert a HASH payload of the right size in front */
	gdoi_isakmp_message_add(msg, GDOI_PL_NONE);
	memmove(&msg->payloads[1], &msg->payloads[0],
			(msg->count - 1) * sizeof(gdoi_isakmp_payload_t));
	hash_pl = &msg->payloads[0];
	*hash_pl = (gdoi_isakmp_payload_t){
		.type = GDOI_PL_HASH,
		.data = chunk_alloc(size),
	};
	memset(hash_pl->data.ptr, 0, size);

	if (!gdoi_isakmp_message_encode(msg, out, err))
	{
		return FALSE;
	}
	if (!gdoi_isakmp_after_hash(msg, &after, err) ||
		!gdoi_isakmp_pull_hash(alg, skeyid_a, n, msg->msgid, ni_b, nr_b, after,
							   &hash) || hash.len != size)
	{
		chunk_clear(out);
		return gdoi_isakmp_fail(err, "HASH(%d) computation failed", n);
	}
	/* fill in the hash where the HASH payload body lies */
	memcpy(out->ptr + GDOI_ISAKMP_HDR_LEN + 4, hash.ptr, size);
	memcpy(msg->encoded.ptr + GDOI_ISAKMP_HDR_LEN + 4, hash.ptr, size);
	memcpy(hash_pl->data.ptr, hash.ptr, size);
	chunk_free(&hash);
	return TRUE;
}

/* Described in header */
bool gdoi_isakmp_pull_verify(gdoi_isakmp_message_t *msg,
							 pseudo_random_function_t alg, chunk_t skeyid_a,
							 int n, chunk_t ni_b, chunk_t nr_b,
							 gdoi_isakmp_err_t *err)
{
	chunk_t after, hash;
	bool ok;

	if (!gdoi_isakmp_after_hash(msg, &after, err))
	{
		return FALSE;
	}
	if (!gdoi_isakmp_pull_hash(alg, skeyid_a, n, msg->msgid, ni_b, nr_b,
							   after, &hash))
	{
		return gdoi_isakmp_fail(err, "HASH(%d) computation failed", n);
	}
	ok = chunk_equals_const(hash, msg->payloads[0].data);
	chunk_free(&hash);
	if (!ok)
	{
		return gdoi_isakmp_fail(err, "HASH(%d) Data does not verify", n);
	}
	return TRUE;
}

/**
 * Check the payload types of a message against a pattern; in the pattern
 * an uppercase entry is required, lowercase optional, '*' after an entry
 * repeats it: 'H' HASH, 'N' Nonce, 'I' ID, 'S' SA, 'G' GAP, 'Q' SEQ,
 * 'K' KD, 'D' Delete, 'T' Notify, 'X' SIG
 */
static bool check_layout(gdoi_isakmp_message_t *msg, char *what, char *pattern,
						 gdoi_isakmp_err_t *err)
{
	static const struct {
		char c;
		gdoi_isakmp_payload_type_t type;
		char *name;
	} map[] = {
		{ 'h', GDOI_PL_HASH, "HASH" },
		{ 'n', GDOI_PL_NONCE, "Nonce" },
		{ 'i', GDOI_PL_ID, "ID" },
		{ 's', GDOI_PL_SA, "SA" },
		{ 'g', GDOI_PL_GAP, "GAP" },
		{ 'q', GDOI_PL_SEQ, "SEQ" },
		{ 'k', GDOI_PL_KD, "KD" },
		{ 'd', GDOI_PL_DELETE, "Delete" },
		{ 't', GDOI_PL_NOTIFY, "Notify" },
		{ 'x', GDOI_PL_SIG, "SIG" },
	};
	gdoi_isakmp_payload_type_t type = GDOI_PL_NONE;
	char *p, *name = "";
	u_int i = 0, m;
	bool required, repeat;

	for (p = pattern; *p; p++)
	{
		if (*p == '*')
		{
			continue;
		}
		for (m = 0; m < countof(map); m++)
		{
			if (map[m].c == tolower(*p))
			{
				type = map[m].type;
				name = map[m].name;
			}
		}
		required = isupper(*p);
		repeat = p[1] == '*';
		if (i < msg->count && msg->payloads[i].type == type)
		{
			i++;
			while (repeat && i < msg->count && msg->payloads[i].type == type)
			{
				i++;
			}
		}
		else if (required)
		{
			return gdoi_isakmp_fail(err, "%s lacks the %s payload at position "
									"%u", what, name, i + 1);
		}
	}
	if (i < msg->count)
	{
		return gdoi_isakmp_fail(err, "%s has an unexpected payload type %u at "
								"position %u", what, msg->payloads[i].type,
								i + 1);
	}
	return TRUE;
}

/* Described in header */
bool gdoi_isakmp_check_pull(gdoi_isakmp_message_t *msg, int n,
							gdoi_isakmp_err_t *err)
{
	static char *layouts[] = { "HNI", "HNS", "Hg", "HqK" };
	char what[32];

	if (n < 1 || n > 4)
	{
		return gdoi_isakmp_fail(err, "GROUPKEY-PULL message %d unknown", n);
	}
	if (msg->exchange != GDOI_EXCHANGE_PULL)
	{
		return gdoi_isakmp_fail(err, "ISAKMP Exchange Type %u is not "
								"GROUPKEY-PULL", msg->exchange);
	}
	snprintf(what, sizeof(what), "GROUPKEY-PULL message %d", n);
	return check_layout(msg, what, layouts[n - 1], err);
}

/* Described in header */
bool gdoi_isakmp_check_push(gdoi_isakmp_message_t *msg,
							gdoi_isakmp_err_t *err)
{
	if (msg->exchange != GDOI_EXCHANGE_PUSH)
	{
		return gdoi_isakmp_fail(err, "ISAKMP Exchange Type %u is not "
								"GROUPKEY-PUSH", msg->exchange);
	}
	return check_layout(msg, "GROUPKEY-PUSH", "Qd*SKt*X", err);
}

/* Described in header */
chunk_t gdoi_isakmp_push_sig_input(chunk_t hdr, chunk_t before_sig)
{
	return chunk_cat("ccc", chunk_from_str("rekey"), hdr, before_sig);
}

/* Described in header */
bool gdoi_isakmp_push_sig_input_from(gdoi_isakmp_message_t *msg,
									 chunk_t *input, gdoi_isakmp_err_t *err)
{
	gdoi_isakmp_payload_t *sig;
	chunk_t before = chunk_empty;

	if (!msg->count || msg->payloads[msg->count - 1].type != GDOI_PL_SIG ||
		msg->encoded.len < GDOI_ISAKMP_HDR_LEN)
	{
		return gdoi_isakmp_fail(err, "GROUPKEY-PUSH SIG is not the last "
								"payload");
	}
	sig = &msg->payloads[msg->count - 1];
	if (msg->count > 1)
	{
		before = chunk_create(msg->payloads[0].raw.ptr,
							  sig->raw.ptr - msg->payloads[0].raw.ptr);
	}
	*input = gdoi_isakmp_push_sig_input(
						chunk_create(msg->encoded.ptr, GDOI_ISAKMP_HDR_LEN),
						before);
	return TRUE;
}
