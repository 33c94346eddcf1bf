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
 * libFuzzer target for the IDg payload body decoder. A decoded identity is
 * encoded again and must decode to an equal one.
 */

#include <library.h>
#include <utils/debug.h>

#include <gikev2_idg.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	dbg_default_set_level(-1);
	library_init(NULL, "fuzz");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	identification_t *id, *again;
	gikev2_err_t err = {};
	chunk_t body;

	id = gikev2_idg_decode(chunk_create((u_char*)buf, len), &err);
	if (!id)
	{
		if (!err.msg[0])
		{
			abort();
		}
		return 0;
	}
	if (!gikev2_idg_encode(id, &body))
	{
		abort();
	}
	again = gikev2_idg_decode(body, NULL);
	if (!again || !id->equals(id, again))
	{
		abort();
	}
	again->destroy(again);
	chunk_free(&body);
	id->destroy(id);
	return 0;
}
