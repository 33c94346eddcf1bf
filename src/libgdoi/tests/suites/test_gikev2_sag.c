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

#include <gikev2_sag.h>

#include <daemon.h>
#include <encoding/parser.h>
#include <encoding/payloads/ike_header.h>
#include <crypto/crypters/crypter.h>
#include <crypto/signers/signer.h>

/*
 * Known-answer vectors, written out by hand from RFC 9838 4.3 (SAg = IKEv2
 * SA payload body) with the proposal (RFC 7296 3.3.1), transform (3.3.2)
 * and attribute (3.3.5) layouts. The comments give the byte offset of each
 * field; the negative tests below mutate fields at these offsets.
 */

/** AlgorithmIdentifier sha256WithRSAEncryption (RFC 7427 A.1) */
static chunk_t sig_alg = chunk_from_chars(
	0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01,
	0x0b, 0x05, 0x00);

/**
 * SAg with two sets: Proposal Num 1 (GIKE_UPDATE and ESP, AEAD and non-AEAD
 * mixed) and 2 (GIKE_UPDATE, ESP and AH, all ChaCha20 or HMAC), 219 octets
 */
static chunk_t sag_kat = chunk_from_chars(
	/* 0: proposal 1: more, RESERVED, Length 83, Num 1, GIKE_UPDATE,
	 * SPI Size 0, 6 transforms */
	0x02, 0x00, 0x00, 0x53, 0x01, 0x06, 0x00, 0x06,
	/* 8: ENCR AES_GCM_16, Key Length 256 */
	0x03, 0x00, 0x00, 0x0c, 0x01, 0x00, 0x00, 0x14, 0x80, 0x0e, 0x01, 0x00,
	/* 20: ENCR AES_CBC, Key Length 128 */
	0x03, 0x00, 0x00, 0x0c, 0x01, 0x00, 0x00, 0x0c, 0x80, 0x0e, 0x00, 0x80,
	/* 32: INTEG HMAC_SHA2_256_128 */
	0x03, 0x00, 0x00, 0x08, 0x03, 0x00, 0x00, 0x0c,
	/* 40: KWA KW_5649_256 */
	0x03, 0x00, 0x00, 0x08, 0x0d, 0x00, 0x00, 0x03,
	/* 48: KWA KW_5649_128 */
	0x03, 0x00, 0x00, 0x08, 0x0d, 0x00, 0x00, 0x01,
	/* 56: last, GCAUTH DIGITAL_SIGNATURE, Length 27 */
	0x00, 0x00, 0x00, 0x1b, 0x0e, 0x00, 0x00, 0x02,
	/* 64: Signature Algorithm Identifier (TLV, 15 octets) */
	0x00, 0x12, 0x00, 0x0f,
	0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01,
	0x0b, 0x05, 0x00,
	/* 83: proposal 2: more, Length 56, Num 1, ESP, SPI Size 0, 5 transforms */
	0x02, 0x00, 0x00, 0x38, 0x01, 0x03, 0x00, 0x05,
	/* 91: ENCR AES_GCM_16, Key Length 128 */
	0x03, 0x00, 0x00, 0x0c, 0x01, 0x00, 0x00, 0x14, 0x80, 0x0e, 0x00, 0x80,
	/* 103: ENCR AES_CBC, Key Length 256 */
	0x03, 0x00, 0x00, 0x0c, 0x01, 0x00, 0x00, 0x0c, 0x80, 0x0e, 0x01, 0x00,
	/* 115: INTEG HMAC_SHA2_256_128 */
	0x03, 0x00, 0x00, 0x08, 0x03, 0x00, 0x00, 0x0c,
	/* 123: SN 32BIT_UNSPECIFIED */
	0x03, 0x00, 0x00, 0x08, 0x05, 0x00, 0x00, 0x02,
	/* 131: last, SN 32BIT_SEQUENTIAL */
	0x00, 0x00, 0x00, 0x08, 0x05, 0x00, 0x00, 0x00,
	/* 139: proposal 3: more, Length 24, Num 2, GIKE_UPDATE, 2 transforms */
	0x02, 0x00, 0x00, 0x18, 0x02, 0x06, 0x00, 0x02,
	/* 147: ENCR CHACHA20_POLY1305 */
	0x03, 0x00, 0x00, 0x08, 0x01, 0x00, 0x00, 0x1c,
	/* 155: last, KWA KW_ARX */
	0x00, 0x00, 0x00, 0x08, 0x0d, 0x00, 0x00, 0x04,
	/* 163: proposal 4: more, Length 24, Num 2, ESP, 2 transforms */
	0x02, 0x00, 0x00, 0x18, 0x02, 0x03, 0x00, 0x02,
	/* 171: ENCR CHACHA20_POLY1305 */
	0x03, 0x00, 0x00, 0x08, 0x01, 0x00, 0x00, 0x1c,
	/* 179: last, SN 32BIT_UNSPECIFIED */
	0x00, 0x00, 0x00, 0x08, 0x05, 0x00, 0x00, 0x02,
	/* 187: proposal 5: last, Length 32, Num 2, AH, 3 transforms */
	0x00, 0x00, 0x00, 0x20, 0x02, 0x02, 0x00, 0x03,
	/* 195: INTEG HMAC_SHA2_256_128 */
	0x03, 0x00, 0x00, 0x08, 0x03, 0x00, 0x00, 0x0c,
	/* 203: SN 32BIT_SEQUENTIAL */
	0x03, 0x00, 0x00, 0x08, 0x05, 0x00, 0x00, 0x00,
	/* 211: last, PRF HMAC_SHA2_256 (not for AH: kept, ignored) */
	0x00, 0x00, 0x00, 0x08, 0x02, 0x00, 0x00, 0x05);

