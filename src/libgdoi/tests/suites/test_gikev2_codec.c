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

#include <gikev2_idg.h>
#include <gikev2_gsa.h>
#include <gikev2_kd.h>
#include <gikev2_payload.h>

#include <encoding/payloads/unknown_payload.h>

/*
 * Known-answer vectors, written out by hand from RFC 9838 4.2 (IDg = IKEv2
 * ID payload body, RFC 7296 3.5), 4.4 (GSA) and 4.5 (KD) with the transform
 * (RFC 7296 3.3.2), traffic selector (3.13.1) and attribute (3.3.5)
 * layouts. The comments give the byte offset of each field; the negative
 * tests below mutate fields at these offsets.
 */

/** IDg, ID_KEY_ID "group-1" */
static chunk_t idg_key_id = chunk_from_chars(
	0x0b, 0x00, 0x00, 0x00,					/* ID Type 11, RESERVED */
	0x67, 0x72, 0x6f, 0x75, 0x70, 0x2d, 0x31);	/* "group-1" */

/** IDg, ID_IPV4_ADDR 239.1.2.3 */
static chunk_t idg_ipv4 = chunk_from_chars(
	0x01, 0x00, 0x00, 0x00, 0xef, 0x01, 0x02, 0x03);

/** the KEK SPI */
static chunk_t kek_spi = chunk_from_chars(
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff);

/** the TEK SPI */
static chunk_t tek_spi = chunk_from_chars(0x12, 0x34, 0x56, 0x78);

/** AlgorithmIdentifier sha256WithRSAEncryption (RFC 7427 A.1) */
static chunk_t sig_alg = chunk_from_chars(
	0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01,
	0x0b, 0x05, 0x00);

/** GSA with a KEK, a TEK and a GW policy, in GSA_AUTH (215 octets) */
static chunk_t gsa_kat = chunk_from_chars(
	/* 0: KEK policy: Protocol GIKE_UPDATE, SPI Size 16, Length 123 */
	0x06, 0x10, 0x00, 0x7b,
	/* 4: SPI */
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
	/* 20: source TS: IPv4, UDP, Length 16, ports 848-848, 192.0.2.1 */
	0x07, 0x11, 0x00, 0x10, 0x03, 0x50, 0x03, 0x50,
	0xc0, 0x00, 0x02, 0x01, 0xc0, 0x00, 0x02, 0x01,
	/* 36: destination TS: IPv4, UDP, Length 16, 848-848, 239.1.2.3 */
	0x07, 0x11, 0x00, 0x10, 0x03, 0x50, 0x03, 0x50,
	0xef, 0x01, 0x02, 0x03, 0xef, 0x01, 0x02, 0x03,
	/* 52: ENCR AES-CBC (12), Key Length (14, TV) 256 */
	0x03, 0x00, 0x00, 0x0c, 0x01, 0x00, 0x00, 0x0c, 0x80, 0x0e, 0x01, 0x00,
	/* 64: INTEG HMAC-SHA2-256-128 (12) */
	0x03, 0x00, 0x00, 0x08, 0x03, 0x00, 0x00, 0x0c,
	/* 72: KWA (13) KW_5649_256 (3) */
	0x03, 0x00, 0x00, 0x08, 0x0d, 0x00, 0x00, 0x03,
	/* 80: last: GCAUTH (14) Digital Signature (2), Length 27, with
	 * Signature Algorithm Identifier (18, TLV) of 15 octets */
	0x00, 0x00, 0x00, 0x1b, 0x0e, 0x00, 0x00, 0x02, 0x00, 0x12, 0x00, 0x0f,
	0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01,
	0x0b, 0x05, 0x00,
	/* 107: GSA_KEY_LIFETIME 3600, 115: GSA_INITIAL_MESSAGE_ID 5 */
	0x00, 0x01, 0x00, 0x04, 0x00, 0x00, 0x0e, 0x10,
	0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x05,
	/* 123: TEK policy: Protocol ESP, SPI Size 4, Length 76, SPI */
	0x03, 0x04, 0x00, 0x4c, 0x12, 0x34, 0x56, 0x78,
	/* 131: source TS: IPv4, any protocol, ports 0-65535, any address */
	0x07, 0x00, 0x00, 0x10, 0x00, 0x00, 0xff, 0xff,
	0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
	/* 147: destination TS: 239.1.2.4 */
	0x07, 0x00, 0x00, 0x10, 0x00, 0x00, 0xff, 0xff,
	0xef, 0x01, 0x02, 0x04, 0xef, 0x01, 0x02, 0x04,
	/* 163: ENCR AES-GCM-16 (20), Key Length 128 */
	0x03, 0x00, 0x00, 0x0c, 0x01, 0x00, 0x00, 0x14, 0x80, 0x0e, 0x00, 0x80,
	/* 175: last: SN (5) 32-bit Unspecified Numbers (2) */
	0x00, 0x00, 0x00, 0x08, 0x05, 0x00, 0x00, 0x02,
	/* 183: GSA_KEY_LIFETIME 3600, 191: GSA_NEXT_SPI 0x87654321 */
	0x00, 0x01, 0x00, 0x04, 0x00, 0x00, 0x0e, 0x10,
	0x00, 0x03, 0x00, 0x04, 0x87, 0x65, 0x43, 0x21,
	/* 199: GW policy: Protocol 0, RESERVED, Length 16 */
	0x00, 0x00, 0x00, 0x10,
	/* 203: GWP_ATD 10, GWP_DTD 20, GWP_SENDER_ID_BITS 8 (TV) */
	0x80, 0x01, 0x00, 0x0a, 0x80, 0x02, 0x00, 0x14, 0x80, 0x03, 0x00, 0x08);

/** ESP policy with only an ENCR transform, lacks SN (52 octets) */
static chunk_t gsa_no_sn = chunk_from_chars(
	0x03, 0x04, 0x00, 0x34, 0x12, 0x34, 0x56, 0x78,
	0x07, 0x00, 0x00, 0x10, 0x00, 0x00, 0xff, 0xff,
	0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
	0x07, 0x00, 0x00, 0x10, 0x00, 0x00, 0xff, 0xff,
	0xef, 0x01, 0x02, 0x04, 0xef, 0x01, 0x02, 0x04,
	0x00, 0x00, 0x00, 0x0c, 0x01, 0x00, 0x00, 0x14, 0x80, 0x0e, 0x00, 0x80);

