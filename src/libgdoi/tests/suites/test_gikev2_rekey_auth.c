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

#include <gikev2_rekey_auth.h>

/**
 * A as sent: IKE header and Encrypted payload header, with the on-wire
 * lengths that count IV, padding and ICV
 */
static chunk_t a_wire = chunk_from_chars(
	/* Rekey SA SPI (SPIi | SPIr) */
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
	/* Next Payload SK (46), Version 2.0, GSA_REKEY (41), Flags */
	0x2e, 0x20, 0x29, 0x08,
	/* Message ID 5, Length 256 */
	0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x01, 0x00,
	/* SK: Next Payload N (41), C, Payload Length 224 */
	0x29, 0x00, 0x00, 0xe0);

/**
 * P: a Notify and the AUTH payload, carrying a received signature
 */
static chunk_t p_received = chunk_from_chars(
	/* N: Next AUTH (39), Length 12, Protocol 0, SPI Size 0, 16429, data */
	0x27, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x40, 0x2d, 0x00, 0x00, 0x00, 0x01,
	/* AUTH: Next 0, Length 32, Auth Method 14, RESERVED */
	0x00, 0x00, 0x00, 0x20, 0x0e, 0x00, 0x00, 0x00,
	/* ASN.1 Length 15, AlgorithmIdentifier sha256WithRSAEncryption */
	0x0f, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
	0x01, 0x0b, 0x05, 0x00,
	/* Signature Value */
	0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88);

/**
 * A | P by hand from RFC 9838 2.4.1.1: IKE Length = 32 + 44 = 76,
 * SK Payload Length = 44 + 4 = 48, Signature Value zeroed
 */
static chunk_t expected = chunk_from_chars(
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
	0x2e, 0x20, 0x29, 0x08,
	0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x4c,
	0x29, 0x00, 0x00, 0x30,
	0x27, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x40, 0x2d, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x20, 0x0e, 0x00, 0x00, 0x00,
	0x0f, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
	0x01, 0x0b, 0x05, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00);

START_TEST(test_kat)
{
	chunk_t data, sig, marked, p;

	/* member: the received P */
	ck_assert(gikev2_rekey_auth_data(a_wire, p_received, &data, &sig, NULL));
	ck_assert_chunk_eq(expected, data);
	ck_assert_chunk_eq(chunk_from_chars(0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
										0x77, 0x88), sig);
	chunk_free(&data);
	chunk_free(&sig);

	/* key server: P with a zeroed signature gives the same data */
	p = chunk_clone(p_received);
	memset(p.ptr + p.len - 8, 0, 8);
	ck_assert(gikev2_rekey_auth_data(a_wire, p, &data, NULL, NULL));
	ck_assert_chunk_eq(expected, data);
	chunk_free(&data);
	chunk_free(&p);

	/* the non-ESP marker of port 4500 is not part of A */
	marked = chunk_cat("cc", chunk_from_chars(0, 0, 0, 0), a_wire);
	ck_assert(gikev2_rekey_auth_data(marked, p_received, &data, NULL, NULL));
	ck_assert_chunk_eq(expected, data);
	chunk_free(&data);
	chunk_free(&marked);
}
END_TEST

static struct {
	/** offset in A | P to set, -1 to truncate P by one octet */
	int off;
	u_char value;
	char *err;
} invalid[] = {
	{ 16, 0x21, "Next Payload, Version or Exchange Type invalid" },
	{ 17, 0x10, "Next Payload, Version or Exchange Type invalid" },
	{ 18, 40, "Next Payload, Version or Exchange Type invalid" },
	{ 28, 39, "AUTH Auth Method 0, not 14" },
	{ 28, 0, "inner payloads have no AUTH payload" },
	{ 32, 0, "inner payloads have no AUTH payload" },
	{ 44, 41, "AUTH payload is not the last inner payload" },
	{ 35, 0x03, "inner payload Payload Length 3 invalid" },
	{ 35, 0xff, "inner payload Payload Length 255 invalid" },
	{ 47, 0x08, "AUTH payload too short" },
	{ 47, 0x18, "inner payloads end 8 octets before the data" },
	{ 48, 1, "AUTH Auth Method 1, not 14" },
	{ 52, 0x20, "AUTH ASN.1 Length 32 exceeds the payload" },
	{ -1, 0, "inner payload Payload Length 32 invalid" },
};

START_TEST(test_invalid)
{
	gikev2_err_t err = {};
	chunk_t a, p, data;

	a = chunk_clone(a_wire);
	p = chunk_clone(p_received);
	if (invalid[_i].off < 0)
	{
		p.len--;
	}
	else if (invalid[_i].off < a.len)
	{
		a.ptr[invalid[_i].off] = invalid[_i].value;
	}
	else
	{
		p.ptr[invalid[_i].off - a.len] = invalid[_i].value;
	}
	ck_assert(!gikev2_rekey_auth_data(a, p, &data, NULL, &err));
	ck_assert_msg(strstr(err.msg, invalid[_i].err),
				  "error '%s' does not name '%s'", err.msg, invalid[_i].err);
	chunk_free(&a);
	chunk_free(&p);
}
END_TEST

START_TEST(test_invalid_a)
{
	gikev2_err_t err = {};
	chunk_t data, marked;

	ck_assert(!gikev2_rekey_auth_data(chunk_create(a_wire.ptr, 31),
									  p_received, &data, NULL, &err));
	ck_assert_str_eq(err.msg, "GSA_REKEY A has 31 octets, not 32");
	memset(&err, 0, sizeof(err));
	marked = chunk_cat("cc", chunk_from_chars(0, 0, 0, 1), a_wire);
	ck_assert(!gikev2_rekey_auth_data(marked, p_received, &data, NULL, &err));
	ck_assert_str_eq(err.msg, "GSA_REKEY A has 36 octets, not 32");
	chunk_free(&marked);
	memset(&err, 0, sizeof(err));
	ck_assert(!gikev2_rekey_auth_data(a_wire, chunk_empty, &data, NULL, &err));
	ck_assert_str_eq(err.msg, "GSA_REKEY inner payload header truncated");
}
END_TEST

Suite *gikev2_rekey_auth_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("gikev2 rekey auth");

	tc = tcase_create("signature input");
	tcase_add_test(tc, test_kat);
	tcase_add_loop_test(tc, test_invalid, 0, countof(invalid));
	tcase_add_test(tc, test_invalid_a);
	suite_add_tcase(s, tc);

	return s;
}
