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

#include "../gdoi_isakmp_vectors.h"

/**
 * A known-answer vector of one payload
 */
typedef struct {
	char *name;
	gdoi_isakmp_payload_type_t type;
	u_char *data;
	size_t len;
} kat_t;

#define KAT(n, t, v) { n, t, v, sizeof(v) }

static kat_t kats[] = {
	KAT("SEQ", GDOI_PL_SEQ, kat_seq),
	KAT("Nonce", GDOI_PL_NONCE, kat_nonce),
	KAT("HASH", GDOI_PL_HASH, kat_hash),
	KAT("SIG", GDOI_PL_SIG, kat_sig),
	KAT("ID group", GDOI_PL_ID, kat_id_group),
	KAT("ID ipv4", GDOI_PL_ID, kat_id_ipv4),
	KAT("ID fqdn", GDOI_PL_ID, kat_id_fqdn),
	KAT("Notify", GDOI_PL_NOTIFY, kat_notify),
	KAT("Delete", GDOI_PL_DELETE, kat_delete),
	KAT("GAP", GDOI_PL_GAP, kat_gap),
	KAT("GAP sid", GDOI_PL_GAP, kat_gap_sid),
	KAT("SA", GDOI_PL_SA, kat_sa),
	KAT("SA opaque", GDOI_PL_SA, kat_sa_opaque),
	KAT("KD", GDOI_PL_KD, kat_kd),
	KAT("KD sid lkh", GDOI_PL_KD, kat_kd_sid_lkh),
};

/**
 * Build the payload of KAT i through the model API
 */
static void build_kat(int i, gdoi_isakmp_payload_t *pl)
{
	gdoi_isakmp_keypkt_t *pkt;
	gdoi_isakmp_sat_t *sat;
	u_char nonce[] = { NI_B }, hash[] = { R16(0xaa), R4(0xaa) },
		   lkh[] = { R16(0x55) };

	*pl = (gdoi_isakmp_payload_t){
		.type = kats[i].type,
	};
	switch (i)
	{
		case 0:
			pl->seq = 1;
			break;
		case 1:
			pl->data = chunk_clone(chunk_from_thing(nonce));
			break;
		case 2:
			pl->data = chunk_clone(chunk_from_thing(hash));
			break;
		case 3:
			pl->data = chunk_clone(chunk_from_chars(0xde, 0xad, 0xbe, 0xef));
			break;
		case 4:
			pl->id = gdoi_isakmp_id_create_group(1234);
			break;
		case 5:
			INIT(pl->id,
				.type = GDOI_ID_IPV4_ADDR,
				.data = chunk_clone(chunk_from_chars(0xc0, 0x00, 0x02, 0x01)),
			);
			break;
		case 6:
			INIT(pl->id,
				.type = GDOI_ID_FQDN,
				.data = chunk_clone(chunk_from_str("gdoi.example")),
			);
			break;
		case 7:
			INIT(pl->notify,
				.doi = GDOI_DOI,
				.protocol = 1,
				.type = 18,
				.spi = chunk_clone(chunk_from_chars(0x11, 0x22, 0x33, 0x44)),
				.data = chunk_clone(chunk_from_str("ab")),
			);
			break;
		case 8:
			INIT(pl->del,
				.doi = GDOI_DOI,
				.protocol = 1,
				.spi_size = 4,
				.count = 2,
				.spis = chunk_clone(chunk_from_chars(0xaa, 0xbb, 0xcc, 0xdd,
													 0x11, 0x22, 0x33, 0x44)),
			);
			break;
		case 9:
			INIT(pl->gap);
			gdoi_isakmp_attrs_add_tv(&pl->gap->attrs,
									 GDOI_GAP_ACTIVATION_TIME_DELAY, 60);
			gdoi_isakmp_attrs_add_tv(&pl->gap->attrs,
									 GDOI_GAP_DEACTIVATION_TIME_DELAY, 90);
			break;
		case 10:
			INIT(pl->gap);
			gdoi_isakmp_attrs_add_tv(&pl->gap->attrs,
									 GDOI_GAP_SENDER_ID_REQUEST, 1);
			break;
		case 11:
			pl->sa = build_sa();
			break;
		case 12:
			pl->sa = gdoi_isakmp_sa_create();
			INIT(sat,
				.protocol_id = 3,
				.body = chunk_clone(chunk_from_chars(0x01, 0x02, 0x03, 0x04,
													 0x05)),
			);
			gdoi_isakmp_sa_add_sat(pl->sa, sat);
			break;
		case 13:
			pl->kd = build_kd();
			break;
		case 14:
			INIT(pl->kd);
			pkt = gdoi_isakmp_kd_add(pl->kd, GDOI_KD_SID, chunk_empty);
			gdoi_isakmp_attrs_add_tv(&pkt->attrs, GDOI_SID_NUMBER_OF_SID_BITS,
									 8);
			gdoi_isakmp_attrs_add_uint(&pkt->attrs, GDOI_SID_VALUE, 5);
			pkt = gdoi_isakmp_kd_add(pl->kd, GDOI_KD_LKH,
									 chunk_from_thing(lkh));
			gdoi_isakmp_attrs_add_tlv(&pkt->attrs, GDOI_LKH_DOWNLOAD_ARRAY,
									  chunk_from_chars(0x01, 0x02, 0x03, 0x04));
			break;
	}
}