/**
 * SAg whose GIKE_UPDATE proposal has transform types the RFC does not list
 * for it, with attributes: an unknown type 200 and PRF
 */
static chunk_t sag_ignored = chunk_from_chars(
	/* 0: last, Length 54, Num 1, GIKE_UPDATE, 4 transforms */
	0x00, 0x00, 0x00, 0x36, 0x01, 0x06, 0x00, 0x04,
	/* 8: ENCR AES_GCM_16, Key Length 128 */
	0x03, 0x00, 0x00, 0x0c, 0x01, 0x00, 0x00, 0x14, 0x80, 0x0e, 0x00, 0x80,
	/* 20: type 200, ID 1, TLV attribute 256 of 2 octets */
	0x03, 0x00, 0x00, 0x0e, 0xc8, 0x00, 0x00, 0x01,
	0x01, 0x00, 0x00, 0x02, 0xab, 0xcd,
	/* 34: PRF HMAC_SHA2_256 with a TV attribute 14 */
	0x03, 0x00, 0x00, 0x0c, 0x02, 0x00, 0x00, 0x05, 0x80, 0x0e, 0x00, 0x80,
	/* 46: last, KWA KW_5649_128 */
	0x00, 0x00, 0x00, 0x08, 0x0d, 0x00, 0x00, 0x01);

/**
 * The model of sag_kat
 */
static gikev2_sag_t *build_sag()
{
	gikev2_sag_proposal_t *p;
	gikev2_sag_t *sag;

	sag = gikev2_sag_create();
	p = gikev2_sag_proposal_create(1, GIKEV2_PROTO_GIKE_UPDATE);
	gikev2_sag_proposal_add(p, GIKEV2_TRANS_ENCR, ENCR_AES_GCM_ICV16, 256,
							chunk_empty);
	gikev2_sag_proposal_add(p, GIKEV2_TRANS_ENCR, ENCR_AES_CBC, 128,
							chunk_empty);
	gikev2_sag_proposal_add(p, GIKEV2_TRANS_INTEG, AUTH_HMAC_SHA2_256_128, 0,
							chunk_empty);
	gikev2_sag_proposal_add(p, GIKEV2_TRANS_KWA, GIKEV2_KW_5649_256, 0,
							chunk_empty);
	gikev2_sag_proposal_add(p, GIKEV2_TRANS_KWA, GIKEV2_KW_5649_128, 0,
							chunk_empty);
	gikev2_sag_proposal_add(p, GIKEV2_TRANS_GCAUTH,
							GIKEV2_GCAUTH_DIGITAL_SIGNATURE, 0, sig_alg);
	sag->add_proposal(sag, p);

	p = gikev2_sag_proposal_create(1, GIKEV2_PROTO_ESP);
	gikev2_sag_proposal_add(p, GIKEV2_TRANS_ENCR, ENCR_AES_GCM_ICV16, 128,
							chunk_empty);
	gikev2_sag_proposal_add(p, GIKEV2_TRANS_ENCR, ENCR_AES_CBC, 256,
							chunk_empty);
	gikev2_sag_proposal_add(p, GIKEV2_TRANS_INTEG, AUTH_HMAC_SHA2_256_128, 0,
							chunk_empty);
	gikev2_sag_proposal_add(p, GIKEV2_TRANS_SN, GIKEV2_SN_32BIT_UNSPECIFIED, 0,
							chunk_empty);
	gikev2_sag_proposal_add(p, GIKEV2_TRANS_SN, GIKEV2_SN_32BIT_SEQUENTIAL, 0,
							chunk_empty);
	sag->add_proposal(sag, p);

	p = gikev2_sag_proposal_create(2, GIKEV2_PROTO_GIKE_UPDATE);
	gikev2_sag_proposal_add(p, GIKEV2_TRANS_ENCR, ENCR_CHACHA20_POLY1305, 0,
							chunk_empty);
	gikev2_sag_proposal_add(p, GIKEV2_TRANS_KWA, GIKEV2_KW_ARX, 0,
							chunk_empty);
	sag->add_proposal(sag, p);

	p = gikev2_sag_proposal_create(2, GIKEV2_PROTO_ESP);
	gikev2_sag_proposal_add(p, GIKEV2_TRANS_ENCR, ENCR_CHACHA20_POLY1305, 0,
							chunk_empty);
	gikev2_sag_proposal_add(p, GIKEV2_TRANS_SN, GIKEV2_SN_32BIT_UNSPECIFIED, 0,
							chunk_empty);
	sag->add_proposal(sag, p);

	p = gikev2_sag_proposal_create(2, GIKEV2_PROTO_AH);
	gikev2_sag_proposal_add(p, GIKEV2_TRANS_INTEG, AUTH_HMAC_SHA2_256_128, 0,
							chunk_empty);
	gikev2_sag_proposal_add(p, GIKEV2_TRANS_SN, GIKEV2_SN_32BIT_SEQUENTIAL, 0,
							chunk_empty);
	gikev2_sag_proposal_add(p, GIKEV2_TRANS_PRF, PRF_HMAC_SHA2_256, 0,
							chunk_empty);
	sag->add_proposal(sag, p);
	return sag;
}

