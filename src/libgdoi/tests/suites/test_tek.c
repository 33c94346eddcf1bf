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

#include <gdoi_tek.h>

/**
 * Key material sizes: algorithms, key length, expected encryption and
 * integrity key sizes in bytes
 */
static struct {
	uint16_t encr;
	uint16_t keylen;
	uint16_t integ;
	size_t encr_size;
	size_t integ_size;
} sizes[] = {
	/* AES-GCM: key plus 4 octets of salt (RFC 4106 8.1) */
	{ ENCR_AES_GCM_ICV16, 128, AUTH_UNDEFINED, 20, 0 },
	{ ENCR_AES_GCM_ICV16, 256, AUTH_UNDEFINED, 36, 0 },
	/* AES-CCM: 3 octets of salt (RFC 4309 7.1) */
	{ ENCR_AES_CCM_ICV8, 192, AUTH_UNDEFINED, 27, 0 },
	/* AES-CBC with HMAC-SHA2-256-128: the HMAC key is 32 octets */
	{ ENCR_AES_CBC, 128, AUTH_HMAC_SHA2_256_128, 16, 32 },
	{ ENCR_AES_CBC, 256, AUTH_HMAC_SHA1_96, 32, 20 },
	/* fixed key lengths */
	{ ENCR_3DES, 0, AUTH_HMAC_SHA2_512_256, 24, 64 },
	{ ENCR_CHACHA20_POLY1305, 0, AUTH_UNDEFINED, 36, 0 },
	{ ENCR_NULL, 0, AUTH_HMAC_SHA2_384_192, 0, 48 },
	/* AES-GMAC integrity: key plus 4 octets of salt (RFC 4543 3.2) */
	{ ENCR_NULL, 0, AUTH_AES_128_GMAC, 0, 20 },
	{ ENCR_AES_CBC, 256, AUTH_AES_256_GMAC, 32, 36 },
};

START_TEST(test_sizes)
{
	size_t encr, integ;

	ck_assert(gdoi_keymat_sizes(sizes[_i].encr, sizes[_i].keylen,
								sizes[_i].integ, &encr, &integ));
	ck_assert_int_eq(encr, sizes[_i].encr_size);
	ck_assert_int_eq(integ, sizes[_i].integ_size);
}
END_TEST

START_TEST(test_sizes_unknown)
{
	size_t encr, integ;

	/* AES without a key length has none to fall back to */
	ck_assert(!gdoi_keymat_sizes(ENCR_AES_CBC, 0, AUTH_UNDEFINED, &encr,
								 &integ));
	ck_assert(!gdoi_keymat_sizes(ENCR_AES_CBC, 128, 9999, &encr, &integ));
}
END_TEST

/**
 * Create a TEK from a proposal string
 */
static gdoi_tek_t *generate(char *proposal_str)
{
	traffic_selector_t *src, *dst;
	proposal_t *proposal;
	gdoi_tek_t *tek;

	proposal = proposal_create_from_string(PROTO_ESP, proposal_str);
	ck_assert(proposal);
	src = traffic_selector_create_from_cidr("198.51.100.0/24", 0, 0, 65535);
	dst = traffic_selector_create_from_cidr("239.192.0.1/32", 0, 0, 65535);
	tek = gdoi_tek_generate(proposal, src, dst, 3600);
	proposal->destroy(proposal);
	src->destroy(src);
	dst->destroy(dst);
	return tek;
}

START_TEST(test_generate)
{
	gdoi_tek_t *a, *b;
	chunk_t encr, integ;

	a = generate("aes128-sha256");
	b = generate("aes128-sha256");
	ck_assert(a && b);
	ck_assert_int_eq(a->encr_alg, ENCR_AES_CBC);
	ck_assert_int_eq(a->encr_keylen, 128);
	ck_assert_int_eq(a->integ_alg, AUTH_HMAC_SHA2_256_128);
	ck_assert_int_eq(a->keymat.len, 16 + 32);
	ck_assert(ntohl(a->spi) >= 256);
	a->get_keys(a, &encr, &integ);
	ck_assert_int_eq(encr.len, 16);
	ck_assert_int_eq(integ.len, 32);
	ck_assert(encr.ptr == a->keymat.ptr);
	ck_assert(integ.ptr == a->keymat.ptr + 16);
	/* fresh keys and SPIs each time */
	ck_assert(!chunk_equals(a->keymat, b->keymat));
	ck_assert(a->spi != b->spi);
	ck_assert_int_eq(a->get_remaining(a, a->created), 3600);
	ck_assert_int_eq(a->get_remaining(a, a->created + 3599), 1);
	ck_assert_int_eq(a->get_remaining(a, a->created + 7200), 0);
	a->destroy(a);
	b->destroy(b);
}
END_TEST