START_TEST(test_encode_kat)
{
	gdoi_isakmp_payload_t pl;
	gdoi_isakmp_err_t err = {};
	chunk_t out;

	build_kat(_i, &pl);
	ck_assert_msg(gdoi_isakmp_payload_encode(&pl, 0, &out, &err), "%s: %s",
				  kats[_i].name, err.msg);
	ck_assert_msg(chunk_equals(out, chunk_create(kats[_i].data, kats[_i].len)),
				  "%s: %B", kats[_i].name, &out);
	chunk_clear(&out);
	gdoi_isakmp_payload_clear(&pl);
}
END_TEST

START_TEST(test_decode_kat)
{
	gdoi_isakmp_payload_t pl;
	gdoi_isakmp_err_t err = {};
	chunk_t data, out;
	uint8_t next = 0xff;

	data = chunk_create(kats[_i].data, kats[_i].len);
	ck_assert_msg(gdoi_isakmp_payload_decode(kats[_i].type, data, &pl, &next,
											 &err), "%s: %s", kats[_i].name,
				  err.msg);
	ck_assert_int_eq(next, 0);
	ck_assert(chunk_equals(pl.raw, data));
	/* round trip: what was decoded encodes to the same octets */
	ck_assert(gdoi_isakmp_payload_encode(&pl, 0, &out, &err));
	ck_assert_msg(chunk_equals(out, data), "%s: %B", kats[_i].name, &out);
	chunk_clear(&out);
	gdoi_isakmp_payload_clear(&pl);
}
END_TEST

START_TEST(test_decode_fields)
{
	gdoi_isakmp_payload_t pl;
	gdoi_isakmp_sa_t *sa;
	gdoi_isakmp_kd_t *kd;
	gdoi_isakmp_attr_t *attr;
	uint32_t v, group;

	ck_assert(gdoi_isakmp_payload_decode(GDOI_PL_SA,
				chunk_from_thing(kat_sa), &pl, NULL, NULL));
	sa = pl.sa;
	ck_assert(sa->sak && sa->gap);
	ck_assert_int_eq(sa->sat_count, 1);
	ck_assert_int_eq(sa->sak->protocol, 17);
	ck_assert_int_eq(sa->sak->dst.port, 848);
	ck_assert_chunk_eq(sa->sak->dst.data, chunk_from_chars(233, 252, 0, 1));
	ck_assert(gdoi_isakmp_attrs_get_uint(&sa->sak->attrs,
										 GDOI_KEK_KEY_LIFETIME, &v));
	ck_assert_int_eq(v, 86400);
	ck_assert_int_eq(sa->sats[0]->spi, 0x12345678);
	ck_assert_int_eq(sa->sats[0]->transform_id, 12);
	ck_assert_int_eq(sa->sats[0]->id_len_size, 2);
	ck_assert(gdoi_isakmp_attrs_get_uint(&sa->sats[0]->attrs,
										 GDOI_SA_DIRECTION, &v));
	ck_assert_int_eq(v, 3);
	ck_assert(gdoi_isakmp_attrs_get_uint(&sa->gap->attrs,
							GDOI_GAP_DEACTIVATION_TIME_DELAY, &v));
	ck_assert_int_eq(v, 90);
	gdoi_isakmp_payload_clear(&pl);

	ck_assert(gdoi_isakmp_payload_decode(GDOI_PL_KD,
				chunk_from_thing(kat_kd), &pl, NULL, NULL));
	kd = pl.kd;
	ck_assert_int_eq(kd->count, 2);
	ck_assert_int_eq(kd->pkts[0].type, GDOI_KD_TEK);
	attr = gdoi_isakmp_attrs_find(&kd->pkts[0].attrs, GDOI_TEK_INTEGRITY_KEY);
	ck_assert(attr && !attr->tv && attr->value.len == 32);
	ck_assert_int_eq(kd->pkts[1].type, GDOI_KD_KEK);
	ck_assert_int_eq(kd->pkts[1].spi.len, 16);
	gdoi_isakmp_payload_clear(&pl);

	ck_assert(gdoi_isakmp_payload_decode(GDOI_PL_ID,
				chunk_from_thing(kat_id_group), &pl, NULL, NULL));
	ck_assert(gdoi_isakmp_id_get_group(pl.id, &group));
	ck_assert_int_eq(group, 1234);
	gdoi_isakmp_payload_clear(&pl);
}
END_TEST

/**
 * A SAT in RFC 3547 form (1-octet ID Data Len) as the Cisco reference sends
 */