START_TEST(test_sag_encode)
{
	gikev2_sag_t *sag;
	gikev2_err_t err = {};
	chunk_t body;

	sag = build_sag();
	ck_assert_msg(sag->encode(sag, &body, &err), "%s", err.msg);
	ck_assert_chunk_eq(sag_kat, body);
	chunk_free(&body);
	sag->destroy(sag);
}
END_TEST

START_TEST(test_sag_decode)
{
	gikev2_sag_t *sag;
	gikev2_sag_proposal_t *p;
	gikev2_sag_transform_t *t;
	enumerator_t *enumerator;
	gikev2_err_t err = {};
	chunk_t body;
	struct {
		uint8_t number;
		gikev2_protocol_t protocol;
		int count;
	} expected[] = {
		{ 1, GIKEV2_PROTO_GIKE_UPDATE, 6 },
		{ 1, GIKEV2_PROTO_ESP, 5 },
		{ 2, GIKEV2_PROTO_GIKE_UPDATE, 2 },
		{ 2, GIKEV2_PROTO_ESP, 2 },
		{ 2, GIKEV2_PROTO_AH, 3 },
	};
	int i = 0;

	sag = gikev2_sag_decode(sag_kat, &err);
	ck_assert_msg(sag, "%s", err.msg);
	enumerator = sag->create_proposal_enumerator(sag);
	while (enumerator->enumerate(enumerator, &p))
	{
		ck_assert(i < countof(expected));
		ck_assert_int_eq(p->number, expected[i].number);
		ck_assert_int_eq(p->protocol, expected[i].protocol);
		ck_assert_int_eq(array_count(p->transforms), expected[i].count);
		i++;
	}
	enumerator->destroy(enumerator);
	ck_assert_int_eq(i, countof(expected));

	/* the first proposal's GCAUTH and Key Lengths */
	enumerator = sag->create_proposal_enumerator(sag);
	ck_assert(enumerator->enumerate(enumerator, &p));
	enumerator->destroy(enumerator);
	enumerator = array_create_enumerator(p->transforms);
	ck_assert(enumerator->enumerate(enumerator, &t));
	ck_assert_int_eq(t->type, GIKEV2_TRANS_ENCR);
	ck_assert_int_eq(t->id, ENCR_AES_GCM_ICV16);
	ck_assert_int_eq(t->key_length, 256);
	while (enumerator->enumerate(enumerator, &t))
	{
		if (t->type == GIKEV2_TRANS_GCAUTH)
		{
			break;
		}
	}
	enumerator->destroy(enumerator);
	ck_assert_int_eq(t->id, GIKEV2_GCAUTH_DIGITAL_SIGNATURE);
	ck_assert_chunk_eq(sig_alg, t->sig_alg);

	/* round trip */
	ck_assert(sag->encode(sag, &body, NULL));
	ck_assert_chunk_eq(sag_kat, body);
	chunk_free(&body);
	sag->destroy(sag);
}
END_TEST

