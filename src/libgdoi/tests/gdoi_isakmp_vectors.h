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

/**
 * Known-answer vectors for the GDOI codec, written out by hand from the
 * payload layouts of RFC 6407 / RFC 2408 (protocol-notes 1.4), and builders
 * that make the same payloads through the model API.
 *
 * Addresses are documentation ones: GCKS 192.0.2.1, rekey group
 * 233.252.0.1 (MCAST-TEST-NET), traffic 192.0.2.0/24 -> 198.51.100.0/24.
 */

#ifndef GDOI_ISAKMP_VECTORS_H_
#define GDOI_ISAKMP_VECTORS_H_

#include <gdoi_isakmp_payloads.h>

#define R4(x) x, x, x, x
#define R8(x) R4(x), R4(x)
#define R16(x) R8(x), R8(x)
#define R32(x) R16(x), R16(x)

/** KEK SPI = PUSH cookies */
#define KEK_SPI R8(0xc1), R8(0xc2)

/** SEQ body: 1 */
#define SEQ_BODY 0x00, 0x00, 0x00, 0x01

/** SAK, next payload SAT, length 69 */
#define SAK_PL \
	0x10, 0x00, 0x00, 0x45,							/* next SAT, len 69 */ \
	0x11,											/* Protocol UDP */ \
	0x01, 0x03, 0x50, 0x04, 0xc0, 0x00, 0x02, 0x01,	/* SRC IPV4 192.0.2.1:848 */ \
	0x01, 0x03, 0x50, 0x04, 0xe9, 0xfc, 0x00, 0x01,	/* DST IPV4 233.252.0.1:848 */ \
	KEK_SPI,										/* SPI */ \
	0x00, 0x00, 0x00, 0x00,							/* RESERVED2 */ \
	0x80, 0x02, 0x00, 0x03,							/* KEK_ALGORITHM AES */ \
	0x80, 0x03, 0x00, 0x80,							/* KEK_KEY_LENGTH 128 */ \
	0x00, 0x04, 0x00, 0x04, 0x00, 0x01, 0x51, 0x80,	/* KEK_KEY_LIFETIME 86400 */ \
	0x80, 0x05, 0x00, 0x03,							/* SIG_HASH_ALGORITHM SHA256 */ \
	0x80, 0x06, 0x00, 0x01,							/* SIG_ALGORITHM RSA */ \
	0x80, 0x07, 0x08, 0x00							/* SIG_KEY_LENGTH 2048 */

/** SAT ESP, next payload GAP, length 65 */
#define SAT_PL \
	0x16, 0x00, 0x00, 0x41,							/* next GAP, len 65 */ \
	0x01,											/* Protocol-ID ESP */ \
	0x00,											/* Protocol any */ \
	0x04, 0x00, 0x00, 0x00, 0x08,					/* SRC IPV4_SUBNET, port 0, len 8 */ \
	0xc0, 0x00, 0x02, 0x00, 0xff, 0xff, 0xff, 0x00,	/* 192.0.2.0/24 */ \
	0x04, 0x00, 0x00, 0x00, 0x08,					/* DST IPV4_SUBNET, port 0, len 8 */ \
	0xc6, 0x33, 0x64, 0x00, 0xff, 0xff, 0xff, 0x00,	/* 198.51.100.0/24 */ \
	0x0c,											/* ESP_AES-CBC */ \
	0x12, 0x34, 0x56, 0x78,							/* SPI */ \
	0x80, 0x01, 0x00, 0x01,							/* SA Life Type seconds */ \
	0x80, 0x02, 0x0e, 0x10,							/* SA Life Duration 3600 */ \
	0x80, 0x04, 0x00, 0x01,							/* Encapsulation tunnel */ \
	0x80, 0x05, 0x00, 0x05,							/* Auth HMAC-SHA2-256 */ \
	0x80, 0x06, 0x00, 0x80,							/* Key Length 128 */ \
	0x80, 0x0e, 0x00, 0x04,							/* Address Preservation S+D */ \
	0x80, 0x0f, 0x00, 0x03							/* SA Direction symmetric */

/** GAP body: ATD 60 s, DTD 90 s */
#define GAP_BODY \
	0x80, 0x01, 0x00, 0x3c, \
	0x80, 0x02, 0x00, 0x5a