START_TEST(test_sat_rfc3547)
{
	u_char sa[] = {
		0x00, 0x00, 0x00, 0x37, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x10, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x27,						/* SAT, len 39 */
		0x01, 0x00,									/* ESP, any */
		0x04, 0x00, 0x00, 0x08,						/* SRC, len 8 (1 octet) */
		0xc0, 0x00, 0x02, 0x00, 0xff, 0xff, 0xff, 0x00,
		0x04, 0x00, 0x00, 0x08,						/* DST, len 8 (1 octet) */
		0xc6, 0x33, 0x64, 0x00, 0xff, 0xff, 0xff, 0x00,
		0x0c, 0x12, 0x34, 0x56, 0x78,
		0x80, 0x06, 0x00, 0x80,
	};
	gdoi_isakmp_payload_t pl;
	gdoi_isakmp_err_t err = {};
	chunk_t out;

	ck_assert_msg(gdoi_isakmp_payload_decode(GDOI_PL_SA, chunk_from_thing(sa),
											 &pl, NULL, &err), "%s", err.msg);
	ck_assert_int_eq(pl.sa->sats[0]->id_len_size, 1);
	ck_assert_int_eq(pl.sa->sats[0]->spi, 0x12345678);
	ck_assert_int_eq(pl.sa->sats[0]->dst.data.ptr[0], 0xc6);
	/* sent in the RFC 6407 form: 2 octets more */
	ck_assert(gdoi_isakmp_payload_encode(&pl, 0, &out, &err));
	ck_assert_int_eq(out.len, sizeof(sa) + 2);
	ck_assert_int_eq(out.ptr[20 + 5], 0x00);
	ck_assert_int_eq(out.ptr[20 + 6], 0x08);
	chunk_free(&out);
	gdoi_isakmp_payload_clear(&pl);
}
END_TEST

/**
 * A one-byte change (or truncation) of a KAT and the field its error names
 */
typedef struct {
	u_char *vec;
	size_t len;
	gdoi_isakmp_payload_type_t type;
	/** offset to change, -1 for none */
	int off;
	uint8_t val;
	/** truncate to this length, 0 for none; the payload length follows */
	size_t cut;
	char *expect;
} mutation_t;

#define MUT(v, t, o, x, e) { v, sizeof(v), t, o, x, 0, e }
#define CUT(v, t, c, e) { v, sizeof(v), t, -1, 0, c, e }