START_TEST(test_sag_ignored)
{
	gikev2_sag_t *sag;
	gikev2_sag_proposal_t *p;
	gikev2_sag_transform_t t;
	enumerator_t *enumerator;
	gikev2_err_t err = {};
	chunk_t body;

	sag = gikev2_sag_decode(sag_ignored, &err);
	ck_assert_msg(sag, "%s", err.msg);
	enumerator = sag->create_proposal_enumerator(sag);
	ck_assert(enumerator->enumerate(enumerator, &p));
	enumerator->destroy(enumerator);
	ck_assert_int_eq(array_count(p->transforms), 4);
	ck_assert(array_get(p->transforms, 1, &t));
	ck_assert_int_eq(t.type, 200);
	ck_assert_int_eq(t.id, 1);
	ck_assert_chunk_eq(t.attrs, chunk_from_chars(0x01, 0x00, 0x00, 0x02,
												 0xab, 0xcd));
	ck_assert(array_get(p->transforms, 2, &t));
	ck_assert_int_eq(t.type, GIKEV2_TRANS_PRF);
	ck_assert_int_eq(t.key_length, 0);
	ck_assert_chunk_eq(t.attrs, chunk_from_chars(0x80, 0x0e, 0x00, 0x80));
	ck_assert(sag->encode(sag, &body, &err));
	ck_assert_chunk_eq(sag_ignored, body);
	chunk_free(&body);
	sag->destroy(sag);

	/* an ignored transform's attributes must still be well-formed */
	memset(&err, 0, sizeof(err));
	body = chunk_clone(sag_ignored);
	body.ptr[31] = 0x03;
	ck_assert(!gikev2_sag_decode(body, &err));
	ck_assert_str_eq(err.msg, "SAg ignored transform attribute 256 Attribute "
					 "Length exceeds data (3 > 2)");
	chunk_free(&body);
}
END_TEST

/**
 * A mutation of the KAT: set a 1 or 2 octet field, or truncate
 */
typedef struct {
	/** offset of the field */
	size_t off;
	/** width of the field: 1, 2; 0 to truncate at off */
	int width;
	/** value to set */
	uint16_t value;
	/** text the error must contain */
	char *err;
} sag_mutation_t;

static sag_mutation_t sag_invalid[] = {
	/* lengths, truncated and oversized */
	{ 3, 0, 0, "SAg proposal header truncated" },
	{ 2, 2, 0xffff, "SAg proposal Proposal Length 65535 invalid (219 octets "
					"left)" },
	{ 2, 2, 7, "SAg proposal Proposal Length 7 invalid" },
	{ 2, 2, 84, "SAg GIKE_UPDATE proposal Proposal Length leaves 1 octets "
				"after 6 transforms" },
	{ 2, 2, 82, "SAg transform Transform Length 27 exceeds the proposal" },
	{ 189, 2, 33, "SAg proposal Proposal Length 33 invalid (32 octets left)" },
	{ 10, 2, 7, "SAg transform Transform Length 7 too small" },
	{ 10, 2, 0xffff, "SAg transform Transform Length 65535 exceeds the "
					 "proposal" },
	{ 10, 2, 14, "SAg transform attribute header truncated (0 < 4)" },
	{ 66, 2, 16, "SAg transform attribute 18 Attribute Length exceeds data "
				 "(16 > 15)" },
	/* Num Transforms and Last Substruc */
	{ 7, 1, 7, "SAg transform Last Substruc 0, not 3" },
	{ 7, 1, 5, "SAg transform Last Substruc 3, not 0" },
	{ 7, 1, 0, "SAg GIKE_UPDATE proposal has no transforms" },
	{ 8, 1, 0, "SAg transform Last Substruc 0, not 3" },
	{ 0, 1, 0, "SAg has 136 octets after the last proposal" },
	{ 0, 1, 1, "SAg proposal Last Substruc 1 invalid" },
	{ 187, 1, 2, "SAg proposal Last Substruc 2 on the last proposal" },
	/* SPI Size and Protocol ID */
	{ 6, 1, 4, "SAg GIKE_UPDATE proposal SPI Size 4, not 0" },
	{ 89, 1, 4, "SAg ESP proposal SPI Size 4, not 0" },
	{ 193, 1, 16, "SAg AH proposal SPI Size 16, not 0" },
	{ 5, 1, 1, "SAg proposal Protocol ID 1 not allowed" },
	{ 88, 1, 4, "SAg proposal Protocol ID 4 not allowed" },
	{ 192, 1, 0, "SAg proposal Protocol ID 0 not allowed" },
	/* Proposal Num */
	{ 4, 1, 2, "SAg proposal 1 Proposal Num 2, not 1" },
	{ 87, 1, 0, "SAg proposal 2 Proposal Num 0, not 1 or 2" },
	{ 143, 1, 3, "SAg proposal 3 Proposal Num 3, not 1 or 2" },
	{ 191, 1, 1, "SAg proposal 5 Proposal Num 1, not 2 or 3" },
	/* mandatory types and the KWA */
	{ 159, 1, 3, "SAg GIKE_UPDATE proposal lists no KWA transform" },
	{ 151, 1, 3, "SAg GIKE_UPDATE proposal lists no ENCR transform" },
	{ 175, 1, 3, "SAg ESP proposal lists no ENCR transform" },
	{ 199, 1, 1, "SAg AH proposal lists no INTEG transform" },
	/* duplicates */
	{ 54, 2, 3, "SAg GIKE_UPDATE proposal lists transform type 13 ID 3 "
				"twice" },
	{ 137, 2, 2, "SAg ESP proposal lists transform type 5 ID 2 twice" },
	/* attributes */
	{ 18, 2, 100, "SAg ENCR transform AES_GCM_16 has an invalid Key Length "
				  "attribute (100)" },
	{ 18, 2, 0, "SAg ENCR transform Key Length attribute is 0" },
	{ 16, 2, 0x8010, "SAg ENCR transform attribute type 16 unknown" },
	{ 26, 2, ENCR_3DES, "SAg ENCR transform 3 must not have a Key Length "
						"attribute" },
	{ 24, 1, 3, "SAg INTEG transform must not have a Key Length attribute" },
	{ 64, 2, 0x8012, "SAg GCAUTH transform Signature Algorithm Identifier "
					 "attribute not TLV" },
	{ 62, 2, 1, "SAg GCAUTH transform 1 must not have a Signature Algorithm "
				"Identifier attribute" },
	{ 62, 2, 0, "SAg GCAUTH transform ID 0 is reserved" },
	{ 46, 2, 0, "SAg KWA transform ID 0 is reserved" },
	{ 60, 1, 13, "SAg KWA transform 2 must not have a Signature Algorithm "
				 "Identifier attribute" },
};

