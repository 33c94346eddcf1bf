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

/*
 * libFuzzer target for the GSA_REKEY signature input: the first 32 octets
 * are A, the rest is P. A result must be A | P long and carry the adjusted
 * lengths.
 */

#include <library.h>
#include <utils/debug.h>

#include <gikev2_rekey_auth.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	dbg_default_set_level(-1);
	library_init(NULL, "fuzz");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	gikev2_err_t err = {};
	chunk_t a, p, data, sig;

	if (len < GIKEV2_REKEY_AUTH_A_LEN)
	{
		return 0;
	}
	a = chunk_create((u_char*)buf, GIKEV2_REKEY_AUTH_A_LEN);
	p = chunk_create((u_char*)buf + a.len, len - a.len);
	if (!gikev2_rekey_auth_data(a, p, &data, &sig, &err))
	{
		if (!err.msg[0])
		{
			abort();
		}
		return 0;
	}
	if (data.len != len || untoh32(data.ptr + 24) != len ||
		untoh16(data.ptr + 30) != p.len + 4 || sig.len > p.len)
	{
		abort();
	}
	chunk_free(&sig);
	chunk_free(&data);
	return 0;
}
