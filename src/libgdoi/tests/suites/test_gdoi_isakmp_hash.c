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

#include <test_suite.h>

#include <gdoi_isakmp_hash.h>

#include "../gdoi_isakmp_vectors.h"

/**
 * prf inputs of HASH(1)..HASH(4), written out from protocol-notes 1.3:
 * M-ID | [Ni_b | [Nr_b |]] payloads after HASH
 */
static u_char input1[] = {
	0x0a, 0x0b, 0x0c, 0x0d,
	0x05, 0x00, 0x00, 0x14, NI_B,					/* Ni, next ID */
	0x00, 0x00, 0x00, 0x0c, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0xd2,
};
static u_char input2[] = {
	0x0a, 0x0b, 0x0c, 0x0d, NI_B,
	0x01, 0x00, 0x00, 0x14, NR_B,					/* Nr, next SA */
	0x00, 0x00, 0x00, 0xa2, SA_BODY,
};
static u_char input3[] = {
	0x0a, 0x0b, 0x0c, 0x0d, NI_B, NR_B,
	0x00, 0x00, 0x00, 0x08, 0x80, 0x03, 0x00, 0x01,	/* GAP SENDER_ID_REQUEST */
};
static u_char input4[] = {
	0x0a, 0x0b, 0x0c, 0x0d, NI_B, NR_B,
	0x11, 0x00, 0x00, 0x08, SEQ_BODY,				/* SEQ, next KD */
	0x00, 0x00, 0x00, 0x7e, KD_BODY,
};

/**
 * HMAC-SHA256(SKEYID_a, input_n), computed independently (Python hmac)
 */
static u_char hash1[] = {
	0x9b, 0x85, 0xc1, 0xda, 0xd8, 0xc9, 0xdf, 0x23, 0xc7, 0xd2, 0x40, 0x6e,
	0x97, 0x19, 0x13, 0x6d, 0x66, 0x26, 0x1b, 0x7c, 0x05, 0xa4, 0x26, 0x27,
	0xe7, 0x44, 0x60, 0x1c, 0x6c, 0x70, 0x34, 0x54,
};
static u_char hash2[] = {
	0x60, 0xe1, 0x19, 0x48, 0x8d, 0x4c, 0xa3, 0x04, 0xbd, 0xce, 0x38, 0x51,
	0x40, 0x7d, 0xdf, 0xc2, 0x26, 0xe1, 0x25, 0x08, 0xaf, 0x2a, 0x23, 0x41,
	0xf0, 0xb8, 0x5f, 0x1c, 0xa0, 0x41, 0xca, 0x72,
};
static u_char hash3[] = {
	0xa3, 0x4b, 0xc1, 0x7f, 0x22, 0x44, 0x1d, 0xa9, 0x12, 0x6d, 0xcf, 0x8e,
	0x0c, 0x2c, 0x0d, 0xf4, 0x43, 0xc6, 0x31, 0x3f, 0x7b, 0x91, 0x95, 0xcc,
	0x95, 0xe4, 0xb8, 0x07, 0xde, 0x51, 0xab, 0x4b,
};
static u_char hash4[] = {
	0x86, 0x27, 0x6a, 0xa5, 0xe3, 0x57, 0xd3, 0x9b, 0xfc, 0x84, 0x40, 0x08,
	0xbd, 0x95, 0xda, 0xc5, 0x5a, 0xce, 0x2c, 0x7a, 0xa1, 0xa2, 0x5f, 0x13,
	0x12, 0x42, 0x0c, 0xd0, 0x03, 0x95, 0xf9, 0xda,
};

static struct {
	u_char *input;
	size_t input_len;
	u_char *hash;
	/** payloads after HASH: input without M-ID and nonce bodies */
	size_t skip;
} pull[] = {
	{ input1, sizeof(input1), hash1, 4 },
	{ input2, sizeof(input2), hash2, 4 + 16 },
	{ input3, sizeof(input3), hash3, 4 + 32 },
	{ input4, sizeof(input4), hash4, 4 + 32 },
};

static u_char ni[] = { NI_B }, nr[] = { NR_B }, skeyid_a[] = { SKEYID_A };

START_TEST(test_hash_input)
{
	chunk_t after, input;

	after = chunk_create(pull[_i].input + pull[_i].skip,
						 pull[_i].input_len - pull[_i].skip);
	input = gdoi_isakmp_pull_hash_input(_i + 1, PULL_MSGID,
										chunk_from_thing(ni),
										chunk_from_thing(nr), after);
	ck_assert_chunk_eq(input, chunk_create(pull[_i].input,
										   pull[_i].input_len));
	chunk_clear(&input);
}
END_TEST

START_TEST(test_hash_kat)
{
	chunk_t after, hash;

	after = chunk_create(pull[_i].input + pull[_i].skip,
						 pull[_i].input_len - pull[_i].skip);
	ck_assert(gdoi_isakmp_pull_hash(PRF_HMAC_SHA2_256,
									chunk_from_thing(skeyid_a), _i + 1,
									PULL_MSGID, chunk_from_thing(ni),
									chunk_from_thing(nr), after, &hash));
	ck_assert_chunk_eq(hash, chunk_create(pull[_i].hash, 32));
	chunk_free(&hash);
}
END_TEST

/**
 * Encode PULL message n with its HASH, decode it, check layout and hash
 */