/** KD with a KEK and a TEK group key bag and a member key bag (158) */
static chunk_t kd_kat = chunk_from_chars(
	/* 0: group key bag: GIKE_UPDATE, SPI Size 16, Length 56, SPI */
	0x06, 0x10, 0x00, 0x38,
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
	/* 20: SA_KEY (1), Length 32: Key ID 0, KWK ID 0, 24 octet key */
	0x00, 0x01, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
	0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
	0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7,
	/* 56: group key bag: ESP, SPI Size 4, Length 44, SPI */
	0x03, 0x04, 0x00, 0x2c, 0x12, 0x34, 0x56, 0x78,
	/* 64: SA_KEY, Length 32: Key ID 0, KWK ID 0, 24 octet key */
	0x00, 0x01, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7,
	0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf,
	0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7,
	/* 100: member key bag: Protocol 0, RESERVED, Length 58 */
	0x00, 0x00, 0x00, 0x3a,
	/* 104: WRAP_KEY (1), Length 32: Key ID 7, KWK ID 0, 24 octet key */
	0x00, 0x01, 0x00, 0x20, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00,
	0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7,
	0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef,
	0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7,
	/* 140: AUTH_KEY (2), Length 6 */
	0x00, 0x02, 0x00, 0x06, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
	/* 150: GM_SENDER_ID (3), Length 4, 42 */
	0x00, 0x03, 0x00, 0x04, 0x00, 0x00, 0x00, 0x2a);

/** ESP key bag with an SA_KEY that has an empty Encrypted Key */
static chunk_t kd_empty_key = chunk_from_chars(
	0x03, 0x04, 0x00, 0x14, 0x12, 0x34, 0x56, 0x78,
	0x00, 0x01, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00);

/**
 * Build the model of gsa_kat
 */
static gikev2_gsa_t *build_gsa()
{
	gikev2_gsa_t *gsa;
	gikev2_policy_t *policy;
	gikev2_gw_policy_t gw = {
		.has_atd = TRUE, .atd = 10,
		.has_dtd = TRUE, .dtd = 20,
		.has_sender_id_bits = TRUE, .sender_id_bits = 8,
	};

	gsa = gikev2_gsa_create();
	policy = gikev2_policy_create(GIKEV2_PROTO_GIKE_UPDATE, kek_spi,
		traffic_selector_create_from_string(IPPROTO_UDP, TS_IPV4_ADDR_RANGE,
									"192.0.2.1", 848, "192.0.2.1", 848),
		traffic_selector_create_from_string(IPPROTO_UDP, TS_IPV4_ADDR_RANGE,
									"239.1.2.3", 848, "239.1.2.3", 848));
	policy->encr = (gikev2_transform_t){ TRUE, ENCR_AES_CBC, 256 };
	policy->integ = (gikev2_transform_t){ TRUE, AUTH_HMAC_SHA2_256_128 };
	policy->kwa = (gikev2_transform_t){ TRUE, GIKEV2_KW_5649_256 };
	policy->gcauth = (gikev2_transform_t){ TRUE,
		GIKEV2_GCAUTH_DIGITAL_SIGNATURE, 0, chunk_clone(sig_alg) };
	policy->has_lifetime = TRUE;
	policy->lifetime = 3600;
	policy->has_initial_message_id = TRUE;
	policy->initial_message_id = 5;
	gsa->add_policy(gsa, policy);

	policy = gikev2_policy_create(GIKEV2_PROTO_ESP, tek_spi,
		traffic_selector_create_from_string(0, TS_IPV4_ADDR_RANGE,
									"0.0.0.0", 0, "255.255.255.255", 65535),
		traffic_selector_create_from_string(0, TS_IPV4_ADDR_RANGE,
									"239.1.2.4", 0, "239.1.2.4", 65535));
	policy->encr = (gikev2_transform_t){ TRUE, ENCR_AES_GCM_ICV16, 128 };
	policy->sn = (gikev2_transform_t){ TRUE, GIKEV2_SN_32BIT_UNSPECIFIED };
	policy->has_lifetime = TRUE;
	policy->lifetime = 3600;
	policy->next_spis = chunk_clone(chunk_from_chars(0x87, 0x65, 0x43, 0x21));
	gsa->add_policy(gsa, policy);

	gsa->set_gw(gsa, &gw);
	return gsa;
}

/**
 * Build the model of kd_kat
 */
static gikev2_kd_t *build_kd()
{
	gikev2_kd_t *kd;
	gikev2_key_bag_t *bag;
	uint32_t sid = 42;

	kd = gikev2_kd_create();
	bag = gikev2_key_bag_create_group(GIKEV2_PROTO_GIKE_UPDATE, kek_spi);
	gikev2_key_bag_add_key(bag, 0, 0, chunk_create(kd_kat.ptr + 32, 24));
	kd->add_bag(kd, bag);
	bag = gikev2_key_bag_create_group(GIKEV2_PROTO_ESP, tek_spi);
	gikev2_key_bag_add_key(bag, 0, 0, chunk_create(kd_kat.ptr + 76, 24));
	kd->add_bag(kd, bag);
	bag = gikev2_key_bag_create_member();
	gikev2_key_bag_add_key(bag, 7, 0, chunk_create(kd_kat.ptr + 116, 24));
	bag->auth_key = chunk_clone(chunk_from_chars(1, 2, 3, 4, 5, 6));
	array_insert_create_value(&bag->sender_ids, sizeof(sid), ARRAY_TAIL,
							  &sid);
	kd->add_bag(kd, bag);
	return kd;
}

/*******************************************************************************
 * IDg
 */

START_TEST(test_idg_encode)
{
	identification_t *id;
	chunk_t body;

	id = identification_create_from_encoding(ID_KEY_ID,
											 chunk_from_str("group-1"));
	ck_assert(gikev2_idg_encode(id, &body));
	ck_assert_chunk_eq(idg_key_id, body);
	chunk_free(&body);
	id->destroy(id);

	id = identification_create_from_string("239.1.2.3");
	ck_assert(gikev2_idg_encode(id, &body));
	ck_assert_chunk_eq(idg_ipv4, body);
	chunk_free(&body);
	id->destroy(id);

	id = identification_create_from_string("C=CH, O=strongSwan, CN=group");
	ck_assert(!gikev2_idg_encode(id, &body));
	id->destroy(id);
}
END_TEST

