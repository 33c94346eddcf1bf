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

#include <gikev2_registration.h>

/**
 * Generate a TEK
 */
static gdoi_tek_t *tek(char *proposal_str, char *src, char *dst)
{
	traffic_selector_t *src_ts, *dst_ts;
	proposal_t *proposal;
	gdoi_tek_t *tek;

	proposal = proposal_create_from_string(PROTO_ESP, proposal_str);
	src_ts = traffic_selector_create_from_cidr(src, 0, 0, 65535);
	dst_ts = traffic_selector_create_from_cidr(dst, 0, 0, 65535);
	tek = gdoi_tek_generate(proposal, src_ts, dst_ts, 3600);
	proposal->destroy(proposal);
	src_ts->destroy(src_ts);
	dst_ts->destroy(dst_ts);
	ck_assert(tek);
	return tek;
}

/**
 * Generate a KEK to rekey to a destination, UDP port
 */
static gdoi_kek_t *kek_to(char *from, char *to, uint16_t port)
{
	traffic_selector_t *src, *dst;
	proposal_t *proposal;
	gdoi_kek_t *kek;

	proposal = proposal_create_from_string(PROTO_IKE,
										   "aes256-sha256-modp2048");
	src = traffic_selector_create_from_string(IPPROTO_UDP, TS_IPV4_ADDR_RANGE,
											  "192.0.2.1", 848, "192.0.2.1",
											  848);
	dst = traffic_selector_create_from_string(IPPROTO_UDP,
								strchr(from, ':') ? TS_IPV6_ADDR_RANGE
												  : TS_IPV4_ADDR_RANGE,
								from, port, to, port);
	kek = gdoi_kek_generate(proposal, GIKEV2_KW_5649_256, 32, src, dst, 86400);
	proposal->destroy(proposal);
	src->destroy(src);
	dst->destroy(dst);
	ck_assert(kek);
	return kek;
}

/**
 * Generate a KEK to multicast rekeys to 239.192.0.1, UDP port 848
 */
static gdoi_kek_t *kek()
{
	return kek_to("239.192.0.1", "239.192.0.1", 848);
}

/**
 * Compare a decoded TEK with the original
 */
static void assert_tek(gdoi_tek_t *a, gdoi_tek_t *b)
{
	ck_assert_int_eq(a->spi, b->spi);
	ck_assert_int_eq(a->encr_alg, b->encr_alg);
	ck_assert_int_eq(a->encr_keylen, b->encr_keylen);
	ck_assert_int_eq(a->integ_alg, b->integ_alg);
	ck_assert_chunk_eq(a->keymat, b->keymat);
	ck_assert(a->src->equals(a->src, b->src));
	ck_assert(a->dst->equals(a->dst, b->dst));
	ck_assert(b->lifetime == 3600 || b->lifetime == 3599);
}

static char kwk_bytes[32] = {
	0x01,0x02,0x03,0x04,0x05,0x06,0x07,0x08,0x09,0x0a,0x0b,0x0c,0x0d,0x0e,
	0x0f,0x10,0x11,0x12,0x13,0x14,0x15,0x16,0x17,0x18,0x19,0x1a,0x1b,0x1c,
	0x1d,0x1e,0x1f,0x20,
};

START_TEST(test_round_trip)
{
	gdoi_tek_t *t1, *t2, *decoded;
	gdoi_kek_t *k, *dk;
	linked_list_t *teks, *out;
	chunk_t gsa, kd, kwk = chunk_from_thing(kwk_bytes);
	gikev2_err_t err = {};

	t1 = tek("aes128gcm16", "198.51.100.0/24", "239.192.0.2/32");
	t2 = tek("aes256-sha256", "198.51.100.0/24", "198.51.100.0/24");
	k = _i ? kek() : NULL;
	teks = linked_list_create_with_items(t1, t2, NULL);
	ck_assert_msg(gikev2_registration_encode(teks, k, GIKEV2_GSA_AUTH,
							GIKEV2_KW_5649_256, kwk, &gsa, &kd, &err),
				  "%s", err.msg);
	/* the keys are wrapped: none of them appears in the KD in clear */
	ck_assert(!memmem(kd.ptr, kd.len, t1->keymat.ptr, t1->keymat.len));
	ck_assert(!memmem(kd.ptr, kd.len, t2->keymat.ptr, t2->keymat.len));

	ck_assert_msg(gikev2_registration_decode(gsa, kd, GIKEV2_GSA_AUTH,
							GIKEV2_KW_5649_256, kwk, &out, &dk, &err),
				  "%s", err.msg);
	ck_assert_int_eq(out->get_count(out), 2);
	ck_assert(out->get_first(out, (void**)&decoded) == SUCCESS);
	assert_tek(t1, decoded);
	ck_assert(out->get_last(out, (void**)&decoded) == SUCCESS);
	assert_tek(t2, decoded);
	if (k)
	{
		ck_assert(dk);
		ck_assert(memeq(k->spi, dk->spi, sizeof(k->spi)));
		ck_assert_int_eq(dk->kwa, GIKEV2_KW_5649_256);
		ck_assert_int_eq(dk->kwk_size, 32);
		ck_assert_chunk_eq(k->keymat, dk->keymat);
		ck_assert(k->dst->equals(k->dst, dk->dst));
		dk->destroy(dk);
		k->destroy(k);
	}
	else
	{
		ck_assert(dk == NULL);
	}
	out->destroy_offset(out, offsetof(gdoi_tek_t, destroy));
	teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));
	chunk_free(&gsa);
	chunk_clear(&kd);
}
END_TEST

