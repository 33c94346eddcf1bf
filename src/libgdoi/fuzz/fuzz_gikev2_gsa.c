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
 * libFuzzer target for the GSA payload body decoder. The first octet picks
 * the exchange (39 + octet % 4), the rest is the body. A decoded GSA must
 * encode again, and that encoding must decode to the same encoding.
 */

#include <library.h>
#include <utils/debug.h>

#include <gikev2_gsa.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	dbg_default_set_level(-1);
	library_init(NULL, "fuzz");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	gikev2_gsa_t *gsa, *again;
	gikev2_exchange_t exchange;
	gikev2_err_t err = {};
	chunk_t body, body2;

	if (len < 1)
	{
		return 0;
	}
	exchange = GIKEV2_GSA_AUTH + buf[0] % 4;
	gsa = gikev2_gsa_decode(chunk_create((u_char*)buf + 1, len - 1), exchange,
							&err);
	if (!gsa)
	{
		if (!err.msg[0])
		{
			abort();
		}
		return 0;
	}
	if (!gsa->encode(gsa, exchange, &body, NULL))
	{
		abort();
	}
	again = gikev2_gsa_decode(body, exchange, NULL);
	if (!again || !again->encode(again, exchange, &body2, NULL) ||
		!chunk_equals(body, body2))
	{
		abort();
	}
	chunk_free(&body2);
	again->destroy(again);
	chunk_free(&body);
	gsa->destroy(gsa);
	return 0;
}
