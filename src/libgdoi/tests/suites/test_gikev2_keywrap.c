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

#include <gikev2_keywrap.h>
#include <crypto/crypters/crypter.h>

/*
 * RFC 5649 section 6: 192-bit KEK, a 20 and a 7 octet key
 */
static chunk_t kek_5649 = chunk_from_chars(
	0x58, 0x40, 0xdf, 0x6e, 0x29, 0xb0, 0x2a, 0xf1, 0xab, 0x49, 0x3b, 0x70,
	0x5b, 0xf1, 0x6e, 0xa1, 0xae, 0x83, 0x38, 0xf4, 0xdc, 0xc1, 0x76, 0xa8);

static chunk_t key20_5649 = chunk_from_chars(
	0xc3, 0x7b, 0x7e, 0x64, 0x92, 0x58, 0x43, 0x40, 0xbe, 0xd1, 0x22, 0x07,
	0x80, 0x89, 0x41, 0x15, 0x50, 0x68, 0xf7, 0x38);

static chunk_t wrap20_5649 = chunk_from_chars(
	0x13, 0x8b, 0xde, 0xaa, 0x9b, 0x8f, 0xa7, 0xfc, 0x61, 0xf9, 0x77, 0x42,
	0xe7, 0x22, 0x48, 0xee, 0x5a, 0xe6, 0xae, 0x53, 0x60, 0xd1, 0xae, 0x6a,
	0x5f, 0x54, 0xf3, 0x73, 0xfa, 0x54, 0x3b, 0x6a);

static chunk_t key7_5649 = chunk_from_chars(
	0x46, 0x6f, 0x72, 0x50, 0x61, 0x73, 0x69);

static chunk_t wrap7_5649 = chunk_from_chars(
	0xaf, 0xbe, 0xb0, 0xf0, 0x7d, 0xfb, 0xf5, 0x41, 0x92, 0x00, 0xf2, 0xcc,
	0xb5, 0x0b, 0xb2, 0x4f);

/*
 * RFC 3394 4.1 (128-bit KEK, 128-bit key) and 4.6 (256-bit KEK and key)
 */
static chunk_t kek_3394_256 = chunk_from_chars(
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
	0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f);

static chunk_t key_3394_256 = chunk_from_chars(
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
	0xcc, 0xdd, 0xee, 0xff, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f);

static chunk_t wrap_3394_41 = chunk_from_chars(
	0x1f, 0xa6, 0x8b, 0x0a, 0x81, 0x12, 0xb4, 0x47, 0xae, 0xf3, 0x4b, 0xd8,
	0xfb, 0x5a, 0x7b, 0x82, 0x9d, 0x3e, 0x86, 0x23, 0x71, 0xd2, 0xcf, 0xe5);

static chunk_t wrap_3394_46 = chunk_from_chars(
	0x28, 0xc9, 0xf4, 0x04, 0xc4, 0xb8, 0x10, 0xf4, 0xcb, 0xcc, 0xb3, 0x5c,
	0xfb, 0x87, 0xf8, 0x26, 0x3f, 0x57, 0x86, 0xe2, 0xd8, 0x0e, 0xd3, 0x26,
	0xcb, 0xc7, 0xf0, 0xe7, 0x1a, 0x99, 0xf4, 0x3b, 0xfb, 0x98, 0x8b, 0x9b,
	0x7a, 0x02, 0xdd, 0x21);

START_TEST(test_rfc5649)
{
	gikev2_err_t err = {};
	chunk_t out;

	ck_assert(gikev2_key_wrap(GIKEV2_KW_5649_192, kek_5649, key20_5649, &out,
							  &err));
	ck_assert_chunk_eq(wrap20_5649, out);
	chunk_free(&out);
	ck_assert(gikev2_key_unwrap(GIKEV2_KW_5649_192, kek_5649, wrap20_5649,
								&out, &err));
	ck_assert_chunk_eq(key20_5649, out);
	chunk_clear(&out);

	/* one semiblock: a single AES block operation */
	ck_assert(gikev2_key_wrap(GIKEV2_KW_5649_192, kek_5649, key7_5649, &out,
							  &err));
	ck_assert_chunk_eq(wrap7_5649, out);
	chunk_free(&out);
	ck_assert(gikev2_key_unwrap(GIKEV2_KW_5649_192, kek_5649, wrap7_5649,
								&out, &err));
	ck_assert_chunk_eq(key7_5649, out);
	chunk_clear(&out);
	ck_assert_str_eq(err.msg, "");
}
END_TEST