START_TEST(test_pull_message)
{
	gdoi_isakmp_message_t *msg, *dec;
	gdoi_isakmp_err_t err = {};
	chunk_t out, after;
	int n = _i + 1;

	msg = build_pull(n);
	ck_assert_msg(gdoi_isakmp_pull_encode(msg, PRF_HMAC_SHA2_256,
						chunk_from_thing(skeyid_a), n, chunk_from_thing(ni),
						chunk_from_thing(nr), &out, &err), "%s", err.msg);
	/* the HASH payload: next = second payload, length 36, the KAT hash */
	ck_assert_int_eq(out.ptr[16], GDOI_PL_HASH);
	ck_assert_int_eq(out.ptr[28 + 3], 36);
	ck_assert(memeq(out.ptr + 32, pull[_i].hash, 32));
	ck_assert(gdoi_isakmp_after_hash(msg, &after, &err));
	ck_assert_chunk_eq(after, chunk_create(pull[_i].input + pull[_i].skip,
									pull[_i].input_len - pull[_i].skip));

	ck_assert_msg(gdoi_isakmp_message_decode(out, &dec, &err), "%s", err.msg);
	ck_assert_msg(gdoi_isakmp_check_pull(dec, n, &err), "%s", err.msg);
	ck_assert_msg(gdoi_isakmp_pull_verify(dec, PRF_HMAC_SHA2_256,
						chunk_from_thing(skeyid_a), n, chunk_from_thing(ni),
						chunk_from_thing(nr), &err), "%s", err.msg);
	/* wrong message number */
	ck_assert(!gdoi_isakmp_check_pull(dec, n % 4 + 1, &err));
	ck_assert(strstr(err.msg, "GROUPKEY-PULL message"));
	gdoi_isakmp_message_destroy(dec);

	/* one flipped bit in the last payload */
	out.ptr[out.len - 1] ^= 0x01;
	ck_assert(gdoi_isakmp_message_decode(out, &dec, &err));
	ck_assert(!gdoi_isakmp_pull_verify(dec, PRF_HMAC_SHA2_256,
						chunk_from_thing(skeyid_a), n, chunk_from_thing(ni),
						chunk_from_thing(nr), &err));
	ck_assert(strstr(err.msg, "Data does not verify"));
	gdoi_isakmp_message_destroy(dec);
	chunk_clear(&out);
	gdoi_isakmp_message_destroy(msg);
}
END_TEST

START_TEST(test_layouts)
{
	gdoi_isakmp_message_t *msg;
	gdoi_isakmp_err_t err = {};

	ck_assert(gdoi_isakmp_message_decode(chunk_from_thing(kat_push), &msg,
										 &err));
	ck_assert_msg(gdoi_isakmp_check_push(msg, &err), "%s", err.msg);
	ck_assert(!gdoi_isakmp_check_pull(msg, 1, &err));
	ck_assert(strstr(err.msg, "ISAKMP Exchange Type 33 is not GROUPKEY-PULL"));
	gdoi_isakmp_message_destroy(msg);

	/* PULL 1 without ID */
	msg = build_pull(1);
	gdoi_isakmp_payload_clear(&msg->payloads[1]);
	msg->count = 1;
	gdoi_isakmp_message_add_data(msg, GDOI_PL_HASH, chunk_from_chars(1, 2));
	ck_assert(!gdoi_isakmp_check_pull(msg, 1, &err));
	ck_assert(strstr(err.msg, "GROUPKEY-PULL message 1 lacks the HASH payload "
					 "at position 1"));
	gdoi_isakmp_message_destroy(msg);

	/* PUSH with SIG not last */
	msg = build_push();
	gdoi_isakmp_message_add(msg, GDOI_PL_SEQ)->seq = 2;
	ck_assert(!gdoi_isakmp_check_push(msg, &err));
	ck_assert(strstr(err.msg, "GROUPKEY-PUSH has an unexpected payload type 18 "
					 "at position 5"));
	gdoi_isakmp_message_destroy(msg);
}
END_TEST

START_TEST(test_push_sig_input)
{
	gdoi_isakmp_message_t *msg;
	gdoi_isakmp_err_t err = {};
	chunk_t input, expected;

	ck_assert(gdoi_isakmp_message_decode(chunk_from_thing(kat_push), &msg,
										 &err));
	ck_assert(gdoi_isakmp_push_sig_input_from(msg, &input, &err));
	/* "rekey" | HDR | SEQ, SA, KD (the KD's next payload names SIG) */
	expected = chunk_cat("ccc", chunk_from_str("rekey"),
						 chunk_create(kat_push, 28),
						 chunk_create(kat_push + 28, 8 + 162 + 126));
	ck_assert_chunk_eq(input, expected);
	ck_assert_int_eq(input.ptr[5 + 28 + 8 + 162], GDOI_PL_SIG);
	ck_assert_int_eq(input.len, 5 + sizeof(kat_push) - 12);
	chunk_clear(&input);
	chunk_free(&expected);
	gdoi_isakmp_message_destroy(msg);

	/* not a PUSH with a trailing SIG */
	msg = build_pull(3);
	ck_assert(!gdoi_isakmp_push_sig_input_from(msg, &input, &err));
	ck_assert(strstr(err.msg, "SIG is not the last payload"));
	gdoi_isakmp_message_destroy(msg);
}
END_TEST

Suite *gdoi_isakmp_hash_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("gdoi_isakmp_hash");

	tc = tcase_create("GROUPKEY-PULL hashes");
	tcase_add_loop_test(tc, test_hash_input, 0, 4);
	tcase_add_loop_test(tc, test_hash_kat, 0, 4);
	tcase_add_loop_test(tc, test_pull_message, 0, 4);
	tcase_add_test(tc, test_layouts);
	suite_add_tcase(s, tc);

	tc = tcase_create("GROUPKEY-PUSH signature input");
	tcase_add_test(tc, test_push_sig_input);
	suite_add_tcase(s, tc);

	return s;
}
