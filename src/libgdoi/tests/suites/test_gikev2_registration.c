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
#include <gikev2_gsa.h>
#include <gikev2_kd.h>

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

/**
 * Key types of the authentication key tests
 */
static struct {
	key_type_t type;
	u_int bits;
	signature_scheme_t scheme;
} auth_keys[] = {
	{ KEY_ED25519, 256, SIGN_ED25519 },
	{ KEY_ECDSA, 256, SIGN_ECDSA_WITH_SHA256_DER },
	{ KEY_RSA, 2048, SIGN_RSA_EMSA_PSS },
};

static rsa_pss_params_t pss_params = {
	.hash = HASH_SHA256,
	.mgf1_hash = HASH_SHA256,
	.salt_len = HASH_SIZE_SHA256,
};

/**
 * Generate the public key of auth_keys[i]
 */
static public_key_t *auth_key(int i)
{
	private_key_t *key;
	public_key_t *pub;

	key = lib->creds->create(lib->creds, CRED_PRIVATE_KEY, auth_keys[i].type,
							 BUILD_KEY_SIZE, auth_keys[i].bits, BUILD_END);
	ck_assert(key);
	pub = key->get_public_key(key);
	key->destroy(key);
	ck_assert(pub);
	return pub;
}

/**
 * The signature scheme of auth_keys[i]
 */
static signature_params_t auth_scheme(int i)
{
	return (signature_params_t){
		.scheme = auth_keys[i].scheme,
		.params = auth_keys[i].scheme == SIGN_RSA_EMSA_PSS ? &pss_params
														   : NULL,
	};
}

START_TEST(test_auth_key)
{
	gikev2_exchange_t exchange;
	signature_params_t scheme = auth_scheme(_i / 2);
	chunk_t kwk = chunk_from_thing(kwk_bytes), gsa, kd, alg_id, spki;
	gikev2_err_t err = {};
	gikev2_gsa_t *g;
	gikev2_kd_t *d;
	gikev2_key_bag_t *bag;
	public_key_t *pub;
	gdoi_kek_t *k, *dk;

	exchange = _i % 2 ? GIKEV2_GSA_REGISTRATION : GIKEV2_GSA_AUTH;
	k = kek();
	pub = auth_key(_i / 2);
	k->set_auth(k, pub, &scheme);
	ck_assert_msg(round_trip_kek(k, exchange, kwk, &dk, &gsa, &kd, &err),
				  "%s", err.msg);
	ck_assert(dk->auth_key && dk->auth_scheme);
	ck_assert(public_key_equals(k->auth_key, dk->auth_key));
	ck_assert(signature_params_equal(k->auth_scheme, dk->auth_scheme));
	dk->destroy(dk);

	/* on the wire: GCAUTH Digital Signature with the AlgorithmIdentifier,
	 * AUTH_KEY a SubjectPublicKeyInfo in the member key bag */
	g = gikev2_gsa_decode(gsa, exchange, NULL);
	ck_assert(g && g->get_kek(g));
	ck_assert(g->get_kek(g)->gcauth.present);
	ck_assert_int_eq(g->get_kek(g)->gcauth.id,
					 GIKEV2_GCAUTH_DIGITAL_SIGNATURE);
	ck_assert(signature_params_build(&scheme, &alg_id));
	ck_assert_chunk_eq(g->get_kek(g)->gcauth.sig_alg, alg_id);
	g->destroy(g);
	d = gikev2_kd_decode(kd, exchange, NULL);
	ck_assert(d);
	bag = d->get_member_bag(d);
	ck_assert(bag);
	ck_assert(pub->get_encoding(pub, PUBKEY_SPKI_ASN1_DER, &spki));
	ck_assert_chunk_eq(bag->auth_key, spki);
	d->destroy(d);
	chunk_free(&spki);
	chunk_free(&alg_id);
	chunk_free(&gsa);
	chunk_clear(&kd);
	pub->destroy(pub);
	k->destroy(k);
}
END_TEST

/**
 * Replace or remove the AUTH_KEY in an encoded KD, re-encode it
 */
static chunk_t set_auth_key(chunk_t kd_body, gikev2_exchange_t exchange,
							chunk_t value)
{
	gikev2_key_bag_t *bag;
	gikev2_kd_t *kd;
	chunk_t out;

	kd = gikev2_kd_decode(kd_body, exchange, NULL);
	ck_assert(kd);
	bag = kd->get_member_bag(kd);
	if (!bag)
	{
		bag = gikev2_key_bag_create_member();
		kd->add_bag(kd, bag);
	}
	chunk_free(&bag->auth_key);
	bag->auth_key = chunk_clone(value);
	ck_assert(kd->encode(kd, exchange, &out, NULL));
	kd->destroy(kd);
	return out;
}