/** SA body: DOI 2, SAK, SAT, GAP (SA length 162) */
#define SA_BODY \
	0x00, 0x00, 0x00, 0x02,							/* DOI GDOI */ \
	0x00, 0x00, 0x00, 0x00,							/* Situation */ \
	0x00, 0x0f, 0x00, 0x00,							/* SA Attr Next SAK, RES2 */ \
	SAK_PL, \
	SAT_PL, \
	0x00, 0x00, 0x00, 0x0c, GAP_BODY				/* GAP, last */

/** KD body: TEK and KEK key packets (KD length 126) */
#define KD_BODY \
	0x00, 0x02, 0x00, 0x00,							/* 2 key packets */ \
	0x01, 0x00, 0x00, 0x41,							/* TEK, len 65 */ \
	0x04, 0x12, 0x34, 0x56, 0x78,					/* SPI size 4, SPI */ \
	0x00, 0x01, 0x00, 0x10, R16(0x11),				/* TEK_ALGORITHM_KEY */ \
	0x00, 0x02, 0x00, 0x20, R32(0x22),				/* TEK_INTEGRITY_KEY */ \
	0x02, 0x00, 0x00, 0x35,							/* KEK, len 53 */ \
	0x10, KEK_SPI,									/* SPI size 16, SPI */ \
	0x00, 0x01, 0x00, 0x10, R16(0x33),				/* KEK_ALGORITHM_KEY */ \
	0x00, 0x02, 0x00, 0x08, R8(0x44)				/* SIG_ALGORITHM_KEY */

/** nonces of the PULL vectors */
#define NI_B R16(0x5a)
#define NR_B R16(0xa5)

static u_char kat_seq[] = { 0x00, 0x00, 0x00, 0x08, SEQ_BODY };
static u_char kat_nonce[] = { 0x00, 0x00, 0x00, 0x14, NI_B };
static u_char kat_hash[] = { 0x00, 0x00, 0x00, 0x18, R16(0xaa), R4(0xaa) };
static u_char kat_sig[] = { 0x00, 0x00, 0x00, 0x08, 0xde, 0xad, 0xbe, 0xef };
static u_char kat_id_group[] = {
	0x00, 0x00, 0x00, 0x0c, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0xd2,
};
static u_char kat_id_ipv4[] = {
	0x00, 0x00, 0x00, 0x0c, 0x01, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x02, 0x01,
};
static u_char kat_id_fqdn[] = {
	0x00, 0x00, 0x00, 0x14, 0x02, 0x00, 0x00, 0x00,
	'g', 'd', 'o', 'i', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e',
};
static u_char kat_notify[] = {
	0x00, 0x00, 0x00, 0x12, 0x00, 0x00, 0x00, 0x02, 0x01, 0x04, 0x00, 0x12,
	0x11, 0x22, 0x33, 0x44, 0x61, 0x62,
};
static u_char kat_delete[] = {
	0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x02, 0x01, 0x04, 0x00, 0x02,
	0xaa, 0xbb, 0xcc, 0xdd, 0x11, 0x22, 0x33, 0x44,
};
static u_char kat_gap[] = { 0x00, 0x00, 0x00, 0x0c, GAP_BODY };
static u_char kat_gap_sid[] = { 0x00, 0x00, 0x00, 0x08, 0x80, 0x03, 0x00, 0x01 };
static u_char kat_sa[] = { 0x00, 0x00, 0x00, 0xa2, SA_BODY };
static u_char kat_kd[] = { 0x00, 0x00, 0x00, 0x7e, KD_BODY };
static u_char kat_kd_sid_lkh[] = {
	0x00, 0x00, 0x00, 0x32, 0x00, 0x02, 0x00, 0x00,
	0x04, 0x00, 0x00, 0x0d, 0x00,					/* SID, len 13, no SPI */
	0x80, 0x01, 0x00, 0x08,							/* NUMBER_OF_SID_BITS 8 */
	0x80, 0x02, 0x00, 0x05,							/* SID_VALUE 5 */
	0x03, 0x00, 0x00, 0x1d, 0x10, R16(0x55),		/* LKH, len 29 */
	0x00, 0x01, 0x00, 0x04, 0x01, 0x02, 0x03, 0x04,	/* LKH_DOWNLOAD_ARRAY */
};
/** an SA with an IEC 61850 (3) SAT kept as opaque body */
static u_char kat_sa_opaque[] = {
	0x00, 0x00, 0x00, 0x1a, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x10, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x0a, 0x03, 0x01, 0x02, 0x03, 0x04, 0x05,
};