static mutation_t mutations[] = {
	/* generic header */
	MUT(kat_seq, GDOI_PL_SEQ, 3, 9, "SEQ Payload Length 9 exceeds remaining 8"),
	MUT(kat_seq, GDOI_PL_SEQ, 3, 3, "SEQ Payload Length 3 too short"),
	MUT(kat_seq, GDOI_PL_SEQ, 1, 1, "SEQ RESERVED not zero"),
	CUT(kat_seq, GDOI_PL_SEQ, 7, "SEQ Payload Length 7 is not 8"),
	CUT(kat_seq, GDOI_PL_SEQ, 3, "SEQ generic payload header truncated"),
	MUT(kat_sig, GDOI_PL_SIG, 2, 1, "SIG Payload Length 264 exceeds remaining"),
	/* Nonce, HASH, SIG */
	CUT(kat_nonce, GDOI_PL_NONCE, 11, "Nonce Data length 7 not in 8..256"),
	CUT(kat_hash, GDOI_PL_HASH, 4, "HASH Data zero-length"),
	CUT(kat_sig, GDOI_PL_SIG, 4, "SIG Data zero-length"),
	/* ID */
	CUT(kat_id_group, GDOI_PL_ID, 6, "ID Type/RESERVED truncated"),
	CUT(kat_id_group, GDOI_PL_ID, 8, "ID ID Data zero-length"),
	MUT(kat_id_group, GDOI_PL_ID, 4, 5, "ID ID Data Len 4 wrong for ID Type 5"),
	MUT(kat_id_group, GDOI_PL_ID, 4, 99, "ID ID Type 99 unknown"),
	CUT(kat_id_ipv4, GDOI_PL_ID, 11, "ID ID Data Len 3 wrong for ID Type 1"),
	/* Notify, Delete */
	MUT(kat_notify, GDOI_PL_NOTIFY, 9, 7, "Notify SPI Size 7 exceeds remaining 6"),
	CUT(kat_notify, GDOI_PL_NOTIFY, 10, "Notify DOI/Protocol/SPI Size/Type truncated"),
	MUT(kat_delete, GDOI_PL_DELETE, 11, 3, "Delete Number of SPIs 3 does not match 8 octets"),
	MUT(kat_delete, GDOI_PL_DELETE, 11, 1, "Delete Number of SPIs 1 does not match"),
	MUT(kat_delete, GDOI_PL_DELETE, 9, 0, "Delete SPI Size 0"),
	CUT(kat_delete, GDOI_PL_DELETE, 18, "Delete Number of SPIs 2 does not match 6 octets"),
	CUT(kat_delete, GDOI_PL_DELETE, 10, "Delete DOI/Protocol/SPI Size/Number of SPIs truncated"),
	/* GAP */
	MUT(kat_gap, GDOI_PL_GAP, 9, 1, "GAP attribute ACTIVATION_TIME_DELAY duplicate"),
	MUT(kat_gap, GDOI_PL_GAP, 9, 9, "GAP attribute type 9 unknown"),
	MUT(kat_gap, GDOI_PL_GAP, 4, 0, "GAP attribute ACTIVATION_TIME_DELAY must be TV"),
	CUT(kat_gap, GDOI_PL_GAP, 10, "GAP attribute header truncated"),
	/* SA */
	MUT(kat_sa, GDOI_PL_SA, 7, 1, "SA DOI 1 is not GDOI (2)"),
	MUT(kat_sa, GDOI_PL_SA, 13, 5, "SA Attribute Next Payload 5 is not SAK, SAT or GAP"),
	MUT(kat_sa, GDOI_PL_SA, 15, 1, "SA RESERVED2 not zero"),
	CUT(kat_sa, GDOI_PL_SA, 10, "SA DOI/Situation/SA Attribute Next Payload truncated"),
	MUT(kat_sa, GDOI_PL_SA, 88, 0x60, "SAT Payload Length 96 exceeds remaining 77"),
	MUT(kat_sa, GDOI_PL_SA, 19, 0xff, "SAK Payload Length 255 exceeds remaining"),
	MUT(kat_sa, GDOI_PL_SA, 153, 0x20, "GAP Payload Length 32 exceeds remaining 12"),
	MUT(kat_sa, GDOI_PL_SA, 150, 0x10, "SA Payload Length ends before the nested SAT"),
	MUT(kat_sa, GDOI_PL_SA, 16, 0x0f, "SA has a duplicate SAK"),
	CUT(kat_sa, GDOI_PL_SA, 158, "GAP Payload Length 12 exceeds remaining 8"),
	CUT(kat_sa, GDOI_PL_SA, 17, "SAK generic payload header truncated"),
	/* SAK */
	MUT(kat_sa, GDOI_PL_SA, 24, 200, "SAK SRC ID Data Len 200 exceeds remaining"),
	MUT(kat_sa, GDOI_PL_SA, 24, 3, "SAK SRC ID Data Len 3 wrong for ID Type 1"),
	MUT(kat_sa, GDOI_PL_SA, 32, 200, "SAK DST ID Data Len 200 exceeds remaining"),
	MUT(kat_sa, GDOI_PL_SA, 21, 99, "SAK SRC ID Type 99 unknown"),
	MUT(kat_sa, GDOI_PL_SA, 19, 0x24, "SAK SPI truncated (15 < 16)"),
	MUT(kat_sa, GDOI_PL_SA, 19, 0x28, "SAK RESERVED2 truncated"),
	MUT(kat_sa, GDOI_PL_SA, 19, 0x04, "SAK Protocol truncated"),
	MUT(kat_sa, GDOI_PL_SA, 19, 0x05, "SAK SRC ID Type truncated"),
	MUT(kat_sa, GDOI_PL_SA, 19, 0x07, "SAK SRC ID Port truncated"),
	MUT(kat_sa, GDOI_PL_SA, 19, 0x08, "SAK SRC ID Data Len truncated"),
	MUT(kat_sa, GDOI_PL_SA, 19, 0x0c, "SAK SRC ID Data Len 4 exceeds remaining 3"),
	MUT(kat_sa, GDOI_PL_SA, 62, 0x02, "SAK attribute KEK_ALGORITHM duplicate"),
	MUT(kat_sa, GDOI_PL_SA, 62, 0x09, "SAK attribute type 9 unknown"),
	MUT(kat_sa, GDOI_PL_SA, 57, 0x00, "SAK attribute KEK_ALGORITHM must be TV"),
	MUT(kat_sa, GDOI_PL_SA, 68, 0x00, "SAK attribute KEK_KEY_LIFETIME length 0 too short (0 < 1), zero-length"),
	MUT(kat_sa, GDOI_PL_SA, 68, 0x05, "SAK attribute KEK_KEY_LIFETIME length 5 too long"),
	MUT(kat_sa, GDOI_PL_SA, 68, 0x20, "SAK attribute KEK_KEY_LIFETIME length 32 exceeds remaining"),
	/* SAT */
	MUT(kat_sa, GDOI_PL_SA, 95, 200, "SAT SRC ID Data Len 200 exceeds remaining"),
	MUT(kat_sa, GDOI_PL_SA, 95, 7, "SAT SRC ID Data Len 7 wrong for ID Type 4"),
	MUT(kat_sa, GDOI_PL_SA, 108, 200, "SAT DST ID Data Len 200 exceeds remaining"),
	MUT(kat_sa, GDOI_PL_SA, 104, 77, "SAT DST ID Type 77 unknown"),
	MUT(kat_sa, GDOI_PL_SA, 88, 0x23, "SAT SPI truncated (2 < 4)"),
	MUT(kat_sa, GDOI_PL_SA, 88, 0x20, "SAT Transform ID truncated"),
	MUT(kat_sa, GDOI_PL_SA, 88, 0x04, "SAT Protocol-ID truncated"),
	MUT(kat_sa, GDOI_PL_SA, 88, 0x05, "SAT Protocol truncated"),
	MUT(kat_sa, GDOI_PL_SA, 88, 0x03, "SAT Payload Length 3 too short"),
	MUT(kat_sa, GDOI_PL_SA, 135, 0x06, "SAT attribute KEY_LENGTH duplicate"),
	MUT(kat_sa, GDOI_PL_SA, 135, 99, "SAT attribute type 99 unknown"),
	MUT(kat_sa, GDOI_PL_SA, 134, 0x00, "SAT attribute AUTH_ALGORITHM must be TV"),
	/* KD */
	MUT(kat_kd, GDOI_PL_KD, 5, 3, "KD Number of Key Packets 3 does not match 2 key packets present"),
	MUT(kat_kd, GDOI_PL_KD, 5, 1, "KD Number of Key Packets 1 does not match: more key packets present"),
	MUT(kat_kd, GDOI_PL_KD, 11, 0xff, "KD Key Packet Length 255 exceeds remaining 118"),
	MUT(kat_kd, GDOI_PL_KD, 11, 4, "KD Key Packet Length 4 too short"),
	MUT(kat_kd, GDOI_PL_KD, 12, 0x40, "KD Key Packet SPI Size 64 exceeds key packet"),
	MUT(kat_kd, GDOI_PL_KD, 12, 3, "KD TEK SPI Size 3 is not 4"),
	MUT(kat_kd, GDOI_PL_KD, 77, 8, "KD KEK SPI Size 8 is not 16"),
	MUT(kat_kd, GDOI_PL_KD, 20, 0, "KD TEK attribute TEK_ALGORITHM_KEY length 0 too short (0 < 1), zero-length"),
	MUT(kat_kd, GDOI_PL_KD, 40, 0x40, "KD TEK attribute TEK_INTEGRITY_KEY length 64 exceeds remaining 32"),
	MUT(kat_kd, GDOI_PL_KD, 38, 0x01, "KD TEK attribute TEK_ALGORITHM_KEY duplicate"),
	MUT(kat_kd, GDOI_PL_KD, 38, 0x09, "KD TEK attribute type 9 unknown"),
	MUT(kat_kd, GDOI_PL_KD, 17, 0x80, "KD TEK attribute TEK_ALGORITHM_KEY must be TLV"),
	MUT(kat_kd, GDOI_PL_KD, 8, 7, "KD Key Packet Type 7 unknown"),
	MUT(kat_kd, GDOI_PL_KD, 9, 1, "KD Key Packet RESERVED not zero"),
	MUT(kat_kd, GDOI_PL_KD, 6, 1, "KD RESERVED2 not zero"),
	MUT(kat_kd, GDOI_PL_KD, 95, 2, "KD KEK attribute SIG_ALGORITHM_KEY duplicate"),
	MUT(kat_kd, GDOI_PL_KD, 97, 0, "KD KEK attribute KEK_ALGORITHM_KEY length 0 too short"),
	MUT(kat_kd, GDOI_PL_KD, 11, 0x42, "KD TEK attribute header truncated"),
	CUT(kat_kd, GDOI_PL_KD, 6, "KD Number of Key Packets truncated"),
	CUT(kat_kd, GDOI_PL_KD, 10, "KD Key Packet header truncated"),
	CUT(kat_kd, GDOI_PL_KD, 73, "KD Number of Key Packets 2 does not match 1 key packets present"),
	MUT(kat_kd_sid_lkh, GDOI_PL_KD, 16, 0, "KD SID NUMBER_OF_SID_BITS missing or not in 1..32"),
	MUT(kat_kd_sid_lkh, GDOI_PL_KD, 14, 2, "KD SID NUMBER_OF_SID_BITS missing"),
	MUT(kat_kd_sid_lkh, GDOI_PL_KD, 18, 1, "KD SID attribute NUMBER_OF_SID_BITS duplicate"),
	MUT(kat_kd_sid_lkh, GDOI_PL_KD, 25, 4, "KD LKH SPI Size 4 is not 16"),
	MUT(kat_kd_sid_lkh, GDOI_PL_KD, 43, 7, "KD LKH attribute type 7 unknown"),
	/* payloads that only exist inside an SA */
	MUT(kat_gap, GDOI_PL_SAT, -1, 0, "SAT payload outside an SA payload"),
	MUT(kat_gap, GDOI_PL_SAK, -1, 0, "SAK payload outside an SA payload"),
	MUT(kat_gap, 13, -1, 0, "payload type 13 unknown"),
};