START_TEST(test_auth_key_refused)
{
	signature_params_t ecdsa = auth_scheme(1), ed25519 = auth_scheme(0);
	signature_params_t pss_default = auth_scheme(2);
	rsa_pss_params_t pss = pss_params;
	chunk_t kwk = chunk_from_thing(kwk_bytes), gsa, kd, kd2, spki;
	linked_list_t *out = NULL, *teks;
	gikev2_err_t err = {};
	public_key_t *pub;
	gdoi_kek_t *k, *dk = NULL;

	/* an Ed25519 AUTH_KEY for an ECDSA scheme */
	k = kek();
	pub = auth_key(0);
	k->set_auth(k, pub, &ecdsa);
	ck_assert(!round_trip_kek(k, GIKEV2_GSA_AUTH, kwk, &dk, NULL, NULL,
							  &err));
	ck_assert_msg(strstr(err.msg, "KD AUTH_KEY is an ED25519 key"), "%s",
				  err.msg);
	ck_assert(!dk);

	/* AUTH_KEY not a key, missing, with implicit authentication, without
	 * a KEK */
	k->set_auth(k, pub, &ed25519);
	teks = linked_list_create();
	ck_assert(gikev2_registration_encode(teks, k, GIKEV2_GSA_AUTH,
							GIKEV2_KW_5649_256, kwk, &gsa, &kd, &err));
	kd2 = set_auth_key(kd, GIKEV2_GSA_AUTH, chunk_from_str("not a key"));
	memset(&err, 0, sizeof(err));
	ck_assert(!gikev2_registration_decode(gsa, kd2, GIKEV2_GSA_AUTH,
							GIKEV2_KW_5649_256, kwk, &out, &dk, &err));
	ck_assert(strstr(err.msg, "not a supported SubjectPublicKeyInfo"));
	ck_assert(!out && !dk);
	chunk_clear(&kd2);
	kd2 = set_auth_key(kd, GIKEV2_GSA_AUTH, chunk_empty);
	memset(&err, 0, sizeof(err));
	ck_assert(!gikev2_registration_decode(gsa, kd2, GIKEV2_GSA_AUTH,
							GIKEV2_KW_5649_256, kwk, &out, &dk, &err));
	ck_assert(strstr(err.msg, "misses the AUTH_KEY"));
	chunk_clear(&kd2);
	chunk_free(&gsa);
	ck_assert(pub->get_encoding(pub, PUBKEY_SPKI_ASN1_DER, &spki));
	chunk_clear(&kd);
	k->set_auth(k, NULL, NULL);
	ck_assert(gikev2_registration_encode(teks, k, GIKEV2_GSA_AUTH,
							GIKEV2_KW_5649_256, kwk, &gsa, &kd, &err));
	kd2 = set_auth_key(kd, GIKEV2_GSA_AUTH, spki);
	memset(&err, 0, sizeof(err));
	ck_assert(!gikev2_registration_decode(gsa, kd2, GIKEV2_GSA_AUTH,
							GIKEV2_KW_5649_256, kwk, &out, &dk, &err));
	ck_assert(strstr(err.msg, "AUTH_KEY with implicit authentication"));
	chunk_clear(&kd2);
	chunk_free(&gsa);
	chunk_clear(&kd);
	teks->insert_last(teks, tek("aes128gcm16", "198.51.100.0/24",
								"239.192.0.2/32"));
	ck_assert(gikev2_registration_encode(teks, NULL, GIKEV2_GSA_AUTH,
							GIKEV2_KW_5649_256, kwk, &gsa, &kd, &err));
	kd2 = set_auth_key(kd, GIKEV2_GSA_AUTH, spki);
	memset(&err, 0, sizeof(err));
	ck_assert(!gikev2_registration_decode(gsa, kd2, GIKEV2_GSA_AUTH,
							GIKEV2_KW_5649_256, kwk, &out, &dk, &err));
	ck_assert(strstr(err.msg, "AUTH_KEY without a KEK"));
	chunk_clear(&kd2);
	chunk_free(&gsa);
	chunk_clear(&kd);
	chunk_free(&spki);
	teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));
	pub->destroy(pub);

	/* RSA-PSS needs a fixed salt length in the AlgorithmIdentifier */
	pub = auth_key(2);
	pss.salt_len = RSA_PSS_SALT_LEN_DEFAULT;
	pss_default.params = &pss;
	k->set_auth(k, pub, &pss_default);
	memset(&err, 0, sizeof(err));
	ck_assert(!round_trip_kek(k, GIKEV2_GSA_AUTH, kwk, &dk, NULL, NULL,
							  &err));
	ck_assert(strstr(err.msg, "RSA-PSS needs a fixed salt length"));
	pub->destroy(pub);
	k->destroy(k);
}
END_TEST