/** GROUPKEY-PUSH in clear: HDR, SEQ, SA, KD, SIG (336 octets) */
static u_char kat_push[] = {
	KEK_SPI,										/* cookies = KEK SPI */
	0x12, 0x10, 0x21, 0x00,							/* SEQ, 1.0, PUSH, flags */
	0x00, 0x00, 0x00, 0x00,							/* M-ID 0 */
	0x00, 0x00, 0x01, 0x50,							/* length 336 */
	0x01, 0x00, 0x00, 0x08, SEQ_BODY,				/* SEQ, next SA */
	0x11, 0x00, 0x00, 0xa2, SA_BODY,				/* SA, next KD */
	0x09, 0x00, 0x00, 0x7e, KD_BODY,				/* KD, next SIG */
	0x00, 0x00, 0x00, 0x0c, R8(0x5e),				/* SIG */
};

/**
 * Build the SAK of the vectors
 */
static inline gdoi_isakmp_sak_t *build_sak()
{
	gdoi_isakmp_sak_t *sak;
	u_char spi[] = { KEK_SPI };

	INIT(sak,
		.protocol = 17,
		.src = {
			.type = GDOI_ID_IPV4_ADDR,
			.port = 848,
			.data = chunk_clone(chunk_from_chars(0xc0, 0x00, 0x02, 0x01)),
		},
		.dst = {
			.type = GDOI_ID_IPV4_ADDR,
			.port = 848,
			.data = chunk_clone(chunk_from_chars(0xe9, 0xfc, 0x00, 0x01)),
		},
	);
	memcpy(sak->spi, spi, sizeof(spi));
	gdoi_isakmp_attrs_add_tv(&sak->attrs, GDOI_KEK_ALGORITHM, GDOI_KEK_ALG_AES);
	gdoi_isakmp_attrs_add_tv(&sak->attrs, GDOI_KEK_KEY_LENGTH, 128);
	gdoi_isakmp_attrs_add_uint(&sak->attrs, GDOI_KEK_KEY_LIFETIME, 86400);
	gdoi_isakmp_attrs_add_tv(&sak->attrs, GDOI_SIG_HASH_ALGORITHM, 3);
	gdoi_isakmp_attrs_add_tv(&sak->attrs, GDOI_SIG_ALGORITHM, 1);
	gdoi_isakmp_attrs_add_tv(&sak->attrs, GDOI_SIG_KEY_LENGTH, 2048);
	return sak;
}

/**
 * Build the SAT of the vectors
 */
static inline gdoi_isakmp_sat_t *build_sat()
{
	gdoi_isakmp_sat_t *sat;

	INIT(sat,
		.protocol_id = GDOI_PROTO_IPSEC_ESP,
		.src = {
			.type = GDOI_ID_IPV4_ADDR_SUBNET,
			.data = chunk_clone(chunk_from_chars(0xc0, 0x00, 0x02, 0x00,
												 0xff, 0xff, 0xff, 0x00)),
		},
		.dst = {
			.type = GDOI_ID_IPV4_ADDR_SUBNET,
			.data = chunk_clone(chunk_from_chars(0xc6, 0x33, 0x64, 0x00,
												 0xff, 0xff, 0xff, 0x00)),
		},
		.transform_id = 12,
		.spi = 0x12345678,
		.id_len_size = 2,
	);
	gdoi_isakmp_attrs_add_tv(&sat->attrs, GDOI_SA_LIFE_TYPE, 1);
	gdoi_isakmp_attrs_add_uint(&sat->attrs, GDOI_SA_LIFE_DURATION, 3600);
	gdoi_isakmp_attrs_add_tv(&sat->attrs, GDOI_ENCAPSULATION_MODE, 1);
	gdoi_isakmp_attrs_add_tv(&sat->attrs, GDOI_AUTH_ALGORITHM, 5);
	gdoi_isakmp_attrs_add_tv(&sat->attrs, GDOI_KEY_LENGTH, 128);
	gdoi_isakmp_attrs_add_tv(&sat->attrs, GDOI_ADDRESS_PRESERVATION, 4);
	gdoi_isakmp_attrs_add_tv(&sat->attrs, GDOI_SA_DIRECTION, 3);
	return sat;
}

/**
 * Build the SA (group policy) of the vectors
 */
static inline gdoi_isakmp_sa_t *build_sa()
{
	gdoi_isakmp_sa_t *sa;

	sa = gdoi_isakmp_sa_create();
	sa->sak = build_sak();
	gdoi_isakmp_sa_add_sat(sa, build_sat());
	INIT(sa->gap);
	gdoi_isakmp_attrs_add_tv(&sa->gap->attrs, GDOI_GAP_ACTIVATION_TIME_DELAY,
							 60);
	gdoi_isakmp_attrs_add_tv(&sa->gap->attrs,
							 GDOI_GAP_DEACTIVATION_TIME_DELAY, 90);
	return sa;
}

