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
 * libFuzzer target: gdoi_isakmp_payload_decode() for GDOI_PL_NONCE (nested SAK, SAT, GAP, key packets and attributes where it has them); what decodes is encoded again
 */

#include <library.h>
#include <utils/debug.h>
#include <gdoi_isakmp_payloads.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	dbg_default_set_level(-1);
	library_init(NULL, "fuzz");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	gdoi_isakmp_payload_t pl;
	chunk_t data = chunk_create((u_char*)buf, len), out;

	if (gdoi_isakmp_payload_decode(GDOI_PL_NONCE, data, &pl, NULL, NULL))
	{
		if (gdoi_isakmp_payload_encode(&pl, 0, &out, NULL))
		{
			chunk_clear(&out);
		}
		gdoi_isakmp_payload_clear(&pl);
	}
	return 0;
}