START_TEST(test_rfc3394)
{
	chunk_t out;

	ck_assert(gikev2_aes_kw_wrap(chunk_create(kek_3394_256.ptr, 16),
								 chunk_create(key_3394_256.ptr, 16), &out));
	ck_assert_chunk_eq(wrap_3394_41, out);
	chunk_free(&out);
	ck_assert(gikev2_aes_kw_unwrap(chunk_create(kek_3394_256.ptr, 16),
								   wrap_3394_41, &out));
	ck_assert_chunk_eq(chunk_create(key_3394_256.ptr, 16), out);
	chunk_clear(&out);

	ck_assert(gikev2_aes_kw_wrap(kek_3394_256, key_3394_256, &out));
	ck_assert_chunk_eq(wrap_3394_46, out);
	chunk_free(&out);
	ck_assert(gikev2_aes_kw_unwrap(kek_3394_256, wrap_3394_46, &out));
	ck_assert_chunk_eq(key_3394_256, out);
	chunk_clear(&out);

	/* RFC 3394 IV is no RFC 5649 AIV */
	ck_assert(!gikev2_key_unwrap(GIKEV2_KW_5649_256, kek_3394_256,
								 wrap_3394_46, &out, NULL));
	/* tampered */
	out = chunk_clone(wrap_3394_46);
	out.ptr[20] ^= 0x01;
	ck_assert(!gikev2_aes_kw_unwrap(kek_3394_256, out, &out));
	chunk_free(&out);
	/* lengths */
	ck_assert(!gikev2_aes_kw_wrap(kek_3394_256, chunk_create(key_3394_256.ptr,
														  12), &out));
	ck_assert(!gikev2_aes_kw_unwrap(kek_3394_256, chunk_create(
										wrap_3394_46.ptr, 16), &out));
}
END_TEST

/** key lengths for the round trip: one to five semiblocks and the edges */
static size_t lengths[] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 20, 23, 24, 25,
	31, 32, 33, 40, 63, 64, 65, 127, 128, 129, 200, 248, 249, 255, 256,
};

static gikev2_kwa_t kwas[] = {
	GIKEV2_KW_5649_128, GIKEV2_KW_5649_192, GIKEV2_KW_5649_256,
};

START_TEST(test_roundtrip)
{
	gikev2_err_t err = {};
	chunk_t kwk, key, wrapped, out;
	size_t len, i;

	kwk = chunk_create(kek_3394_256.ptr, gikev2_kwa_key_size(kwas[_i]));
	key = chunk_alloc(GIKEV2_KEYWRAP_MAX_KEY);
	for (len = 0; len < key.len; len++)
	{
		key.ptr[len] = len * 7 + 3;
	}
	for (i = 0; i < countof(lengths); i++)
	{
		len = lengths[i];
		ck_assert(gikev2_key_wrap(kwas[_i], kwk, chunk_create(key.ptr, len),
								  &wrapped, &err));
		ck_assert_int_eq(wrapped.len, 8 + round_up(len, 8));
		ck_assert(gikev2_key_unwrap(kwas[_i], kwk, wrapped, &out, &err));
		ck_assert_chunk_eq(chunk_create(key.ptr, len), out);
		chunk_clear(&out);

		/* any flipped bit fails the integrity check */
		wrapped.ptr[len % wrapped.len] ^= 0x80;
		ck_assert(!gikev2_key_unwrap(kwas[_i], kwk, wrapped, &out, &err));
		ck_assert_str_eq(err.msg, "Encrypted Key integrity check failed");
		memset(&err, 0, sizeof(err));
		chunk_free(&wrapped);
	}
	chunk_free(&key);
}
END_TEST