START_TEST(test_idg_decode)
{
	identification_t *id;
	gikev2_err_t err = {};
	chunk_t body;

	id = gikev2_idg_decode(idg_key_id, &err);
	ck_assert(id);
	ck_assert_int_eq(id->get_type(id), ID_KEY_ID);
	ck_assert_chunk_eq(id->get_encoding(id), chunk_from_str("group-1"));
	ck_assert(gikev2_idg_encode(id, &body));
	ck_assert_chunk_eq(idg_key_id, body);
	chunk_free(&body);
	id->destroy(id);

	id = gikev2_idg_decode(idg_ipv4, &err);
	ck_assert(id);
	ck_assert_int_eq(id->get_type(id), ID_IPV4_ADDR);
	id->destroy(id);
	ck_assert_str_eq(err.msg, "");
}
END_TEST

static struct {
	chunk_t body;
	char *err;
} idg_invalid[] = {
	{ { NULL, 0 }, "too short for ID Type" },
	{ chunk_from_chars(0x0b, 0x00, 0x00), "too short for ID Type" },
	{ chunk_from_chars(0x0b, 0x00, 0x00, 0x00), "Identification Data is empty" },
	{ chunk_from_chars(0x03, 0x01, 0xef, 0x03), "Identification Data is empty" },
	{ chunk_from_chars(0x01, 0x00, 0x00, 0x00, 0xef, 0x01, 0x02),
	  "ID_IPV4_ADDR has 3 octets" },
	{ chunk_from_chars(0x05, 0x00, 0x00, 0x00, 0xef, 0x01, 0x02, 0x03),
	  "ID_IPV6_ADDR has 4 octets" },
	{ chunk_from_chars(0x09, 0x00, 0x00, 0x00, 0x30, 0x00),
	  "ID Type 9 not allowed" },
	/* found by fuzz_gikev2_idg: names with a NUL never match */
	{ chunk_from_chars(0x02, 0x00, 0x01, 0xef, 0x00, 0x01, 0x01, 0x03, 0x03),
	  "Identification Data of ID_FQDN contains a NUL" },
	{ chunk_from_chars(0x03, 0x00, 0x00, 0x00, 0x61, 0x40, 0x62, 0x00),
	  "Identification Data of ID_RFC822_ADDR contains a NUL" },
	{ chunk_from_chars(0x0a, 0x00, 0x00, 0x00, 0x30, 0x00),
	  "ID Type 10 not allowed" },
	{ chunk_from_chars(0xc9, 0x00, 0x00, 0x00, 0x30, 0x00),
	  "ID Type 201 not allowed" },
};

START_TEST(test_idg_invalid)
{
	gikev2_err_t err = {};

	ck_assert(!gikev2_idg_decode(idg_invalid[_i].body, &err));
	ck_assert_msg(strstr(err.msg, idg_invalid[_i].err),
				  "error '%s' does not name '%s'", err.msg,
				  idg_invalid[_i].err);
}
END_TEST

/*******************************************************************************
 * GSA
 */

START_TEST(test_gsa_encode)
{
	gikev2_gsa_t *gsa;
	gikev2_err_t err = {};
	chunk_t body;

	gsa = build_gsa();
	ck_assert_msg(gsa->encode(gsa, GIKEV2_GSA_AUTH, &body, &err), "%s",
				  err.msg);
	ck_assert_chunk_eq(gsa_kat, body);
	chunk_free(&body);
	gsa->destroy(gsa);
}
END_TEST

START_TEST(test_gsa_decode)
{
	gikev2_gsa_t *gsa;
	gikev2_policy_t *policy;
	gikev2_gw_policy_t *gw;
	enumerator_t *enumerator;
	gikev2_err_t err = {};
	chunk_t body;
	size_t size;
	int i = 0;

	gsa = gikev2_gsa_decode(gsa_kat, GIKEV2_GSA_AUTH, &err);
	ck_assert_msg(gsa, "%s", err.msg);

	policy = gsa->get_kek(gsa);
	ck_assert(policy);
	ck_assert_chunk_eq(kek_spi, policy->spi);
	ck_assert_int_eq(policy->src->get_protocol(policy->src), IPPROTO_UDP);
	ck_assert_int_eq(policy->dst->get_from_port(policy->dst), 848);
	ck_assert_chunk_eq(policy->dst->get_from_address(policy->dst),
					   chunk_from_chars(239, 1, 2, 3));
	ck_assert(policy->encr.present);
	ck_assert_int_eq(policy->encr.id, ENCR_AES_CBC);
	ck_assert_int_eq(policy->encr.key_length, 256);
	ck_assert_int_eq(policy->integ.id, AUTH_HMAC_SHA2_256_128);
	ck_assert(!policy->sn.present);
	ck_assert_int_eq(policy->kwa.id, GIKEV2_KW_5649_256);
	ck_assert_int_eq(policy->gcauth.id, GIKEV2_GCAUTH_DIGITAL_SIGNATURE);
	ck_assert_chunk_eq(sig_alg, policy->gcauth.sig_alg);
	ck_assert(policy->has_lifetime);
	ck_assert_int_eq(policy->lifetime, 3600);
	ck_assert(policy->has_initial_message_id);
	ck_assert_int_eq(policy->initial_message_id, 5);
	ck_assert_int_eq(policy->next_spis.len, 0);
	/* GSK_e 32 | GSK_a 32 | GSK_w 32 */
	ck_assert(gikev2_policy_keymat_size(policy, &size));
	ck_assert_int_eq(size, 96);

	enumerator = gsa->create_policy_enumerator(gsa);
	while (enumerator->enumerate(enumerator, &policy))
	{
		i++;
	}
	enumerator->destroy(enumerator);
	ck_assert_int_eq(i, 2);
	ck_assert_int_eq(policy->protocol, GIKEV2_PROTO_ESP);
	ck_assert_chunk_eq(tek_spi, policy->spi);
	ck_assert_int_eq(policy->encr.id, ENCR_AES_GCM_ICV16);
	ck_assert_int_eq(policy->encr.key_length, 128);
	ck_assert(!policy->integ.present);
	ck_assert(policy->sn.present);
	ck_assert_int_eq(policy->sn.id, GIKEV2_SN_32BIT_UNSPECIFIED);
	ck_assert_chunk_eq(policy->next_spis,
					   chunk_from_chars(0x87, 0x65, 0x43, 0x21));
	/* AES-GCM key 16 and salt 4 */
	ck_assert(gikev2_policy_keymat_size(policy, &size));
	ck_assert_int_eq(size, 20);

	gw = gsa->get_gw(gsa);
	ck_assert(gw && gw->has_atd && gw->has_dtd && gw->has_sender_id_bits);
	ck_assert_int_eq(gw->atd, 10);
	ck_assert_int_eq(gw->dtd, 20);
	ck_assert_int_eq(gw->sender_id_bits, 8);

	/* and back */
	ck_assert(gsa->encode(gsa, GIKEV2_GSA_AUTH, &body, &err));
	ck_assert_chunk_eq(gsa_kat, body);
	chunk_free(&body);
	gsa->destroy(gsa);
	ck_assert_str_eq(err.msg, "");
}
END_TEST