START_TEST(test_sag_invalid)
{
	sag_mutation_t *m = &sag_invalid[_i];
	gikev2_err_t err = {};
	chunk_t data;

	data = chunk_clone(sag_kat);
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
	ck_assert_msg(!gikev2_sag_decode(data, &err), "accepted mutation %d", _i);
	ck_assert_msg(strstr(err.msg, m->err), "error '%s' does not name '%s'",
				  err.msg, m->err);
	chunk_free(&data);
}
END_TEST

START_TEST(test_sag_invalid_structure)
{
	gikev2_sag_t *sag;
	gikev2_err_t err = {};
	chunk_t data;

	/* nothing */
	ck_assert(!gikev2_sag_decode(chunk_empty, &err));
	ck_assert_str_eq(err.msg, "SAg has no proposals");

	/* only the ESP proposal: no KWA */
	memset(&err, 0, sizeof(err));
	data = chunk_clone(chunk_create(sag_kat.ptr + 83, 56));
	data.ptr[0] = 0;
	ck_assert(!gikev2_sag_decode(data, &err));
	ck_assert_str_eq(err.msg, "SAg lists no KWA transform (no GIKE_UPDATE "
					 "proposal)");
	chunk_free(&data);

	/* more transforms than fit, the last one saying more follow */
	memset(&err, 0, sizeof(err));
	data = chunk_clone(sag_kat);
	data.ptr[7] = 7;
	data.ptr[56] = 3;
	ck_assert(!gikev2_sag_decode(data, &err));
	ck_assert_str_eq(err.msg, "SAg GIKE_UPDATE proposal Num Transforms 7, but "
					 "6 transforms fit the Proposal Length");
	chunk_free(&data);

	/* trailing octets */
	memset(&err, 0, sizeof(err));
	data = chunk_cat("cc", sag_kat, chunk_from_chars(0x00));
	ck_assert(!gikev2_sag_decode(data, &err));
	ck_assert_str_eq(err.msg, "SAg has 1 octets after the last proposal");
	chunk_free(&data);

	/* the same checks when encoding */
	memset(&err, 0, sizeof(err));
	sag = gikev2_sag_create();
	ck_assert(!sag->encode(sag, &data, &err));
	ck_assert_str_eq(err.msg, "SAg has no proposals");
	sag->add_proposal(sag, gikev2_sag_proposal_create(1, GIKEV2_PROTO_ESP));
	memset(&err, 0, sizeof(err));
	ck_assert(!sag->encode(sag, &data, &err));
	ck_assert_str_eq(err.msg, "SAg ESP proposal has no transforms");
	sag->destroy(sag);

	memset(&err, 0, sizeof(err));
	sag = gikev2_sag_create();
	sag->add_proposal(sag, gikev2_sag_proposal_create(1, 1));
	ck_assert(!sag->encode(sag, &data, &err));
	ck_assert_str_eq(err.msg, "SAg proposal Protocol ID 1 not allowed");
	sag->destroy(sag);

	memset(&err, 0, sizeof(err));
	sag = build_sag();
	sag->add_proposal(sag, gikev2_sag_proposal_create(4, GIKEV2_PROTO_ESP));
	ck_assert(!sag->encode(sag, &data, &err));
	ck_assert_str_eq(err.msg, "SAg proposal 6 Proposal Num 4, not 2 or 3");
	sag->destroy(sag);
}
END_TEST

START_TEST(test_sag_truncated)
{
	gikev2_sag_t *sag;
	gikev2_err_t err;
	size_t len;

	for (len = 0; len < sag_kat.len; len++)
	{
		memset(&err, 0, sizeof(err));
		sag = gikev2_sag_decode(chunk_create(sag_kat.ptr, len), &err);
		ck_assert_msg(!sag, "accepted %zu octets", len);
		ck_assert(err.msg[0]);
	}
}
END_TEST