/**
 * Encrypt one block with AES-ECB, to build invalid single-block wraps
 */
static chunk_t ecb(chunk_t kek, chunk_t block)
{
	crypter_t *aes;
	chunk_t out;

	aes = lib->crypto->create_crypter(lib->crypto, ENCR_AES_ECB, kek.len);
	ck_assert(aes);
	ck_assert(aes->set_key(aes, kek));
	ck_assert(aes->encrypt(aes, block, chunk_empty, &out));
	aes->destroy(aes);
	return out;
}

START_TEST(test_unwrap_invalid)
{
	gikev2_err_t err = {};
	chunk_t kwk, wrapped, out;
	int i;
	struct {
		chunk_t block;
	} blocks[] = {
		/* MLI 5 with a non-zero padding octet */
		{ chunk_from_chars(0xa6, 0x59, 0x59, 0xa6, 0x00, 0x00, 0x00, 0x05,
						   0x01, 0x02, 0x03, 0x04, 0x05, 0xff, 0x00, 0x00) },
		/* MLI 0 */
		{ chunk_from_chars(0xa6, 0x59, 0x59, 0xa6, 0x00, 0x00, 0x00, 0x00,
						   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00) },
		/* MLI 9 in one semiblock */
		{ chunk_from_chars(0xa6, 0x59, 0x59, 0xa6, 0x00, 0x00, 0x00, 0x09,
						   0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08) },
		/* wrong AIV */
		{ chunk_from_chars(0xa6, 0x59, 0x59, 0xa7, 0x00, 0x00, 0x00, 0x08,
						   0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08) },
	};

	kwk = chunk_create(kek_3394_256.ptr, 16);
	/* the same construction is valid with MLI 8 and the right AIV */
	wrapped = ecb(kwk, chunk_from_chars(0xa6, 0x59, 0x59, 0xa6, 0x00, 0x00,
			0x00, 0x08, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08));
	ck_assert(gikev2_key_unwrap(GIKEV2_KW_5649_128, kwk, wrapped, &out, &err));
	ck_assert_chunk_eq(out, chunk_from_chars(1, 2, 3, 4, 5, 6, 7, 8));
	chunk_clear(&out);
	chunk_free(&wrapped);

	for (i = 0; i < countof(blocks); i++)
	{
		memset(&err, 0, sizeof(err));
		wrapped = ecb(kwk, blocks[i].block);
		ck_assert(!gikev2_key_unwrap(GIKEV2_KW_5649_128, kwk, wrapped, &out,
									 &err));
		ck_assert_str_eq(err.msg, "Encrypted Key integrity check failed");
		chunk_free(&wrapped);
	}

	/* wrong key */
	memset(&err, 0, sizeof(err));
	ck_assert(!gikev2_key_unwrap(GIKEV2_KW_5649_192, chunk_create(
						kek_3394_256.ptr, 24), wrap20_5649, &out, &err));
	ck_assert_str_eq(err.msg, "Encrypted Key integrity check failed");
}
END_TEST

static struct {
	gikev2_kwa_t kwa;
	size_t kwk_len;
	size_t len;
	bool unwrap;
	char *err;
} sizes[] = {
	{ GIKEV2_KW_5649_256, 16, 16, FALSE, "key wrap key has 16 octets, "
										 "KW_5649_256 needs 32" },
	{ GIKEV2_KW_5649_128, 32, 16, TRUE, "key wrap key has 32 octets, "
										"KW_5649_128 needs 16" },
	{ GIKEV2_KW_5649_192, 0, 16, TRUE, "key wrap key has 0 octets" },
	{ GIKEV2_KW_ARX, 32, 16, FALSE, "key wrap algorithm KW_ARX not "
									"supported" },
	{ 0, 16, 16, TRUE, "key wrap algorithm (0) not supported" },
	{ GIKEV2_KW_5649_128, 16, 0, FALSE, "key to wrap has 0 octets" },
	{ GIKEV2_KW_5649_128, 16, 257, FALSE, "key to wrap has 257 octets" },
	{ GIKEV2_KW_5649_128, 16, 0, TRUE, "Encrypted Key of 0 octets" },
	{ GIKEV2_KW_5649_128, 16, 8, TRUE, "Encrypted Key of 8 octets" },
	{ GIKEV2_KW_5649_128, 16, 17, TRUE, "Encrypted Key of 17 octets" },
	{ GIKEV2_KW_5649_128, 16, 23, TRUE, "Encrypted Key of 23 octets" },
	{ GIKEV2_KW_5649_128, 16, 272, TRUE, "Encrypted Key of 272 octets" },
};