START_TEST(test_negative)
{
	mutation_t *m = &mutations[_i];
	gdoi_isakmp_payload_t pl;
	gdoi_isakmp_err_t err = {};
	chunk_t data;

	data = chunk_clone(chunk_create(m->vec, m->len));
	if (m->off >= 0)
	{
		data.ptr[m->off] = m->val;
	}
	if (m->cut)
	{
		data.len = m->cut;
		if (data.len >= 4)
		{
			htoun16(data.ptr + 2, data.len);
		}
	}
	ck_assert_msg(!gdoi_isakmp_payload_decode(m->type, data, &pl, NULL, &err),
				  "mutation %d decoded: %s", _i, m->expect);
	ck_assert_msg(strstr(err.msg, m->expect), "mutation %d: '%s' does not "
				  "contain '%s'", _i, err.msg, m->expect);
	chunk_free(&data);
}
END_TEST

/**
 * SA and key-packet structure the one-byte mutations cannot make
 */
START_TEST(test_negative_structure)
{
	u_char sa_extra[] = {
		0x00, 0x00, 0x00, 0xa6, SA_BODY, 0x00, 0x00, 0x00, 0x00,
	};
	u_char sa_two_gaps[] = {
		0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x16, 0x00, 0x00,
		0x16, 0x00, 0x00, 0x08, 0x80, 0x01, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x08, 0x80, 0x01, 0x00, 0x01,
	};
	u_char kd_kek_nokey[] = {
		0x00, 0x00, 0x00, 0x25, 0x00, 0x01, 0x00, 0x00,
		0x02, 0x00, 0x00, 0x1d, 0x10, KEK_SPI,
		0x00, 0x02, 0x00, 0x04, 0x01, 0x02, 0x03, 0x04,
	};
	u_char kd_tek_nokey[] = {
		0x00, 0x00, 0x00, 0x11, 0x00, 0x01, 0x00, 0x00,
		0x01, 0x00, 0x00, 0x09, 0x04, 0x01, 0x02, 0x03, 0x04,
	};
	u_char kd_sid_novalue[] = {
		0x00, 0x00, 0x00, 0x11, 0x00, 0x01, 0x00, 0x00,
		0x04, 0x00, 0x00, 0x09, 0x00, 0x80, 0x01, 0x00, 0x08,
	};
	struct {
		u_char *vec;
		size_t len;
		gdoi_isakmp_payload_type_t type;
		char *expect;
	} tests[] = {
		{ sa_extra, sizeof(sa_extra), GDOI_PL_SA,
		  "SA Payload Length leaves 4 octets after the last SA attribute" },
		{ sa_two_gaps, sizeof(sa_two_gaps), GDOI_PL_SA,
		  "SA has a duplicate GAP" },
		{ kd_kek_nokey, sizeof(kd_kek_nokey), GDOI_PL_KD,
		  "KD KEK key packet lacks KEK_ALGORITHM_KEY" },
		{ kd_tek_nokey, sizeof(kd_tek_nokey), GDOI_PL_KD,
		  "KD TEK key packet has neither TEK_ALGORITHM_KEY nor" },
		{ kd_sid_novalue, sizeof(kd_sid_novalue), GDOI_PL_KD,
		  "KD SID key packet lacks SID_VALUE" },
		{ kat_seq, sizeof(kat_seq) - 1, GDOI_PL_SEQ,
		  "SEQ Payload Length 8 exceeds remaining 7" },
	};
	gdoi_isakmp_payload_t pl;
	gdoi_isakmp_err_t err;
	int i;

	for (i = 0; i < countof(tests); i++)
	{
		err.msg[0] = 0;
		ck_assert(!gdoi_isakmp_payload_decode(tests[i].type,
						chunk_create(tests[i].vec, tests[i].len), &pl, NULL,
						&err));
		ck_assert_msg(strstr(err.msg, tests[i].expect), "'%s' does not "
					  "contain '%s'", err.msg, tests[i].expect);
	}
	/* data longer than the payload says */
	ck_assert(!gdoi_isakmp_payload_decode(GDOI_PL_SIG,
					chunk_from_chars(0x00, 0x00, 0x00, 0x08, 0xde, 0xad, 0xbe,
									 0xef, 0x00), &pl, NULL, &err));
	ck_assert(strstr(err.msg, "SIG Payload Length 8 shorter than the data 9"));
}
END_TEST