START_TEST(test_gsa_encode_invalid)
{
	gikev2_gsa_t *gsa;
	gikev2_policy_t *policy;
	gikev2_err_t err = {};
	chunk_t body;

	gsa = gikev2_gsa_create();
	ck_assert(!gsa->encode(gsa, GIKEV2_GSA_AUTH, &body, &err));
	ck_assert(strstr(err.msg, "neither a KEK nor a TEK"));
	gsa->destroy(gsa);

	/* a model that decodes must not encode against the rules either */
	gsa = build_gsa();
	memset(&err, 0, sizeof(err));
	ck_assert(!gsa->encode(gsa, GIKEV2_GSA_REKEY, &body, &err));
	ck_assert(strstr(err.msg, "GCAUTH transform not allowed in GSA_REKEY"));
	policy = gsa->get_kek(gsa);
	policy->kwa.present = FALSE;
	memset(&err, 0, sizeof(err));
	ck_assert(!gsa->encode(gsa, GIKEV2_GSA_AUTH, &body, &err));
	ck_assert(strstr(err.msg, "misses mandatory KWA transform"));
	policy->kwa.present = TRUE;
	policy->spi.len = 8;
	memset(&err, 0, sizeof(err));
	ck_assert(!gsa->encode(gsa, GIKEV2_GSA_AUTH, &body, &err));
	ck_assert(strstr(err.msg, "SPI Size 8"));
	policy->spi.len = 16;
	policy->gcauth.present = FALSE;
	memset(&err, 0, sizeof(err));
	ck_assert(!gsa->encode(gsa, GIKEV2_GSA_INBAND_REKEY, &body, &err));
	ck_assert_str_eq(err.msg, "GSA_INITIAL_MESSAGE_ID not allowed in "
					 "GSA_INBAND_REKEY");
	policy->has_initial_message_id = FALSE;
	memset(&err, 0, sizeof(err));
	ck_assert(!gsa->encode(gsa, GIKEV2_GSA_INBAND_REKEY, &body, &err));
	ck_assert_str_eq(err.msg, "GSA_NEXT_SPI not allowed in GSA_INBAND_REKEY");
	memset(&err, 0, sizeof(err));
	ck_assert(!gsa->encode(gsa, GIKEV2_GSA_REKEY, &body, &err));
	ck_assert_str_eq(err.msg, "GWP_SENDER_ID_BITS not allowed in GSA_REKEY");
	ck_assert(gsa->encode(gsa, 39, &body, NULL));
	chunk_free(&body);
	ck_assert(!gsa->encode(gsa, 34, &body, NULL));
	gsa->destroy(gsa);
}
END_TEST

/**
 * A mutation of a KAT: set a 1 or 2 octet field, append octets, or
 * truncate
 */
typedef struct {
	/** offset of the field */
	size_t off;
	/** width of the field: 1, 2; 0 to truncate at off */
	int width;
	/** value to set */
	uint16_t value;
	/** exchange to decode in */
	gikev2_exchange_t exchange;
	/** text the error must contain */
	char *err;
} mutation_t;

/**
 * Apply a mutation to a copy of a KAT
 */
static chunk_t mutate(chunk_t kat, mutation_t *m)
{
	chunk_t data;

	data = chunk_clone(kat);
	switch (m->width)
	{
		case 0:
			data.len = m->off;
			break;
		case 1:
			data.ptr[m->off] = m->value;
			break;
		case 2:
			htoun16(data.ptr + m->off, m->value);
			break;
	}
	return data;
}