START_TEST(test_sizes)
{
	gikev2_err_t err = {};
	u_char buf[300] = {};
	chunk_t out;

	if (sizes[_i].unwrap)
	{
		ck_assert(!gikev2_key_unwrap(sizes[_i].kwa,
						chunk_create(kek_3394_256.ptr, sizes[_i].kwk_len),
						chunk_create(buf, sizes[_i].len), &out, &err));
	}
	else
	{
		ck_assert(!gikev2_key_wrap(sizes[_i].kwa,
						chunk_create(kek_3394_256.ptr, sizes[_i].kwk_len),
						chunk_create(buf, sizes[_i].len), &out, &err));
	}
	ck_assert_msg(strstr(err.msg, sizes[_i].err),
				  "error '%s' does not name '%s'", err.msg, sizes[_i].err);
}
END_TEST

/*
 * GSK_w = prf+(SK_d, "Key Wrap for G-IKEv2") with PRF_HMAC_SHA2_256 and
 * SK_d = 00 01 .. 1f, computed independently of strongSwan with python3's
 * hmac module and the prf+ of RFC 7296 2.13:
 *
 *   K = bytes(range(32)); S = b"Key Wrap for G-IKEv2"       # len(S) == 20
 *   T1 = hmac.new(K, S + b"\x01", hashlib.sha256).digest()
 *   T2 = hmac.new(K, T1 + S + b"\x02", hashlib.sha256).digest()
 *   (T1 + T2)[:32].hex()
 */
static chunk_t gsk_w = chunk_from_chars(
	0xb1, 0x69, 0x18, 0x07, 0x42, 0xeb, 0x22, 0x16, 0x50, 0x48, 0xcc, 0xe7,
	0x28, 0x1f, 0x2e, 0x65, 0x46, 0x50, 0x10, 0x93, 0x1c, 0x41, 0xa1, 0xb3,
	0x9a, 0x84, 0x92, 0xaf, 0xf3, 0x3a, 0x06, 0xd4);

START_TEST(test_gsk_w)
{
	chunk_t out;
	int i;

	ck_assert_int_eq(strlen(GIKEV2_GSK_W_LABEL), 20);
	for (i = 0; i < countof(kwas); i++)
	{
		ck_assert(gikev2_derive_gsk_w(PRF_HMAC_SHA2_256, kek_3394_256,
									  kwas[i], &out));
		ck_assert_chunk_eq(chunk_create(gsk_w.ptr,
										gikev2_kwa_key_size(kwas[i])), out);
		chunk_clear(&out);
	}
	ck_assert(!gikev2_derive_gsk_w(PRF_HMAC_SHA2_256, kek_3394_256,
								   GIKEV2_KW_ARX, &out));
}
END_TEST

Suite *gikev2_keywrap_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("gikev2 keywrap");

	tc = tcase_create("known answers");
	tcase_add_test(tc, test_rfc5649);
	tcase_add_test(tc, test_rfc3394);
	tcase_add_test(tc, test_gsk_w);
	suite_add_tcase(s, tc);

	tc = tcase_create("round trip");
	tcase_add_loop_test(tc, test_roundtrip, 0, countof(kwas));
	suite_add_tcase(s, tc);

	tc = tcase_create("invalid");
	tcase_add_test(tc, test_unwrap_invalid);
	tcase_add_loop_test(tc, test_sizes, 0, countof(sizes));
	suite_add_tcase(s, tc);

	return s;
}