START_TEST(test_message_kat)
{
	gdoi_isakmp_message_t *msg;
	gdoi_isakmp_err_t err = {};
	chunk_t out, again;

	msg = build_push();
	ck_assert_msg(gdoi_isakmp_message_encode(msg, &out, &err), "%s", err.msg);
	ck_assert_chunk_eq(out, chunk_from_thing(kat_push));
	ck_assert(chunk_equals(msg->payloads[2].raw,
						   chunk_create(kat_push + 28 + 8 + 162, 126)));
	chunk_clear(&out);
	gdoi_isakmp_message_destroy(msg);

	ck_assert_msg(gdoi_isakmp_message_decode(chunk_from_thing(kat_push), &msg,
											 &err), "%s", err.msg);
	ck_assert_int_eq(msg->exchange, GDOI_EXCHANGE_PUSH);
	ck_assert_int_eq(msg->count, 4);
	ck_assert_int_eq(msg->payloads[0].type, GDOI_PL_SEQ);
	ck_assert_int_eq(msg->payloads[0].seq, 1);
	ck_assert_int_eq(msg->payloads[3].type, GDOI_PL_SIG);
	ck_assert(!memcmp(msg->icookie, msg->payloads[1].sa->sak->spi, 8));
	ck_assert(!memcmp(msg->rcookie, msg->payloads[1].sa->sak->spi + 8, 8));
	ck_assert(gdoi_isakmp_check_keys(msg->payloads[1].sa, msg->payloads[2].kd,
									 &err));
	ck_assert(gdoi_isakmp_message_encode(msg, &again, &err));
	ck_assert_chunk_eq(again, chunk_from_thing(kat_push));
	chunk_clear(&again);
	gdoi_isakmp_message_destroy(msg);
}
END_TEST