static mutation_t gsa_invalid[] = {
	/* truncated and oversized lengths */
	{ 2, 0, 0, GIKEV2_GSA_AUTH, "GSA policy header truncated" },
	{ 2, 2, 0xffff, GIKEV2_GSA_AUTH, "GSA policy Length 65535 invalid" },
	{ 2, 2, 124, GIKEV2_GSA_AUTH, "GSA attribute header truncated (1 < 4)" },
	{ 2, 2, 3, GIKEV2_GSA_AUTH, "GSA policy Length 3 invalid" },
	{ 2, 2, 19, GIKEV2_GSA_AUTH, "SPI exceeds the Length" },
	{ 2, 2, 25, GIKEV2_GSA_AUTH, "Source Traffic Selector header truncated" },
	{ 2, 2, 30, GIKEV2_GSA_AUTH, "Source Traffic Selector Selector Length "
								 "exceeds" },
	{ 2, 2, 40, GIKEV2_GSA_AUTH, "Destination Traffic Selector header "
								 "truncated" },
	{ 2, 2, 100, GIKEV2_GSA_AUTH, "Transform Length 27 exceeds" },
	{ 2, 2, 56, GIKEV2_GSA_AUTH, "GSA transform header truncated" },
	{ 2, 2, 110, GIKEV2_GSA_AUTH, "GSA attribute header truncated" },
	{ 2, 2, 120, GIKEV2_GSA_AUTH, "GSA attribute 2 Attribute Length exceeds" },
	{ 125, 2, 0xffff, GIKEV2_GSA_AUTH, "GSA policy Length 65535 invalid" },
	{ 201, 2, 17, GIKEV2_GSA_AUTH, "GSA policy Length 17 invalid" },
	{ 201, 2, 14, GIKEV2_GSA_AUTH, "GW policy attribute header truncated" },
	{ 22, 2, 17, GIKEV2_GSA_AUTH, "Source Traffic Selector Selector Length 17" },
	{ 38, 2, 40, GIKEV2_GSA_AUTH, "Destination Traffic Selector Selector "
								  "Length 40" },
	{ 54, 2, 0xffff, GIKEV2_GSA_AUTH, "Transform Length 65535 exceeds" },
	{ 54, 2, 4, GIKEV2_GSA_AUTH, "Transform Length 4 too small" },
	{ 90, 2, 0x00ff, GIKEV2_GSA_AUTH, "GSA transform attribute 18 Attribute "
									  "Length exceeds" },
	{ 109, 2, 0x00ff, GIKEV2_GSA_AUTH, "GSA attribute 1 Attribute Length "
									   "exceeds" },
	{ 109, 2, 2, GIKEV2_GSA_AUTH, "GSA_KEY_LIFETIME attribute must be TLV "
								  "with 4 octets" },
	{ 193, 2, 2, GIKEV2_GSA_AUTH, "GSA_NEXT_SPI attribute must be TLV with "
								  "SPI Size 4" },
	/* header fields */
	{ 0, 1, 1, GIKEV2_GSA_AUTH, "GSA policy Protocol 1 not allowed" },
	{ 0, 1, 3, GIKEV2_GSA_AUTH, "GSA ESP policy SPI Size 16, not 4" },
	{ 1, 1, 8, GIKEV2_GSA_AUTH, "GSA GIKE_UPDATE policy SPI Size 8, not 16" },
	{ 124, 1, 0, GIKEV2_GSA_AUTH, "GSA ESP policy SPI Size 0, not 4" },
	{ 20, 1, 9, GIKEV2_GSA_AUTH, "Source Traffic Selector TS Type 9" },
	{ 36, 1, 8, GIKEV2_GSA_AUTH, "Destination Traffic Selector Selector "
								 "Length 16, not 40" },
	{ 35, 1, 0, GIKEV2_GSA_AUTH, "Starting Address above Ending Address" },
	{ 26, 1, 0, GIKEV2_GSA_AUTH, "Start Port above End Port" },
	{ 44, 1, 0xc0, GIKEV2_GSA_AUTH, "Destination Traffic Selector" },
	{ 37, 1, 6, GIKEV2_GSA_AUTH, "neither one multicast address nor any "
								 "address, UDP" },
	/* transforms */
	{ 52, 1, 2, GIKEV2_GSA_AUTH, "Last Substruc 2 invalid" },
	{ 68, 1, 1, GIKEV2_GSA_AUTH, "GSA transform type ENCR duplicated" },
	{ 68, 1, 5, GIKEV2_GSA_AUTH, "GSA transform type SN not allowed for "
								 "GIKE_UPDATE" },
	{ 68, 1, 2, GIKEV2_GSA_AUTH, "GSA transform type PRF not allowed" },
	{ 68, 1, 77, GIKEV2_GSA_AUTH, "GSA transform type (77) not allowed" },
	{ 167, 1, 13, GIKEV2_GSA_AUTH, "type KWA not allowed for ESP" },
	{ 179, 1, 3, GIKEV2_GSA_AUTH, "ESP policy misses mandatory SN transform" },
	{ 60, 2, 0x800f, GIKEV2_GSA_AUTH, "GSA ENCR transform attribute type 15 "
									  "unknown" },
	{ 62, 2, 100, GIKEV2_GSA_AUTH, "invalid Key Length attribute (100)" },
	{ 62, 2, 0, GIKEV2_GSA_AUTH, "Key Length attribute is 0" },
	{ 60, 2, 0x000e, GIKEV2_GSA_AUTH, "GSA transform attribute 14 Attribute "
									  "Length exceeds" },
	{ 59, 1, ENCR_3DES, GIKEV2_GSA_AUTH, "ENCR transform 3DES_CBC must not "
										 "have a Key Length" },
	{ 70, 2, 0, GIKEV2_GSA_AUTH, "misses an INTEG transform for non-AEAD" },
	{ 88, 2, 0x8012, GIKEV2_GSA_AUTH, "Signature Algorithm Identifier "
									  "attribute not TLV" },
	{ 86, 2, 1, GIKEV2_GSA_AUTH, "GCAUTH 1 must not have a Signature "
								 "Algorithm Identifier" },
	{ 86, 2, 0, GIKEV2_GSA_AUTH, "GCAUTH transform ID 0 is reserved" },
	{ 78, 2, 0, GIKEV2_GSA_AUTH, "KWA transform ID 0 is reserved" },
	{ 170, 1, 30, GIKEV2_GSA_AUTH, "GSA ENCR transform 30 uses an implicit IV" },
	{ 182, 1, 1, GIKEV2_GSA_AUTH, "SN transform 1 not allowed" },
	{ 182, 1, 3, GIKEV2_GSA_AUTH, "SN transform 3 not allowed" },
	{ 0, 0, 0, GIKEV2_GSA_REKEY, "GCAUTH transform not allowed in GSA_REKEY" },
	/* GSA attributes */
	{ 116, 1, 1, GIKEV2_GSA_AUTH, "GSA_KEY_LIFETIME attribute duplicated" },
	{ 116, 1, 9, GIKEV2_GSA_AUTH, "GSA attribute type 9 unknown" },
	{ 115, 1, 0x80, GIKEV2_GSA_AUTH, "GSA_INITIAL_MESSAGE_ID attribute must be "
									 "TLV" },
	{ 184, 1, 2, GIKEV2_GSA_AUTH, "GSA_INITIAL_MESSAGE_ID not allowed in a "
								  "ESP policy" },
	{ 184, 1, 3, GIKEV2_GSA_AUTH, "ESP policy misses GSA_KEY_LIFETIME" },
	{ 0, 0, 0, GIKEV2_GSA_INBAND_REKEY, "GCAUTH transform not allowed in "
										"GSA_INBAND_REKEY" },
	/* GW policy */
	{ 204, 1, 4, GIKEV2_GSA_AUTH, "GW policy attribute type 4 unknown" },
	{ 208, 1, 1, GIKEV2_GSA_AUTH, "GWP_ATD attribute duplicated" },
	{ 203, 1, 0x00, GIKEV2_GSA_AUTH, "GW policy attribute 1 Attribute Length "
									 "exceeds" },
	/* exchange */
	{ 0, 0, 0, 34, "not a G-IKEv2 exchange" },
};

START_TEST(test_gsa_invalid)
{
	mutation_t *m = &gsa_invalid[_i];
	gikev2_err_t err = {};
	chunk_t data;

	data = m->width || m->off ? mutate(gsa_kat, m) : chunk_clone(gsa_kat);
	ck_assert_msg(!gikev2_gsa_decode(data, m->exchange, &err),
				  "accepted mutation %d", _i);
	ck_assert_msg(strstr(err.msg, m->err), "error '%s' does not name '%s'",
				  err.msg, m->err);
	chunk_free(&data);
}
END_TEST