/**
 * Flip each bit of octet _i of the SAg vector: no crash, no leak, and what
 * decodes encodes again.  One test function per octet, so that a failure
 * names the octet and no function runs near the timeout, whose alarm would
 * interrupt the leak detective inside malloc()
 */
START_TEST(test_sag_bitflip)
{
	gikev2_sag_t *sag;
	chunk_t data, body;
	int bit;

	data = chunk_clone(sag_kat);
	for (bit = 0; bit < 8; bit++)
	{
		data.ptr[_i] ^= 1 << bit;
		sag = gikev2_sag_decode(data, NULL);
		if (sag)
		{
			ck_assert(sag->encode(sag, &body, NULL));
			chunk_free(&body);
			sag->destroy(sag);
		}
		data.ptr[_i] ^= 1 << bit;
	}
	chunk_free(&data);
}
END_TEST

/*******************************************************************************
 * Checks against the key server's policy
 */

/**
 * Create a GSA policy
 */
static gikev2_policy_t *policy(gikev2_protocol_t protocol, uint16_t encr,
							   uint16_t key_length, int integ, int sn)
{
	gikev2_policy_t *p;

	p = gikev2_policy_create(protocol, chunk_empty, NULL, NULL);
	if (encr)
	{
		p->encr = (gikev2_transform_t){ TRUE, encr, key_length };
	}
	if (integ >= 0)
	{
		p->integ = (gikev2_transform_t){ TRUE, integ };
	}
	if (sn >= 0)
	{
		p->sn = (gikev2_transform_t){ TRUE, sn };
	}
	return p;
}

START_TEST(test_sag_kwa)
{
	gikev2_sag_t *sag;

	sag = gikev2_sag_decode(sag_kat, NULL);
	ck_assert(sag);
	ck_assert(sag->supports_kwa(sag, GIKEV2_KW_5649_128));
	ck_assert(!sag->supports_kwa(sag, GIKEV2_KW_5649_192));
	ck_assert(sag->supports_kwa(sag, GIKEV2_KW_5649_256));
	ck_assert(sag->supports_kwa(sag, GIKEV2_KW_ARX));
	ck_assert(!sag->supports_kwa(sag, 0));
	sag->destroy(sag);
}
END_TEST

