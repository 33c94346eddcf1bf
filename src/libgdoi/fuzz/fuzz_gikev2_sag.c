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
 * libFuzzer target for the SAg payload body decoder. The input is the body.
 * A decoded SAg must encode to the input (the decoder only accepts the
 * canonical encoding, RESERVED fields aside), and that encoding must decode
 * and encode again to the same octets. The policy checks run on every SAg
 * decoded.
 */

#include <library.h>
#include <utils/debug.h>

#include <gikev2_sag.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	dbg_default_set_level(-1);
	library_init(NULL, "fuzz");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	gikev2_sag_t *sag, *again;
	gikev2_policy_t *policy;
	gikev2_err_t err = {};
	chunk_t body, body2;
	uint8_t number;

	sag = gikev2_sag_decode(chunk_create((u_char*)buf, len), &err);
	if (!sag)
	{
		if (!err.msg[0])
		{
			abort();
		}
		return 0;
	}
	if (!sag->encode(sag, &body, NULL) || body.len != len)
	{
		abort();
	}
	again = gikev2_sag_decode(body, NULL);
	if (!again || !again->encode(again, &body2, NULL) ||
		!chunk_equals(body, body2))
	{
		abort();
	}
	if (!sag->supports_kwa(sag, GIKEV2_KW_5649_128) &&
		!sag->supports_kwa(sag, GIKEV2_KW_5649_256) &&
		!sag->supports_kwa(sag, GIKEV2_KW_ARX) && len >= 16 && buf[5] == 6 &&
		buf[12] == GIKEV2_TRANS_KWA && buf[14] == 0 && buf[15] == 1)
	{	/* the first proposal is GIKE_UPDATE, its first transform a KWA 1 */
		abort();
	}
	policy = gikev2_policy_create(GIKEV2_PROTO_ESP, chunk_empty, NULL, NULL);
	policy->encr = (gikev2_transform_t){ TRUE, 20, 128 };
	policy->sn = (gikev2_transform_t){ TRUE, GIKEV2_SN_32BIT_UNSPECIFIED };
	sag->supports_policies(sag, &policy, 1, &number);
	gikev2_policy_destroy(policy);
	chunk_free(&body2);
	again->destroy(again);
	chunk_free(&body);
	sag->destroy(sag);
	return 0;
}