START_TEST(test_rekey)
{
	signature_params_t scheme = auth_scheme(0);
	gikev2_exchange_t exchange;
	gdoi_tek_t *t1, *decoded;
	gdoi_kek_t *cur, *k, *dk;
	linked_list_t *teks, *out;
	chunk_t gsa, kd, encr, integ, kwk, other;
	gikev2_err_t err = {};
	gikev2_gsa_t *g;
	gikev2_kd_t *d;
	public_key_t *pub;

	exchange = _i ? GIKEV2_GSA_INBAND_REKEY : GIKEV2_GSA_REKEY;
	cur = kek();
	k = kek();
	pub = auth_key(0);
	cur->set_auth(cur, pub, &scheme);
	k->set_auth(k, pub, &scheme);
	/* GSA_REKEY: wrapped with the current KEK's GSK_w; inband: the IKE
	 * SA's KWK */
	cur->get_keys(cur, &encr, &integ, &kwk);
	if (_i)
	{
		kwk = chunk_from_thing(kwk_bytes);
	}
	t1 = tek("aes128gcm16", "198.51.100.0/24", "239.192.0.2/32");
	teks = linked_list_create_with_items(t1, NULL);
	ck_assert_msg(gikev2_registration_encode(teks, k, exchange,
							GIKEV2_KW_5649_256, kwk, &gsa, &kd, &err),
				  "%s", err.msg);
	ck_assert(!memmem(kd.ptr, kd.len, k->keymat.ptr, k->keymat.len));
	/* no GCAUTH, no member key bag */
	g = gikev2_gsa_decode(gsa, exchange, NULL);
	ck_assert(g && g->get_kek(g) && !g->get_kek(g)->gcauth.present);
	g->destroy(g);
	d = gikev2_kd_decode(kd, exchange, NULL);
	ck_assert(d && !d->get_member_bag(d));
	d->destroy(d);

	ck_assert_msg(gikev2_registration_decode(gsa, kd, exchange,
							GIKEV2_KW_5649_256, kwk, &out, &dk, &err),
				  "%s", err.msg);
	ck_assert_int_eq(out->get_count(out), 1);
	ck_assert(out->get_first(out, (void**)&decoded) == SUCCESS);
	assert_tek(t1, decoded);
	ck_assert(memeq(k->spi, dk->spi, sizeof(k->spi)));
	ck_assert_chunk_eq(k->keymat, dk->keymat);
	/* the caller passes on the current KEK's authentication */
	ck_assert(!dk->auth_key && !dk->auth_scheme);
	dk->destroy(dk);
	out->destroy_offset(out, offsetof(gdoi_tek_t, destroy));

	/* wrapped with another key: the new KEK's GSK_w */
	k->get_keys(k, &encr, &integ, &other);
	out = NULL;
	dk = NULL;
	ck_assert(!gikev2_registration_decode(gsa, kd, exchange,
							GIKEV2_KW_5649_256, other, &out, &dk, &err));
	ck_assert(!out && !dk);
	chunk_free(&gsa);
	chunk_clear(&kd);

	/* TEKs only */
	ck_assert(gikev2_registration_encode(teks, NULL, exchange,
							GIKEV2_KW_5649_256, kwk, &gsa, &kd, &err));
	ck_assert(gikev2_registration_decode(gsa, kd, exchange,
							GIKEV2_KW_5649_256, kwk, &out, &dk, &err));
	ck_assert(!dk && out->get_count(out) == 1);
	out->destroy_offset(out, offsetof(gdoi_tek_t, destroy));
	chunk_free(&gsa);
	chunk_clear(&kd);

	teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));
	pub->destroy(pub);
	k->destroy(k);
	cur->destroy(cur);
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
	tcase_add_loop_test(tc, test_rekey, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("authentication key");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_auth_key, 0, 2 * countof(auth_keys));
	tcase_add_test(tc, test_auth_key_refused);
	suite_add_tcase(s, tc);

	return s;
}