static mutation_t msg_mutations[] = {
	CUT(kat_push, 0, 27, "ISAKMP header truncated (27 < 28)"),
	MUT(kat_push, 0, 17, 0x20, "ISAKMP Version 0x20 is not 0x10"),
	MUT(kat_push, 0, 18, 34, "ISAKMP Exchange Type 34 is not GDOI"),
	MUT(kat_push, 0, 19, 0x08, "ISAKMP Flags 0x08 has reserved bits set"),
	MUT(kat_push, 0, 27, 0x51, "ISAKMP Length 337 does not match the datagram (336)"),
	MUT(kat_push, 0, 27, 0x4f, "ISAKMP Length 335 does not match the datagram (336)"),
	MUT(kat_push, 0, 16, 16, "SAT payload outside an SA payload"),
	MUT(kat_push, 0, 16, 13, "payload type 13 unknown"),
	MUT(kat_push, 0, 30, 0x02, "SEQ Payload Length 520 exceeds remaining 308"),
	MUT(kat_push, 0, 31, 0xff, "SEQ Payload Length 255 is not 8"),
	MUT(kat_push, 0, 31, 0x02, "SEQ Payload Length 2 too short"),
	MUT(kat_push, 0, 28 + 8 + 162 + 126, 0x0a, "Nonce generic payload header truncated (0 < 4)"),
	MUT(kat_push, 0, 28 + 8 + 3, 0xa6, "SA Payload Length leaves 4 octets after the last SA attribute"),
	MUT(kat_push, 0, 28 + 8 + 2, 0x02, "SA Payload Length 674 exceeds remaining 300"),
};

START_TEST(test_message_negative)
{
	mutation_t *m = &msg_mutations[_i];
	gdoi_isakmp_message_t *msg;
	gdoi_isakmp_err_t err = {};
	chunk_t data;

	data = chunk_clone(chunk_create(m->vec, m->len));
	if (m->off >= 0)
	{
		data.ptr[m->off] = m->val;
	}
	if (m->cut)
	{
		data.len = m->cut;
	}
	ck_assert_msg(!gdoi_isakmp_message_decode(data, &msg, &err),
				  "mutation %d decoded", _i);
	ck_assert_msg(strstr(err.msg, m->expect), "mutation %d: '%s' does not "
				  "contain '%s'", _i, err.msg, m->expect);
	chunk_free(&data);
}
END_TEST

START_TEST(test_message_padding)
{
	u_char extra[sizeof(kat_push) + 4];
	gdoi_isakmp_message_t *msg;
	gdoi_isakmp_err_t err = {};
	chunk_t plain;

	/* bytes after the last payload of a clear message */
	memcpy(extra, kat_push, sizeof(kat_push));
	memset(extra + sizeof(kat_push), 0, 4);
	htoun32(extra + 24, sizeof(extra));
	ck_assert(!gdoi_isakmp_message_decode(chunk_from_thing(extra), &msg, &err));
	ck_assert(strstr(err.msg, "ISAKMP Length leaves 4 octets after the last "
					 "payload"));

	/* encrypted: header only, then the decrypted body with padding */
	extra[19] = GDOI_FLAG_ENCRYPTION;
	ck_assert(gdoi_isakmp_message_decode(chunk_from_thing(extra), &msg, &err));
	ck_assert_int_eq(msg->count, 0);
	ck_assert_int_eq(msg->encrypted.len, sizeof(extra) - 28);
	plain = chunk_create(extra + 28, sizeof(extra) - 28);
	ck_assert(!gdoi_isakmp_message_decode_body(msg, plain, 3, &err));
	ck_assert(strstr(err.msg, "ISAKMP Length leaves 4 octets"));
	ck_assert(gdoi_isakmp_message_decode_body(msg, plain, 16, &err));
	ck_assert_int_eq(msg->count, 4);
	ck_assert_int_eq(msg->payloads[2].type, GDOI_PL_KD);
	gdoi_isakmp_message_destroy(msg);
}
END_TEST

/**
 * Every truncation of a valid message, with and without the header length
 * following it, fails cleanly with a message
 */
START_TEST(test_truncations)
{
	gdoi_isakmp_message_t *msg;
	gdoi_isakmp_err_t err;
	chunk_t data;
	size_t len;

	for (len = 0; len < sizeof(kat_push); len++)
	{
		data = chunk_clone(chunk_create(kat_push, len));
		err.msg[0] = 0;
		ck_assert(!gdoi_isakmp_message_decode(data, &msg, &err));
		ck_assert(err.msg[0]);
		if (len >= 28)
		{
			htoun32(data.ptr + 24, len);
			err.msg[0] = 0;
			ck_assert_msg(!gdoi_isakmp_message_decode(data, &msg, &err),
						  "truncated to %zu decoded", len);
			ck_assert(err.msg[0]);
		}
		chunk_free(&data);
	}
}
END_TEST

/**
 * Flip each bit of octet _i of a valid message: no crash, no leak, and what
 * decodes encodes again.  One test function per octet: a failure or leak
 * names the octet, and no function runs near the timeout, whose alarm would
 * otherwise interrupt the leak detective inside malloc() and corrupt it
 */