START_TEST(test_gsa_invalid_structure)
{
	gikev2_gsa_t *gsa;
	gikev2_err_t err = {};
	chunk_t data;

	/* two KEK policies */
	data = chunk_cat("cc", chunk_create(gsa_kat.ptr, 123), gsa_kat);
	ck_assert(!gikev2_gsa_decode(data, GIKEV2_GSA_AUTH, &err));
	ck_assert_str_eq(err.msg, "GSA has more than one KEK (GIKE_UPDATE) policy");
	chunk_free(&data);

	/* two GW policies */
	memset(&err, 0, sizeof(err));
	data = chunk_cat("cc", gsa_kat, chunk_skip(gsa_kat, 199));
	ck_assert(!gikev2_gsa_decode(data, GIKEV2_GSA_AUTH, &err));
	ck_assert_str_eq(err.msg, "GSA has more than one GW policy");
	chunk_free(&data);

	/* only a GW policy, or nothing */
	memset(&err, 0, sizeof(err));
	ck_assert(!gikev2_gsa_decode(chunk_skip(gsa_kat, 199), GIKEV2_GSA_AUTH,
								 &err));
	ck_assert_str_eq(err.msg, "GSA has neither a KEK nor a TEK policy");
	memset(&err, 0, sizeof(err));
	ck_assert(!gikev2_gsa_decode(chunk_empty, GIKEV2_GSA_AUTH, &err));
	ck_assert_str_eq(err.msg, "GSA has neither a KEK nor a TEK policy");

	/* an ESP policy without SN */
	memset(&err, 0, sizeof(err));
	ck_assert(!gikev2_gsa_decode(gsa_no_sn, GIKEV2_GSA_INBAND_REKEY, &err));
	ck_assert_str_eq(err.msg, "GSA ESP policy misses mandatory SN transform");

	/* trailing octets */
	memset(&err, 0, sizeof(err));
	data = chunk_cat("cc", gsa_kat, chunk_from_chars(0x00));
	ck_assert(!gikev2_gsa_decode(data, GIKEV2_GSA_AUTH, &err));
	ck_assert_str_eq(err.msg, "GSA policy header truncated");
	chunk_free(&data);

	/* a TEK-only GSA of the KAT's second policy is valid in a rekey */
	gsa = gikev2_gsa_decode(chunk_create(gsa_kat.ptr + 123, 76),
							GIKEV2_GSA_REKEY, NULL);
	ck_assert(gsa);
	ck_assert(!gsa->get_kek(gsa));
	ck_assert(!gsa->get_gw(gsa));
	gsa->destroy(gsa);
}
END_TEST

START_TEST(test_gsa_truncated)
{
	gikev2_gsa_t *gsa;
	gikev2_err_t err;
	size_t len;

	for (len = 0; len < gsa_kat.len; len++)
	{
		memset(&err, 0, sizeof(err));
		gsa = gikev2_gsa_decode(chunk_create(gsa_kat.ptr, len),
								GIKEV2_GSA_AUTH, &err);
		if (len == 123 || len == 199)
		{	/* ends of whole policies */
			ck_assert_msg(gsa, "%zu: %s", len, err.msg);
			gsa->destroy(gsa);
			continue;
		}
		ck_assert_msg(!gsa, "accepted %zu octets", len);
		ck_assert(err.msg[0]);
	}
}
END_TEST

/**
 * Flip each bit of octet _i of the GSA vector: no crash, no leak.  One test
 * function per octet, so that a failure names the octet and no function runs
 * near the timeout, whose alarm would interrupt the leak detective inside
 * malloc()
 */
START_TEST(test_gsa_bitflip)
{
	gikev2_gsa_t *gsa;
	chunk_t data;
	int bit;

	data = chunk_clone(gsa_kat);
	for (bit = 0; bit < 8; bit++)
	{
		data.ptr[_i] ^= 1 << bit;
		gsa = gikev2_gsa_decode(data, GIKEV2_GSA_AUTH, NULL);
		DESTROY_IF(gsa);
		data.ptr[_i] ^= 1 << bit;
	}
	chunk_free(&data);
}
END_TEST

/*******************************************************************************
 * KD
 */

START_TEST(test_kd_encode)
{
	gikev2_kd_t *kd;
	gikev2_err_t err = {};
	chunk_t body;

	kd = build_kd();
	ck_assert_msg(kd->encode(kd, GIKEV2_GSA_AUTH, &body, &err), "%s",
				  err.msg);
	ck_assert_chunk_eq(kd_kat, body);
	chunk_free(&body);

	/* member key bags are for registrations only */
	ck_assert(!kd->encode(kd, GIKEV2_GSA_INBAND_REKEY, &body, &err));
	ck_assert_str_eq(err.msg, "KD member key bag not allowed in "
				 "GSA_INBAND_REKEY");
	kd->destroy(kd);
}
END_TEST

START_TEST(test_kd_decode)
{
	gikev2_kd_t *kd;
	gikev2_key_bag_t *bag;
	gikev2_wrapped_key_t key;
	gikev2_err_t err = {};
	uint32_t sid;
	chunk_t body;

	kd = gikev2_kd_decode(kd_kat, GIKEV2_GSA_REGISTRATION, &err);
	ck_assert_msg(kd, "%s", err.msg);

	bag = kd->get_group_bag(kd, GIKEV2_PROTO_GIKE_UPDATE, kek_spi);
	ck_assert(bag);
	ck_assert_int_eq(array_count(bag->sa_keys), 1);
	ck_assert(array_get(bag->sa_keys, 0, &key));
	ck_assert_int_eq(key.key_id, 0);
	ck_assert_int_eq(key.kwk_id, 0);
	ck_assert_chunk_eq(key.data, chunk_create(kd_kat.ptr + 32, 24));

	bag = kd->get_group_bag(kd, GIKEV2_PROTO_ESP, tek_spi);
	ck_assert(bag);
	ck_assert(array_get(bag->sa_keys, 0, &key));
	ck_assert_chunk_eq(key.data, chunk_create(kd_kat.ptr + 76, 24));
	ck_assert(!kd->get_group_bag(kd, GIKEV2_PROTO_AH, tek_spi));

	bag = kd->get_member_bag(kd);
	ck_assert(bag);
	ck_assert_int_eq(array_count(bag->wrap_keys), 1);
	ck_assert(array_get(bag->wrap_keys, 0, &key));
	ck_assert_int_eq(key.key_id, 7);
	ck_assert_int_eq(key.kwk_id, 0);
	ck_assert_chunk_eq(key.data, chunk_create(kd_kat.ptr + 116, 24));
	ck_assert_chunk_eq(bag->auth_key, chunk_from_chars(1, 2, 3, 4, 5, 6));
	ck_assert_int_eq(array_count(bag->sender_ids), 1);
	ck_assert(array_get(bag->sender_ids, 0, &sid));
	ck_assert_int_eq(sid, 42);

	ck_assert(kd->encode(kd, GIKEV2_GSA_AUTH, &body, &err));
	ck_assert_chunk_eq(kd_kat, body);
	chunk_free(&body);
	kd->destroy(kd);
	ck_assert_str_eq(err.msg, "");
}
END_TEST

