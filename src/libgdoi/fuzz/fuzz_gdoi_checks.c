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
 * libFuzzer target: gdoi_isakmp_check_pull(), check_push(), check_keys() and the PUSH signature input on decoded messages
 */

#include <library.h>
#include <utils/debug.h>
#include <gdoi_isakmp_hash.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	dbg_default_set_level(-1);
	library_init(NULL, "fuzz");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	gdoi_isakmp_message_t *msg;
	gdoi_isakmp_payload_t *sa, *kd;
	chunk_t data = chunk_create((u_char*)buf, len), input;
	int n;

	if (gdoi_isakmp_message_decode(data, &msg, NULL))
	{
		for (n = 1; n <= 4; n++)
		{
			gdoi_isakmp_check_pull(msg, n, NULL);
		}
		gdoi_isakmp_check_push(msg, NULL);
		sa = gdoi_isakmp_message_get(msg, GDOI_PL_SA);
		kd = gdoi_isakmp_message_get(msg, GDOI_PL_KD);
		if (sa && kd)
		{
			gdoi_isakmp_check_keys(sa->sa, kd->kd, NULL);
		}
		if (gdoi_isakmp_after_hash(msg, &input, NULL))
		{
			input = gdoi_isakmp_pull_hash_input(4, msg->msgid, chunk_empty,
												chunk_empty, input);
			chunk_clear(&input);
		}
		if (gdoi_isakmp_push_sig_input_from(msg, &input, NULL))
		{
			chunk_clear(&input);
		}
		gdoi_isakmp_message_destroy(msg);
	}
	return 0;
}