START_TEST(test_generate_aead)
{
	gdoi_tek_t *tek;
	chunk_t encr, integ;

	tek = generate("aes256gcm16");
	ck_assert(tek);
	ck_assert_int_eq(tek->integ_alg, AUTH_UNDEFINED);
	tek->get_keys(tek, &encr, &integ);
	ck_assert_int_eq(encr.len, 36);
	ck_assert_int_eq(integ.len, 0);
	/* references keep it alive */
	ck_assert(tek->get_ref(tek) == tek);
	tek->destroy(tek);
	ck_assert_int_eq(tek->keymat.len, 36);
	tek->destroy(tek);
}
END_TEST

START_TEST(test_create_mismatch)
{
	traffic_selector_t *ts;
	gdoi_tek_t *tek;
	char key[52] = {};

	ts = traffic_selector_create_from_cidr("198.51.100.0/24", 0, 0, 65535);
	/* 16 + 32 octets for AES-128-CBC with HMAC-SHA2-256 */
	tek = gdoi_tek_create(htonl(0x1000), ENCR_AES_CBC, 128,
						  AUTH_HMAC_SHA2_256_128, chunk_create(key, 47), ts,
						  ts, 60);
	ck_assert(tek == NULL);
	tek = gdoi_tek_create(htonl(0x1000), ENCR_AES_CBC, 128,
						  AUTH_HMAC_SHA2_256_128, chunk_create(key, 49), ts,
						  ts, 60);
	ck_assert(tek == NULL);
	tek = gdoi_tek_create(htonl(0x1000), ENCR_AES_CBC, 128,
						  AUTH_HMAC_SHA2_256_128, chunk_create(key, 48), ts,
						  ts, 60);
	ck_assert(tek != NULL);
	ck_assert_int_eq(tek->spi, htonl(0x1000));
	tek->destroy(tek);
	ts->destroy(ts);
}
END_TEST

/**
 * Traffic selectors and the multicast address they are, or NULL
 */
static struct {
	char *ts;
	uint8_t proto;
	uint16_t port;
	char *expected;
} multicast[] = {
	{ "239.192.0.1/32", IPPROTO_UDP, 848, "239.192.0.1[848]" },
	{ "224.0.0.1/32", 0, 0, "224.0.0.1" },
	{ "ff0e::1/128", IPPROTO_UDP, 848, "ff0e::1[848]" },
	/* a unicast address, a range of multicast addresses, everything */
	{ "192.0.2.1/32", IPPROTO_UDP, 848, NULL },
	{ "239.192.0.0/24", IPPROTO_UDP, 848, NULL },
	{ "0.0.0.0/0", IPPROTO_UDP, 500, NULL },
	{ "fe80::1/128", 0, 0, NULL },
};

START_TEST(test_ts_multicast)
{
	traffic_selector_t *ts;
	host_t *host;
	char buf[64];

	ts = traffic_selector_create_from_cidr(multicast[_i].ts,
										   multicast[_i].proto,
										   multicast[_i].port,
										   multicast[_i].port ?: 65535);
	ck_assert(ts);
	host = gdoi_ts_multicast(ts);
	if (multicast[_i].expected)
	{
		ck_assert(host);
		snprintf(buf, sizeof(buf), "%#H", host);
		ck_assert_str_eq(buf, multicast[_i].expected);
		host->destroy(host);
	}
	else
	{
		ck_assert(!host);
	}
	ts->destroy(ts);
}
END_TEST

Suite *tek_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("tek");

	tc = tcase_create("key material sizes");
	tcase_add_loop_test(tc, test_sizes, 0, countof(sizes));
	tcase_add_test(tc, test_sizes_unknown);
	suite_add_tcase(s, tc);

	tc = tcase_create("create and generate");
	tcase_add_test(tc, test_generate);
	tcase_add_test(tc, test_generate_aead);
	tcase_add_test(tc, test_create_mismatch);
	suite_add_tcase(s, tc);

	tc = tcase_create("multicast destination");
	tcase_add_loop_test(tc, test_ts_multicast, 0, countof(multicast));
	suite_add_tcase(s, tc);

	return s;
}