START_TEST(test_sag_policies)
{
	gikev2_policy_t *kek_gcm, *kek_chacha, *esp_gcm, *esp_chacha, *esp_cbc;
	gikev2_policy_t *ah, *p[3];
	gikev2_sag_t *sag;
	uint8_t number = 0;

	sag = gikev2_sag_decode(sag_kat, NULL);
	ck_assert(sag);

	kek_gcm = policy(GIKEV2_PROTO_GIKE_UPDATE, ENCR_AES_GCM_ICV16, 256, -1, -1);
	kek_gcm->kwa = (gikev2_transform_t){ TRUE, GIKEV2_KW_5649_256 };
	kek_gcm->gcauth = (gikev2_transform_t){ TRUE,
						GIKEV2_GCAUTH_DIGITAL_SIGNATURE, 0,
						chunk_clone(sig_alg) };
	kek_chacha = policy(GIKEV2_PROTO_GIKE_UPDATE, ENCR_CHACHA20_POLY1305, 0,
						-1, -1);
	kek_chacha->kwa = (gikev2_transform_t){ TRUE, GIKEV2_KW_ARX };
	esp_gcm = policy(GIKEV2_PROTO_ESP, ENCR_AES_GCM_ICV16, 128, -1,
					 GIKEV2_SN_32BIT_UNSPECIFIED);
	esp_chacha = policy(GIKEV2_PROTO_ESP, ENCR_CHACHA20_POLY1305, 0, 0,
						GIKEV2_SN_32BIT_UNSPECIFIED);
	esp_cbc = policy(GIKEV2_PROTO_ESP, ENCR_AES_CBC, 256,
					 AUTH_HMAC_SHA2_256_128, GIKEV2_SN_32BIT_SEQUENTIAL);
	ah = policy(GIKEV2_PROTO_AH, 0, 0, AUTH_HMAC_SHA2_256_128,
				GIKEV2_SN_32BIT_SEQUENTIAL);

	/* each alone */
	ck_assert(sag->supports_policies(sag, &kek_gcm, 1, &number));
	ck_assert_int_eq(number, 1);
	ck_assert(sag->supports_policies(sag, &kek_chacha, 1, &number));
	ck_assert_int_eq(number, 2);
	ck_assert(sag->supports_policies(sag, &esp_gcm, 1, &number));
	ck_assert_int_eq(number, 1);
	ck_assert(sag->supports_policies(sag, &esp_chacha, 1, &number));
	ck_assert_int_eq(number, 2);
	ck_assert(sag->supports_policies(sag, &esp_cbc, 1, NULL));
	ck_assert(sag->supports_policies(sag, &ah, 1, &number));
	ck_assert_int_eq(number, 2);

	/* sets tied by the Proposal Num */
	p[0] = kek_gcm;
	p[1] = esp_gcm;
	p[2] = esp_cbc;
	ck_assert(sag->supports_policies(sag, p, 3, &number));
	ck_assert_int_eq(number, 1);
	p[0] = kek_chacha;
	p[1] = esp_chacha;
	p[2] = ah;
	ck_assert(sag->supports_policies(sag, p, 3, &number));
	ck_assert_int_eq(number, 2);
	p[1] = esp_gcm;
	ck_assert(!sag->supports_policies(sag, p, 2, NULL));
	p[0] = kek_gcm;
	p[1] = ah;
	ck_assert(!sag->supports_policies(sag, p, 2, NULL));

	/* transforms the member does not list */
	esp_gcm->encr.key_length = 256;
	ck_assert(!sag->supports_policies(sag, &esp_gcm, 1, NULL));
	esp_gcm->encr.key_length = 128;
	esp_gcm->sn.id = GIKEV2_SN_PARTIALLY_TRANSMITTED_64BIT;
	ck_assert(!sag->supports_policies(sag, &esp_gcm, 1, NULL));
	kek_gcm->kwa.id = GIKEV2_KW_5649_192;
	ck_assert(!sag->supports_policies(sag, &kek_gcm, 1, NULL));
	kek_gcm->kwa.id = GIKEV2_KW_5649_128;
	ck_assert(sag->supports_policies(sag, &kek_gcm, 1, NULL));
	/* GCAUTH: listed with a Signature Algorithm Identifier in set 1 */
	kek_gcm->gcauth.sig_alg.ptr[12] = 0x0c;
	ck_assert(!sag->supports_policies(sag, &kek_gcm, 1, NULL));
	chunk_free(&kek_gcm->gcauth.sig_alg);
	kek_gcm->gcauth.id = GIKEV2_GCAUTH_IMPLICIT;
	ck_assert(!sag->supports_policies(sag, &kek_gcm, 1, NULL));
	/* set 2 lists no GCAUTH, so it does not restrict it */
	kek_chacha->gcauth = (gikev2_transform_t){ TRUE, GIKEV2_GCAUTH_IMPLICIT };
	ck_assert(sag->supports_policies(sag, &kek_chacha, 1, NULL));
	/* AH is only listed in set 2 */
	ah->integ.id = AUTH_HMAC_SHA2_512_256;
	ck_assert(!sag->supports_policies(sag, &ah, 1, NULL));
	sag->destroy(sag);

	/* a protocol without proposals is not supported */
	sag = gikev2_sag_decode(sag_ignored, NULL);
	ck_assert(sag);
	esp_gcm->sn.id = GIKEV2_SN_32BIT_UNSPECIFIED;
	ck_assert(!sag->supports_policies(sag, &esp_gcm, 1, NULL));
	sag->destroy(sag);

	gikev2_policy_destroy(kek_gcm);
	gikev2_policy_destroy(kek_chacha);
	gikev2_policy_destroy(esp_gcm);
	gikev2_policy_destroy(esp_chacha);
	gikev2_policy_destroy(esp_cbc);
	gikev2_policy_destroy(ah);
}
END_TEST

static struct {
	protocol_id_t protocol;
	char *proposal;
	bool supported;
} sag_proposals[] = {
	{ PROTO_ESP, "aes128gcm16", TRUE },
	{ PROTO_ESP, "aes128gcm16-noesn", TRUE },
	{ PROTO_ESP, "aes128gcm16-esn", TRUE },
	{ PROTO_ESP, "aes256gcm16", FALSE },
	{ PROTO_ESP, "aes256gcm16-aes128gcm16", TRUE },
	{ PROTO_ESP, "chacha20poly1305", TRUE },
	{ PROTO_ESP, "aes256-sha256", TRUE },
	{ PROTO_ESP, "aes256-sha384", FALSE },
	{ PROTO_ESP, "aes128-sha256", FALSE },
	{ PROTO_ESP, "aes256-sha256-esn", TRUE },
	{ PROTO_AH, "sha256", TRUE },
	{ PROTO_AH, "sha256-esn", TRUE },
	{ PROTO_AH, "sha512", FALSE },
	{ PROTO_IKE, "aes128gcm16-prfsha256-ecp256", FALSE },
};

START_TEST(test_sag_proposal)
{
	gikev2_sag_t *sag;
	proposal_t *proposal;

	sag = gikev2_sag_decode(sag_kat, NULL);
	ck_assert(sag);
	proposal = proposal_create_from_string(sag_proposals[_i].protocol,
										   sag_proposals[_i].proposal);
	ck_assert(proposal);
	ck_assert_msg(sag->supports_proposal(sag, proposal) ==
				  sag_proposals[_i].supported, "%s",
				  sag_proposals[_i].proposal);
	proposal->destroy(proposal);
	sag->destroy(sag);
}
END_TEST