START_TEST(test_wrong_kwk)
{
	linked_list_t *teks, *out = NULL;
	chunk_t gsa, kd, kwk = chunk_from_thing(kwk_bytes), other;
	gikev2_err_t err = {};
	gdoi_kek_t *dk = NULL;

	teks = linked_list_create_with_items(
				tek("aes128gcm16", "198.51.100.0/24", "239.192.0.2/32"), NULL);
	ck_assert(gikev2_registration_encode(teks, NULL, GIKEV2_GSA_AUTH,
							GIKEV2_KW_5649_256, kwk, &gsa, &kd, &err));
	other = chunk_clone(kwk);
	other.ptr[31] ^= 0x01;
	ck_assert(!gikev2_registration_decode(gsa, kd, GIKEV2_GSA_AUTH,
							GIKEV2_KW_5649_256, other, &out, &dk, &err));
	ck_assert(out == NULL && dk == NULL);
	ck_assert_msg(strlen(err.msg) > 0, "no error text");
	chunk_free(&other);
	/* a KD without the TEK's key bag */
	memset(&err, 0, sizeof(err));
	ck_assert(!gikev2_registration_decode(gsa, chunk_empty, GIKEV2_GSA_AUTH,
							GIKEV2_KW_5649_256, kwk, &out, &dk, &err));
	ck_assert_msg(strlen(err.msg) > 0, "no error text");
	teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));
	chunk_free(&gsa);
	chunk_clear(&kd);
}
END_TEST

/**
 * Encode and decode a KEK without TEKs
 */
static bool round_trip_kek(gdoi_kek_t *k, gikev2_exchange_t exchange,
						   chunk_t kwk, gdoi_kek_t **dk, chunk_t *gsa_out,
						   chunk_t *kd_out, gikev2_err_t *err)
{
	linked_list_t *teks, *out = NULL;
	chunk_t gsa, kd;
	bool ok;

	teks = linked_list_create();
	*dk = NULL;
	if (!gikev2_registration_encode(teks, k, exchange, GIKEV2_KW_5649_256, kwk,
									&gsa, &kd, err))
	{
		teks->destroy(teks);
		return FALSE;
	}
	ok = gikev2_registration_decode(gsa, kd, exchange, GIKEV2_KW_5649_256,
									kwk, &out, dk, err);
	if (ok)
	{
		ck_assert_int_eq(out->get_count(out), 0);
		out->destroy(out);
	}
	teks->destroy(teks);
	if (gsa_out)
	{
		*gsa_out = gsa;
		*kd_out = kd;
	}
	else
	{
		chunk_free(&gsa);
		chunk_clear(&kd);
	}
	return ok;
}

START_TEST(test_unicast_kek)
{
	chunk_t kwk = chunk_from_thing(kwk_bytes);
	gikev2_err_t err = {};
	gdoi_kek_t *k, *dk;

	/* unicast rekeys: any address, the member's IKE port */
	k = kek_to("0.0.0.0", "255.255.255.255", 500);
	ck_assert_msg(round_trip_kek(k, GIKEV2_GSA_AUTH, kwk, &dk, NULL, NULL,
								 &err), "%s", err.msg);
	ck_assert(k->dst->equals(k->dst, dk->dst));
	dk->destroy(dk);
	k->destroy(k);
	k = kek_to("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 500);
	ck_assert_msg(round_trip_kek(k, GIKEV2_GSA_AUTH, kwk, &dk, NULL, NULL,
								 &err), "%s", err.msg);
	dk->destroy(dk);
	k->destroy(k);
	/* neither multicast nor any */
	k = kek_to("10.0.0.0", "10.255.255.255", 500);
	ck_assert(!round_trip_kek(k, GIKEV2_GSA_AUTH, kwk, &dk, NULL, NULL,
							  &err));
	ck_assert(strstr(err.msg, "neither one multicast address nor any"));
	k->destroy(k);
	/* one port */
	memset(&err, 0, sizeof(err));
	k = kek_to("0.0.0.0", "255.255.255.255", 0);
	k->dst->destroy(k->dst);
	k->dst = traffic_selector_create_from_string(IPPROTO_UDP,
						TS_IPV4_ADDR_RANGE, "0.0.0.0", 500, "255.255.255.255",
						501);
	ck_assert(!round_trip_kek(k, GIKEV2_GSA_AUTH, kwk, &dk, NULL, NULL,
							  &err));
	ck_assert(strstr(err.msg, "UDP and one port"));
	k->destroy(k);
}
END_TEST

Suite *gikev2_registration_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("gikev2 registration");

	tc = tcase_create("encode and decode");
	tcase_add_loop_test(tc, test_round_trip, 0, 2);
	tcase_add_test(tc, test_wrong_kwk);
	tcase_add_test(tc, test_unicast_kek);
	suite_add_tcase(s, tc);

	return s;
}