START_TEST(test_bitflips)
{
	gdoi_isakmp_message_t *msg;
	chunk_t data, out;
	int bit;

	data = chunk_clone(chunk_from_thing(kat_push));
	for (bit = 0; bit < 8; bit++)
	{
		data.ptr[_i] ^= 1 << bit;
		if (gdoi_isakmp_message_decode(data, &msg, NULL))
		{
			if (gdoi_isakmp_message_encode(msg, &out, NULL))
			{
				chunk_clear(&out);
			}
			gdoi_isakmp_message_destroy(msg);
		}
		data.ptr[_i] ^= 1 << bit;
	}
	chunk_free(&data);
}
END_TEST

START_TEST(test_check_keys)
{
	gdoi_isakmp_sa_t *sa;
	gdoi_isakmp_kd_t *kd;
	gdoi_isakmp_err_t err = {};
	gdoi_isakmp_attr_t *attr;

	sa = build_sa();
	kd = build_kd();
	ck_assert_msg(gdoi_isakmp_check_keys(sa, kd, &err), "%s", err.msg);

	/* AES-128: 15 octets */
	attr = gdoi_isakmp_attrs_find(&kd->pkts[0].attrs, GDOI_TEK_ALGORITHM_KEY);
	attr->value.len = 15;
	ck_assert(!gdoi_isakmp_check_keys(sa, kd, &err));
	ck_assert(strstr(err.msg, "KD TEK_ALGORITHM_KEY length 15 wrong for SAT "
					 "Transform ID 12 (!= 16)"));
	attr->value.len = 16;

	/* HMAC-SHA2-256 with 20 octets */
	attr = gdoi_isakmp_attrs_find(&kd->pkts[0].attrs, GDOI_TEK_INTEGRITY_KEY);
	attr->value.len = 20;
	ck_assert(!gdoi_isakmp_check_keys(sa, kd, &err));
	ck_assert(strstr(err.msg, "KD TEK_INTEGRITY_KEY length 20 wrong for "
					 "AUTH_ALGORITHM 5 (!= 32)"));
	attr->value.len = 32;

	/* AES-128 KEK with 24 octets; IV || key (32) is accepted */
	attr = gdoi_isakmp_attrs_find(&kd->pkts[1].attrs, GDOI_KEK_ALGORITHM_KEY);
	chunk_clear(&attr->value);
	attr->value = chunk_alloc(24);
	memset(attr->value.ptr, 0x33, 24);
	ck_assert(!gdoi_isakmp_check_keys(sa, kd, &err));
	ck_assert(strstr(err.msg, "KD KEK_ALGORITHM_KEY length 24 wrong for "
					 "KEK_ALGORITHM 3"));
	chunk_clear(&attr->value);
	attr->value = chunk_alloc(32);
	memset(attr->value.ptr, 0x33, 32);
	ck_assert(gdoi_isakmp_check_keys(sa, kd, &err));

	/* a TEK packet for an SPI without SAT */
	kd->pkts[0].spi.ptr[3] = 0x79;
	ck_assert(!gdoi_isakmp_check_keys(sa, kd, &err));
	ck_assert(strstr(err.msg, "KD TEK SPI 0x12345679 has no SAT"));
	kd->pkts[0].spi.ptr[3] = 0x78;

	/* KEK SPI mismatch */
	kd->pkts[1].spi.ptr[0] = 0;
	ck_assert(!gdoi_isakmp_check_keys(sa, kd, &err));
	ck_assert(strstr(err.msg, "KD KEK SPI does not match the SAK SPI"));
	kd->pkts[1].spi.ptr[0] = 0xc1;

	/* AES-GCM-16 (20): key + 4 octets salt, no integrity key */
	sa->sats[0]->transform_id = 20;
	ck_assert(!gdoi_isakmp_check_keys(sa, kd, &err));
	ck_assert(strstr(err.msg, "KD TEK_ALGORITHM_KEY length 16 wrong for SAT "
					 "Transform ID 20 (!= 20)"));
	gdoi_isakmp_kd_destroy(kd);
	gdoi_isakmp_sa_destroy(sa);
}
END_TEST

Suite *gdoi_isakmp_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("gdoi_isakmp");

	tc = tcase_create("payload KATs");
	tcase_add_loop_test(tc, test_encode_kat, 0, countof(kats));
	tcase_add_loop_test(tc, test_decode_kat, 0, countof(kats));
	tcase_add_test(tc, test_decode_fields);
	tcase_add_test(tc, test_sat_rfc3547);
	suite_add_tcase(s, tc);

	tc = tcase_create("payload errors");
	tcase_add_loop_test(tc, test_negative, 0, countof(mutations));
	tcase_add_test(tc, test_negative_structure);
	suite_add_tcase(s, tc);

	tc = tcase_create("messages");
	tcase_add_test(tc, test_message_kat);
	tcase_add_loop_test(tc, test_message_negative, 0, countof(msg_mutations));
	tcase_add_test(tc, test_message_padding);
	tcase_add_test(tc, test_truncations);
	tcase_add_loop_test(tc, test_bitflips, 0, sizeof(kat_push));
	suite_add_tcase(s, tc);

	tc = tcase_create("key sizes");
	tcase_add_test(tc, test_check_keys);
	suite_add_tcase(s, tc);

	return s;
}