START_TEST(test_kd_lkh)
{
	gikev2_kd_t *kd;
	gikev2_key_bag_t *bag;
	gikev2_err_t err = {};
	chunk_t body;

	/* several SA_KEYs for the Rekey SA: only in GSA_REKEY (RFC 9838 4.5.2) */
	kd = gikev2_kd_create();
	bag = gikev2_key_bag_create_group(GIKEV2_PROTO_GIKE_UPDATE, kek_spi);
	gikev2_key_bag_add_key(bag, 0, 15, chunk_from_chars(1, 2, 3, 4, 5, 6, 7,
									8, 9, 10, 11, 12, 13, 14, 15, 16));
	gikev2_key_bag_add_key(bag, 0, 1, chunk_from_chars(1, 2, 3, 4, 5, 6, 7,
									8, 9, 10, 11, 12, 13, 14, 15, 16));
	kd->add_bag(kd, bag);
	ck_assert(!kd->encode(kd, GIKEV2_GSA_AUTH, &body, &err));
	ck_assert_str_eq(err.msg, "KD GIKE_UPDATE key bag has 2 SA_KEY "
					 "attributes, not 1 (in GSA_AUTH)");
	ck_assert(kd->encode(kd, GIKEV2_GSA_REKEY, &body, NULL));
	kd->destroy(kd);

	kd = gikev2_kd_decode(body, GIKEV2_GSA_REKEY, NULL);
	ck_assert(kd);
	bag = kd->get_group_bag(kd, GIKEV2_PROTO_GIKE_UPDATE, kek_spi);
	ck_assert_int_eq(array_count(bag->sa_keys), 2);
	kd->destroy(kd);
	memset(&err, 0, sizeof(err));
	ck_assert(!gikev2_kd_decode(body, GIKEV2_GSA_INBAND_REKEY, &err));
	ck_assert(strstr(err.msg, "has 2 SA_KEY attributes, not 1"));
	chunk_free(&body);
}
END_TEST

static mutation_t kd_invalid[] = {
	/* truncated and oversized lengths */
	{ 3, 0, 0, GIKEV2_GSA_AUTH, "KD key bag header truncated" },
	{ 2, 2, 0xffff, GIKEV2_GSA_AUTH, "KD key bag Length 65535 invalid" },
	{ 2, 2, 3, GIKEV2_GSA_AUTH, "KD key bag Length 3 invalid" },
	{ 2, 2, 10, GIKEV2_GSA_AUTH, "KD GIKE_UPDATE key bag SPI exceeds" },
	{ 2, 2, 22, GIKEV2_GSA_AUTH, "KD group key bag attribute header truncated" },
	{ 22, 2, 0x00ff, GIKEV2_GSA_AUTH, "KD group key bag attribute 1 "
									  "Attribute Length exceeds" },
	{ 22, 2, 4, GIKEV2_GSA_AUTH, "KD SA_KEY attribute too short for Key ID "
								 "and KWK ID (4 < 8)" },
	{ 102, 2, 0xffff, GIKEV2_GSA_AUTH, "KD key bag Length 65535 invalid" },
	{ 106, 2, 0x0100, GIKEV2_GSA_AUTH, "KD member key bag attribute 1 "
									   "Attribute Length exceeds" },
	{ 153, 1, 0, GIKEV2_GSA_AUTH, "GM_SENDER_ID attribute must be TLV with 1 "
								  "to 4 octets" },
	{ 150, 2, 0x8003, GIKEV2_GSA_AUTH, "GM_SENDER_ID attribute must be TLV" },
	{ 143, 1, 0, GIKEV2_GSA_AUTH, "KD AUTH_KEY attribute empty" },
	/* header fields */
	{ 0, 1, 1, GIKEV2_GSA_AUTH, "KD key bag Protocol 1 not allowed" },
	{ 1, 1, 8, GIKEV2_GSA_AUTH, "KD GIKE_UPDATE key bag SPI Size 8, not 16" },
	{ 57, 1, 16, GIKEV2_GSA_AUTH, "KD ESP key bag SPI Size 16, not 4" },
	{ 56, 1, 2, GIKEV2_GSA_AUTH, "" },
	/* attributes */
	{ 21, 1, 2, GIKEV2_GSA_AUTH, "KD group key bag attribute type 2 unknown" },
	{ 20, 1, 0x80, GIKEV2_GSA_AUTH, "KD SA_KEY attribute not TLV" },
	{ 27, 1, 1, GIKEV2_GSA_AUTH, "KD SA_KEY Key ID 1 is not 0" },
	{ 75, 1, 5, GIKEV2_GSA_AUTH, "KD ESP key bag SA_KEY KWK ID 5 is not 0" },
	{ 111, 1, 0, GIKEV2_GSA_AUTH, "KD WRAP_KEY Key ID is 0" },
	{ 151, 1, 2, GIKEV2_GSA_AUTH, "KD AUTH_KEY attribute duplicated" },
	{ 140, 1, 0x80, GIKEV2_GSA_AUTH, "KD AUTH_KEY attribute not TLV" },
	{ 151, 1, 9, GIKEV2_GSA_AUTH, "KD member key bag attribute type 9 "
								  "unknown" },
	{ 104, 1, 0x80, GIKEV2_GSA_AUTH, "KD WRAP_KEY attribute not TLV" },
	/* exchanges */
	{ 0, 0, 0, GIKEV2_GSA_REKEY, "KD member key bag not allowed in "
								 "GSA_REKEY" },
	{ 0, 0, 0, 33, "KD in exchange 33, not a G-IKEv2 exchange" },
};

START_TEST(test_kd_invalid)
{
	mutation_t *m = &kd_invalid[_i];
	gikev2_err_t err = {};
	chunk_t data;
	gikev2_kd_t *kd;

	data = m->width || m->off ? mutate(kd_kat, m) : chunk_clone(kd_kat);
	kd = gikev2_kd_decode(data, m->exchange, &err);
	if (!m->err[0])
	{	/* an AH key bag is as valid as an ESP one */
		ck_assert_msg(kd, "%s", err.msg);
		kd->destroy(kd);
	}
	else
	{
		ck_assert_msg(!kd, "accepted mutation %d", _i);
		ck_assert_msg(strstr(err.msg, m->err), "error '%s' does not name '%s'",
					  err.msg, m->err);
	}
	chunk_free(&data);
}
END_TEST