/**
 * Build the KD (TEK, KEK) of the vectors
 */
static inline gdoi_isakmp_kd_t *build_kd()
{
	gdoi_isakmp_kd_t *kd;
	gdoi_isakmp_keypkt_t *pkt;
	u_char spi[] = { KEK_SPI }, k1[] = { R16(0x11) }, k2[] = { R32(0x22) },
		   k3[] = { R16(0x33) }, k4[] = { R8(0x44) };

	INIT(kd);
	pkt = gdoi_isakmp_kd_add(kd, GDOI_KD_TEK,
							 chunk_from_chars(0x12, 0x34, 0x56, 0x78));
	gdoi_isakmp_attrs_add_tlv(&pkt->attrs, GDOI_TEK_ALGORITHM_KEY,
							  chunk_from_thing(k1));
	gdoi_isakmp_attrs_add_tlv(&pkt->attrs, GDOI_TEK_INTEGRITY_KEY,
							  chunk_from_thing(k2));
	pkt = gdoi_isakmp_kd_add(kd, GDOI_KD_KEK, chunk_from_thing(spi));
	gdoi_isakmp_attrs_add_tlv(&pkt->attrs, GDOI_KEK_ALGORITHM_KEY,
							  chunk_from_thing(k3));
	gdoi_isakmp_attrs_add_tlv(&pkt->attrs, GDOI_SIG_ALGORITHM_KEY,
							  chunk_from_thing(k4));
	return kd;
}

/**
 * Build the GROUPKEY-PUSH of the vectors
 */
static inline gdoi_isakmp_message_t *build_push()
{
	gdoi_isakmp_message_t *msg;
	u_char spi[] = { KEK_SPI }, sig[] = { R8(0x5e) };

	msg = gdoi_isakmp_message_create(GDOI_EXCHANGE_PUSH, 0);
	memcpy(msg->icookie, spi, 8);
	memcpy(msg->rcookie, spi + 8, 8);
	gdoi_isakmp_message_add(msg, GDOI_PL_SEQ)->seq = 1;
	gdoi_isakmp_message_add(msg, GDOI_PL_SA)->sa = build_sa();
	gdoi_isakmp_message_add(msg, GDOI_PL_KD)->kd = build_kd();
	gdoi_isakmp_message_add_data(msg, GDOI_PL_SIG, chunk_from_thing(sig));
	return msg;
}

/** PULL vector parameters */
#define PULL_MSGID 0x0a0b0c0d
#define SKEYID_A R16(0x0b), R4(0x0b)

/**
 * Build GROUPKEY-PULL message n (1..4) of the vectors, without HASH
 */
static inline gdoi_isakmp_message_t *build_pull(int n)
{
	gdoi_isakmp_message_t *msg;
	gdoi_isakmp_payload_t *pl;
	u_char ni[] = { NI_B }, nr[] = { NR_B };

	msg = gdoi_isakmp_message_create(GDOI_EXCHANGE_PULL, PULL_MSGID);
	memset(msg->icookie, 0x01, 8);
	memset(msg->rcookie, 0x02, 8);
	switch (n)
	{
		case 1:
			gdoi_isakmp_message_add_data(msg, GDOI_PL_NONCE,
										 chunk_from_thing(ni));
			gdoi_isakmp_message_add(msg, GDOI_PL_ID)->id =
										gdoi_isakmp_id_create_group(1234);
			break;
		case 2:
			gdoi_isakmp_message_add_data(msg, GDOI_PL_NONCE,
										 chunk_from_thing(nr));
			gdoi_isakmp_message_add(msg, GDOI_PL_SA)->sa = build_sa();
			break;
		case 3:
			pl = gdoi_isakmp_message_add(msg, GDOI_PL_GAP);
			INIT(pl->gap);
			gdoi_isakmp_attrs_add_tv(&pl->gap->attrs,
									 GDOI_GAP_SENDER_ID_REQUEST, 1);
			break;
		default:
			gdoi_isakmp_message_add(msg, GDOI_PL_SEQ)->seq = 1;
			gdoi_isakmp_message_add(msg, GDOI_PL_KD)->kd = build_kd();
			break;
	}
	return msg;
}

#endif /** GDOI_ISAKMP_VECTORS_H_ */