/*******************************************************************************
 * sa_payload_t from charon's parser, which logs through charon's bus
 */

static void charon_setup()
{
	ck_assert(libcharon_init());
}

static void charon_teardown()
{
	libcharon_deinit();
}

START_TEST(test_sag_payload)
{
	parser_t *parser;
	payload_t *payload;
	gikev2_sag_t *sag;
	gikev2_err_t err = {};
	chunk_t data, body;

	/* generic payload header, Next Payload 0, Length 4 + 219 */
	data = chunk_cat("cc", chunk_from_chars(0x00, 0x00, 0x00, 0xdf), sag_kat);
	parser = parser_create(data);
	parser->set_major_version(parser, IKEV2_MAJOR_VERSION);
	ck_assert(parser->parse_payload(parser, PLV2_SECURITY_ASSOCIATION,
									&payload) == SUCCESS);
	parser->destroy(parser);
	sag = gikev2_sag_decode_payload(payload, &err);
	ck_assert_msg(sag, "%s", err.msg);
	ck_assert(sag->encode(sag, &body, NULL));
	ck_assert_chunk_eq(sag_kat, body);
	chunk_free(&body);
	sag->destroy(sag);
	payload->destroy(payload);
	chunk_free(&data);

	/* with unknown types and attributes */
	data = chunk_cat("cc", chunk_from_chars(0x00, 0x00, 0x00, 0x3a),
					 sag_ignored);
	parser = parser_create(data);
	parser->set_major_version(parser, IKEV2_MAJOR_VERSION);
	ck_assert(parser->parse_payload(parser, PLV2_SECURITY_ASSOCIATION,
									&payload) == SUCCESS);
	parser->destroy(parser);
	sag = gikev2_sag_decode_payload(payload, &err);
	ck_assert_msg(sag, "%s", err.msg);
	ck_assert(sag->encode(sag, &body, NULL));
	ck_assert_chunk_eq(sag_ignored, body);
	chunk_free(&body);
	sag->destroy(sag);
	payload->destroy(payload);
	chunk_free(&data);

	/* an SPI the SAg must not have */
	data = chunk_cat("cc", chunk_from_chars(0x00, 0x00, 0x00, 0x3e),
					 sag_ignored);
	data.ptr[7] = 0x3a;
	data.ptr[10] = 4;
	data = chunk_cat("mc", data, chunk_from_chars(0, 0, 0, 0));
	memmove(data.ptr + 16, data.ptr + 12, data.len - 16);
	memset(data.ptr + 12, 0x11, 4);
	parser = parser_create(data);
	parser->set_major_version(parser, IKEV2_MAJOR_VERSION);
	ck_assert(parser->parse_payload(parser, PLV2_SECURITY_ASSOCIATION,
									&payload) == SUCCESS);
	parser->destroy(parser);
	ck_assert(!gikev2_sag_decode_payload(payload, &err));
	ck_assert_str_eq(err.msg, "SAg GIKE_UPDATE proposal SPI Size 4, not 0");
	payload->destroy(payload);
	chunk_free(&data);

	/* not an SA payload */
	memset(&err, 0, sizeof(err));
	data = chunk_from_chars(0x00, 0x00, 0x00, 0x08, 0x01, 0x02, 0x03, 0x04);
	parser = parser_create(data);
	parser->set_major_version(parser, IKEV2_MAJOR_VERSION);
	ck_assert(parser->parse_payload(parser, PLV2_NONCE, &payload) == SUCCESS);
	parser->destroy(parser);
	ck_assert(!gikev2_sag_decode_payload(payload, &err));
	ck_assert_str_eq(err.msg, "SAg payload type 40, not 33");
	payload->destroy(payload);
}
END_TEST

Suite *gikev2_sag_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("gikev2 SAg");

	tc = tcase_create("codec");
	tcase_add_test(tc, test_sag_encode);
	tcase_add_test(tc, test_sag_decode);
	tcase_add_test(tc, test_sag_ignored);
	tcase_add_loop_test(tc, test_sag_invalid, 0, countof(sag_invalid));
	tcase_add_test(tc, test_sag_invalid_structure);
	tcase_add_test(tc, test_sag_truncated);
	tcase_add_loop_test(tc, test_sag_bitflip, 0, sag_kat.len);
	suite_add_tcase(s, tc);

	tc = tcase_create("policy checks");
	tcase_add_test(tc, test_sag_kwa);
	tcase_add_test(tc, test_sag_policies);
	tcase_add_loop_test(tc, test_sag_proposal, 0, countof(sag_proposals));
	suite_add_tcase(s, tc);

	tc = tcase_create("sa_payload_t");
	tcase_add_checked_fixture(tc, charon_setup, charon_teardown);
	tcase_add_test(tc, test_sag_payload);
	suite_add_tcase(s, tc);

	return s;
}