START_TEST(test_kd_invalid_structure)
{
	gikev2_err_t err = {};
	chunk_t data;

	/* two member key bags */
	data = chunk_cat("cc", kd_kat, chunk_skip(kd_kat, 100));
	ck_assert(!gikev2_kd_decode(data, GIKEV2_GSA_AUTH, &err));
	ck_assert_str_eq(err.msg, "KD has more than one member key bag");
	chunk_free(&data);

	/* two key bags for one SA */
	memset(&err, 0, sizeof(err));
	data = chunk_cat("cc", kd_kat, chunk_create(kd_kat.ptr + 56, 44));
	ck_assert(!gikev2_kd_decode(data, GIKEV2_GSA_AUTH, &err));
	ck_assert_str_eq(err.msg, "KD has two ESP key bags for SPI 12:34:56:78");
	chunk_free(&data);

	/* no key bag */
	memset(&err, 0, sizeof(err));
	ck_assert(!gikev2_kd_decode(chunk_empty, GIKEV2_GSA_AUTH, &err));
	ck_assert_str_eq(err.msg, "KD has no Key Bags");

	/* a zero-length key */
	memset(&err, 0, sizeof(err));
	ck_assert(!gikev2_kd_decode(kd_empty_key, GIKEV2_GSA_AUTH, &err));
	ck_assert_str_eq(err.msg, "KD SA_KEY Encrypted Key is empty");

	/* a group key bag without SA_KEY */
	memset(&err, 0, sizeof(err));
	ck_assert(!gikev2_kd_decode(chunk_from_chars(0x03, 0x04, 0x00, 0x08,
								0x12, 0x34, 0x56, 0x78), GIKEV2_GSA_AUTH, &err));
	ck_assert_str_eq(err.msg, "KD ESP key bag misses the SA_KEY attribute");
}
END_TEST

START_TEST(test_kd_truncated)
{
	gikev2_kd_t *kd;
	gikev2_err_t err;
	size_t len;

	for (len = 0; len < kd_kat.len; len++)
	{
		memset(&err, 0, sizeof(err));
		kd = gikev2_kd_decode(chunk_create(kd_kat.ptr, len), GIKEV2_GSA_AUTH,
							  &err);
		if (len == 56 || len == 100)
		{	/* ends of whole key bags */
			ck_assert_msg(kd, "%zu: %s", len, err.msg);
			kd->destroy(kd);
			continue;
		}
		ck_assert_msg(!kd, "accepted %zu octets", len);
		ck_assert(err.msg[0]);
	}
}
END_TEST

/**
 * Flip each bit of octet _i of the KD vector: no crash, no leak.  One test
 * function per octet, so that a failure names the octet and no function runs
 * near the timeout, whose alarm would interrupt the leak detective inside
 * malloc()
 */
START_TEST(test_kd_bitflip)
{
	gikev2_kd_t *kd;
	chunk_t data;
	int bit;

	data = chunk_clone(kd_kat);
	for (bit = 0; bit < 8; bit++)
	{
		data.ptr[_i] ^= 1 << bit;
		kd = gikev2_kd_decode(data, GIKEV2_GSA_AUTH, NULL);
		DESTROY_IF(kd);
		data.ptr[_i] ^= 1 << bit;
	}
	chunk_free(&data);
}
END_TEST

/*******************************************************************************
 * payload_t wrapper
 */

START_TEST(test_payload)
{
	gikev2_payload_t *payload;
	unknown_payload_t *unknown;
	payload_t *pl;
	encoding_rule_t *rules;
	chunk_t body;

	ck_assert(!gikev2_payload_create(49, chunk_clone(idg_key_id)));
	payload = gikev2_payload_create(GIKEV2_PL_IDG, chunk_clone(idg_key_id));
	ck_assert(payload);
	pl = &payload->payload_interface;
	ck_assert_int_eq(pl->get_type(pl), 50);
	ck_assert_int_eq(pl->get_length(pl), 4 + idg_key_id.len);
	ck_assert_int_eq(pl->get_header_length(pl), 4);
	ck_assert_int_eq(pl->get_encoding_rules(pl, &rules), 11);
	ck_assert_int_eq(rules[10].type, CHUNK_DATA);
	ck_assert_int_eq(pl->verify(pl), SUCCESS);
	pl->set_next_type(pl, GIKEV2_PL_GSA);
	ck_assert_int_eq(pl->get_next_type(pl), GIKEV2_PL_GSA);
	ck_assert_chunk_eq(payload->get_body(payload), idg_key_id);
	ck_assert(!gikev2_payload_get_body(pl, GIKEV2_PL_IDG, &body));
	pl->destroy(pl);

	/* received payloads are unknown payloads carrying the real type */
	unknown = unknown_payload_create_data(GIKEV2_PL_KD, FALSE,
										  chunk_clone(kd_kat));
	pl = &unknown->payload_interface;
	ck_assert(!gikev2_payload_get_body(pl, GIKEV2_PL_GSA, &body));
	ck_assert(gikev2_payload_get_body(pl, GIKEV2_PL_KD, &body));
	ck_assert_chunk_eq(kd_kat, body);
	pl->destroy(pl);
}
END_TEST

Suite *gikev2_codec_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("gikev2 codec");

	tc = tcase_create("IDg");
	tcase_add_test(tc, test_idg_encode);
	tcase_add_test(tc, test_idg_decode);
	tcase_add_loop_test(tc, test_idg_invalid, 0, countof(idg_invalid));
	suite_add_tcase(s, tc);

	tc = tcase_create("GSA");
	tcase_add_test(tc, test_gsa_encode);
	tcase_add_test(tc, test_gsa_decode);
	tcase_add_test(tc, test_gsa_encode_invalid);
	tcase_add_loop_test(tc, test_gsa_invalid, 0, countof(gsa_invalid));
	tcase_add_test(tc, test_gsa_invalid_structure);
	tcase_add_test(tc, test_gsa_truncated);
	tcase_add_loop_test(tc, test_gsa_bitflip, 0, gsa_kat.len);
	suite_add_tcase(s, tc);

	tc = tcase_create("KD");
	tcase_add_test(tc, test_kd_encode);
	tcase_add_test(tc, test_kd_decode);
	tcase_add_test(tc, test_kd_lkh);
	tcase_add_loop_test(tc, test_kd_invalid, 0, countof(kd_invalid));
	tcase_add_test(tc, test_kd_invalid_structure);
	tcase_add_test(tc, test_kd_truncated);
	tcase_add_loop_test(tc, test_kd_bitflip, 0, kd_kat.len);
	suite_add_tcase(s, tc);

	tc = tcase_create("payload");
	tcase_add_test(tc, test_payload);
	suite_add_tcase(s, tc);

	return s;
}
