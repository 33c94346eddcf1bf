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

#include "gdoi_isakmp_payloads.h"

#include <bio/bio_reader.h>

/** generic payload header length */
#define PL_HDR 4

/** largest payload length */
#define PL_MAX 0xffff

/**
 * KEK attributes (SAK)
 */
static const gdoi_isakmp_attr_rule_t kek_rules[] = {
	{ GDOI_KEK_MANAGEMENT_ALGORITHM, "KEK_MANAGEMENT_ALGORITHM", GDOI_ATTR_B },
	{ GDOI_KEK_ALGORITHM, "KEK_ALGORITHM", GDOI_ATTR_B },
	{ GDOI_KEK_KEY_LENGTH, "KEK_KEY_LENGTH", GDOI_ATTR_B },
	{ GDOI_KEK_KEY_LIFETIME, "KEK_KEY_LIFETIME", GDOI_ATTR_V, 1, 4 },
	{ GDOI_SIG_HASH_ALGORITHM, "SIG_HASH_ALGORITHM", GDOI_ATTR_B },
	{ GDOI_SIG_ALGORITHM, "SIG_ALGORITHM", GDOI_ATTR_B },
	{ GDOI_SIG_KEY_LENGTH, "SIG_KEY_LENGTH", GDOI_ATTR_B },
	{ 8, "KE_OAKLEY_GROUP", GDOI_ATTR_B },
};

/**
 * IPsec DOI SA attributes (RFC 2407 4.5, RFC 6407 5.4.1) in SAT
 */
static const gdoi_isakmp_attr_rule_t ipsec_rules[] = {
	{ GDOI_SA_LIFE_TYPE, "SA_LIFE_TYPE", GDOI_ATTR_B, 0, 0, TRUE },
	{ GDOI_SA_LIFE_DURATION, "SA_LIFE_DURATION", GDOI_ATTR_V, 1, 8, TRUE },
	{ 3, "GROUP_DESCRIPTION", GDOI_ATTR_B },
	{ GDOI_ENCAPSULATION_MODE, "ENCAPSULATION_MODE", GDOI_ATTR_B },
	{ GDOI_AUTH_ALGORITHM, "AUTH_ALGORITHM", GDOI_ATTR_B },
	{ GDOI_KEY_LENGTH, "KEY_LENGTH", GDOI_ATTR_B },
	{ 7, "KEY_ROUNDS", GDOI_ATTR_B },
	{ 8, "COMPRESS_DICTIONARY_SIZE", GDOI_ATTR_B },
	{ 9, "COMPRESS_PRIVATE_ALGORITHM", GDOI_ATTR_V, 1, 4 },
	{ 10, "ECN_TUNNEL", GDOI_ATTR_B },
	{ 11, "EXTENDED_SEQUENCE_NUMBER", GDOI_ATTR_B },
	{ GDOI_ADDRESS_PRESERVATION, "ADDRESS_PRESERVATION", GDOI_ATTR_B },
	{ GDOI_SA_DIRECTION, "SA_DIRECTION", GDOI_ATTR_B },
};

/**
 * GAP attributes
 */
static const gdoi_isakmp_attr_rule_t gap_rules[] = {
	{ GDOI_GAP_ACTIVATION_TIME_DELAY, "ACTIVATION_TIME_DELAY", GDOI_ATTR_B },
	{ GDOI_GAP_DEACTIVATION_TIME_DELAY, "DEACTIVATION_TIME_DELAY", GDOI_ATTR_B },
	{ GDOI_GAP_SENDER_ID_REQUEST, "SENDER_ID_REQUEST", GDOI_ATTR_B },
};

/**
 * TEK key packet attributes
 */
static const gdoi_isakmp_attr_rule_t kd_tek_rules[] = {
	{ GDOI_TEK_ALGORITHM_KEY, "TEK_ALGORITHM_KEY", GDOI_ATTR_L, 1 },
	{ GDOI_TEK_INTEGRITY_KEY, "TEK_INTEGRITY_KEY", GDOI_ATTR_L, 1 },
	{ GDOI_TEK_SOURCE_AUTH_KEY, "TEK_SOURCE_AUTH_KEY", GDOI_ATTR_L, 1 },
};

/**
 * KEK key packet attributes
 */
static const gdoi_isakmp_attr_rule_t kd_kek_rules[] = {
	{ GDOI_KEK_ALGORITHM_KEY, "KEK_ALGORITHM_KEY", GDOI_ATTR_L, 1 },
	{ GDOI_SIG_ALGORITHM_KEY, "SIG_ALGORITHM_KEY", GDOI_ATTR_L, 1 },
};

/**
 * LKH key packet attributes
 */
static const gdoi_isakmp_attr_rule_t kd_lkh_rules[] = {
	{ GDOI_LKH_DOWNLOAD_ARRAY, "LKH_DOWNLOAD_ARRAY", GDOI_ATTR_L, 1 },
	{ GDOI_LKH_UPDATE_ARRAY, "LKH_UPDATE_ARRAY", GDOI_ATTR_L, 1 },
	{ GDOI_LKH_SIG_KEY, "LKH_SIG_KEY", GDOI_ATTR_L, 1 },
};

/**
 * SID key packet attributes
 */
static const gdoi_isakmp_attr_rule_t kd_sid_rules[] = {
	{ GDOI_SID_NUMBER_OF_SID_BITS, "NUMBER_OF_SID_BITS", GDOI_ATTR_B },
	{ GDOI_SID_VALUE, "SID_VALUE", GDOI_ATTR_V, 1, 4, TRUE },
};

/**
 * Name of a payload type for errors
 */
static char *pl_name(uint8_t type)
{
	switch (type)
	{
		case GDOI_PL_SA:
			return "SA";
		case GDOI_PL_ID:
			return "ID";
		case GDOI_PL_HASH:
			return "HASH";
		case GDOI_PL_SIG:
			return "SIG";
		case GDOI_PL_NONCE:
			return "Nonce";
		case GDOI_PL_NOTIFY:
			return "Notify";
		case GDOI_PL_DELETE:
			return "Delete";
		case GDOI_PL_SAK:
			return "SAK";
		case GDOI_PL_SAT:
			return "SAT";
		case GDOI_PL_KD:
			return "KD";
		case GDOI_PL_SEQ:
			return "SEQ";
		case GDOI_PL_GAP:
			return "GAP";
		default:
			return "unknown";
	}
}

/**
 * Check the identification data length against its type
 */
static bool check_id(char *where, char *which, uint8_t type, chunk_t data,
					 gdoi_isakmp_err_t *err)
{
	size_t len = 0;

	switch (type)
	{
		case GDOI_ID_IPV4_ADDR:
			len = 4;
			break;
		case GDOI_ID_IPV4_ADDR_SUBNET:
		case GDOI_ID_IPV4_ADDR_RANGE:
			len = 8;
			break;
		case GDOI_ID_IPV6_ADDR:
			len = 16;
			break;
		case GDOI_ID_IPV6_ADDR_SUBNET:
		case GDOI_ID_IPV6_ADDR_RANGE:
			len = 32;
			break;
		case GDOI_ID_FQDN:
		case GDOI_ID_USER_FQDN:
		case GDOI_ID_DER_ASN1_DN:
		case GDOI_ID_DER_ASN1_GN:
		case GDOI_ID_KEY_ID:
		case GDOI_ID_OID:
			if (!data.len)
			{
				return gdoi_isakmp_fail(err, "%s %sID Data zero-length", where,
										which);
			}
			return TRUE;
		default:
			return gdoi_isakmp_fail(err, "%s %sID Type %u unknown", where,
									which, type);
	}
	if (data.len != len)
	{
		return gdoi_isakmp_fail(err, "%s %sID Data Len %zu wrong for ID Type "
								"%u (%zu != %zu)", where, which, data.len, type,
								data.len, len);
	}
	return TRUE;
}

/*
 * ---- model helpers ----
 */

static void sak_destroy(gdoi_isakmp_sak_t *sak)
{
	if (sak)
	{
		chunk_free(&sak->src.data);
		chunk_free(&sak->dst.data);
		gdoi_isakmp_attrs_clear(&sak->attrs);
		free(sak);
	}
}

static void sat_destroy(gdoi_isakmp_sat_t *sat)
{
	if (sat)
	{
		chunk_free(&sat->src.data);
		chunk_free(&sat->dst.data);
		chunk_free(&sat->body);
		gdoi_isakmp_attrs_clear(&sat->attrs);
		free(sat);
	}
}

static void gap_destroy(gdoi_isakmp_gap_t *gap)
{
	if (gap)
	{
		gdoi_isakmp_attrs_clear(&gap->attrs);
		free(gap);
	}
}

/* Described in header */
gdoi_isakmp_sa_t *gdoi_isakmp_sa_create()
{
	gdoi_isakmp_sa_t *sa;

	INIT(sa);
	return sa;
}

/* Described in header */
void gdoi_isakmp_sa_add_sat(gdoi_isakmp_sa_t *sa, gdoi_isakmp_sat_t *sat)
{
	sa->sats = realloc(sa->sats, (sa->sat_count + 1) * sizeof(sat));
	sa->sats[sa->sat_count++] = sat;
}

/* Described in header */
void gdoi_isakmp_sa_destroy(gdoi_isakmp_sa_t *sa)
{
	u_int i;

	if (sa)
	{
		sak_destroy(sa->sak);
		gap_destroy(sa->gap);
		for (i = 0; i < sa->sat_count; i++)
		{
			sat_destroy(sa->sats[i]);
		}
		free(sa->sats);
		free(sa);
	}
}

/* Described in header */
gdoi_isakmp_keypkt_t *gdoi_isakmp_kd_add(gdoi_isakmp_kd_t *kd, uint8_t type,
										 chunk_t spi)
{
	gdoi_isakmp_keypkt_t *pkt;

	kd->pkts = realloc(kd->pkts, (kd->count + 1) * sizeof(*pkt));
	pkt = &kd->pkts[kd->count++];
	*pkt = (gdoi_isakmp_keypkt_t){
		.type = type,
		.spi = chunk_clone(spi),
	};
	return pkt;
}

/* Described in header */
void gdoi_isakmp_kd_destroy(gdoi_isakmp_kd_t *kd)
{
	u_int i;

	if (kd)
	{
		for (i = 0; i < kd->count; i++)
		{
			chunk_free(&kd->pkts[i].spi);
			gdoi_isakmp_attrs_clear(&kd->pkts[i].attrs);
		}
		free(kd->pkts);
		free(kd);
	}
}

/* Described in header */
gdoi_isakmp_id_t *gdoi_isakmp_id_create_group(uint32_t group)
{
	gdoi_isakmp_id_t *id;

	group = htonl(group);
	INIT(id,
		.type = GDOI_ID_KEY_ID,
		.data = chunk_clone(chunk_from_thing(group)),
	);
	return id;
}

/* Described in header */
bool gdoi_isakmp_id_get_group(gdoi_isakmp_id_t *id, uint32_t *group)
{
	if (id->type != GDOI_ID_KEY_ID || id->data.len != 4)
	{
		return FALSE;
	}
	*group = untoh32(id->data.ptr);
	return TRUE;
}

/* Described in header */
void gdoi_isakmp_payload_clear(gdoi_isakmp_payload_t *payload)
{
	switch (payload->type)
	{
		case GDOI_PL_SA:
			gdoi_isakmp_sa_destroy(payload->sa);
			break;
		case GDOI_PL_KD:
			gdoi_isakmp_kd_destroy(payload->kd);
			break;
		case GDOI_PL_GAP:
			gap_destroy(payload->gap);
			break;
		case GDOI_PL_ID:
			if (payload->id)
			{
				chunk_free(&payload->id->data);
				free(payload->id);
			}
			break;
		case GDOI_PL_NOTIFY:
			if (payload->notify)
			{
				chunk_free(&payload->notify->spi);
				chunk_free(&payload->notify->data);
				free(payload->notify);
			}
			break;
		case GDOI_PL_DELETE:
			if (payload->del)
			{
				chunk_free(&payload->del->spis);
				free(payload->del);
			}
			break;
		case GDOI_PL_HASH:
		case GDOI_PL_SIG:
		case GDOI_PL_NONCE:
			chunk_clear(&payload->data);
			break;
		default:
			break;
	}
	*payload = (gdoi_isakmp_payload_t){};
}

/*
 * ---- encoding ----
 */

static size_t sak_len(gdoi_isakmp_sak_t *sak)
{
	return PL_HDR + 4 + 1 + sak->src.data.len + 4 + sak->dst.data.len + 16 +
		   4 + gdoi_isakmp_attrs_len(&sak->attrs);
}

static size_t sat_len(gdoi_isakmp_sat_t *sat)
{
	if (sat->protocol_id != GDOI_PROTO_IPSEC_ESP &&
		sat->protocol_id != GDOI_PROTO_IPSEC_AH)
	{
		return PL_HDR + 1 + sat->body.len;
	}
	return PL_HDR + 2 + 5 + sat->src.data.len + 5 + sat->dst.data.len + 5 +
		   gdoi_isakmp_attrs_len(&sat->attrs);
}

static size_t gap_len(gdoi_isakmp_gap_t *gap)
{
	return PL_HDR + gdoi_isakmp_attrs_len(&gap->attrs);
}

static size_t keypkt_len(gdoi_isakmp_keypkt_t *pkt)
{
	return 4 + 1 + pkt->spi.len + gdoi_isakmp_attrs_len(&pkt->attrs);
}

/**
 * Length of a payload, generic header included
 */
static size_t payload_len(gdoi_isakmp_payload_t *pl)
{
	size_t len = PL_HDR;
	u_int i;

	switch (pl->type)
	{
		case GDOI_PL_SA:
			len += 12;
			if (pl->sa->sak)
			{
				len += sak_len(pl->sa->sak);
			}
			for (i = 0; i < pl->sa->sat_count; i++)
			{
				len += sat_len(pl->sa->sats[i]);
			}
			if (pl->sa->gap)
			{
				len += gap_len(pl->sa->gap);
			}
			return len;
		case GDOI_PL_KD:
			len += 4;
			for (i = 0; i < pl->kd->count; i++)
			{
				len += keypkt_len(&pl->kd->pkts[i]);
			}
			return len;
		case GDOI_PL_GAP:
			return gap_len(pl->gap);
		case GDOI_PL_ID:
			return len + 4 + pl->id->data.len;
		case GDOI_PL_NOTIFY:
			return len + 8 + pl->notify->spi.len + pl->notify->data.len;
		case GDOI_PL_DELETE:
			return len + 8 + pl->del->spis.len;
		case GDOI_PL_SEQ:
			return len + 4;
		default:
			return len + pl->data.len;
	}
}

static void write_hdr(bio_writer_t *writer, uint8_t next, size_t len)
{
	writer->write_uint8(writer, next);
	writer->write_uint8(writer, 0);
	writer->write_uint16(writer, len);
}

static void encode_sak(gdoi_isakmp_sak_t *sak, uint8_t next,
					   bio_writer_t *writer)
{
	write_hdr(writer, next, sak_len(sak));
	writer->write_uint8(writer, sak->protocol);
	writer->write_uint8(writer, sak->src.type);
	writer->write_uint16(writer, sak->src.port);
	writer->write_data8(writer, sak->src.data);
	writer->write_uint8(writer, sak->dst.type);
	writer->write_uint16(writer, sak->dst.port);
	writer->write_data8(writer, sak->dst.data);
	writer->write_data(writer, chunk_from_thing(sak->spi));
	writer->write_uint32(writer, sak->reserved2);
	gdoi_isakmp_attrs_encode(&sak->attrs, writer);
}

static void encode_sat(gdoi_isakmp_sat_t *sat, uint8_t next,
					   bio_writer_t *writer)
{
	write_hdr(writer, next, sat_len(sat));
	writer->write_uint8(writer, sat->protocol_id);
	if (sat->protocol_id != GDOI_PROTO_IPSEC_ESP &&
		sat->protocol_id != GDOI_PROTO_IPSEC_AH)
	{
		writer->write_data(writer, sat->body);
		return;
	}
	writer->write_uint8(writer, sat->protocol);
	writer->write_uint8(writer, sat->src.type);
	writer->write_uint16(writer, sat->src.port);
	writer->write_data16(writer, sat->src.data);
	writer->write_uint8(writer, sat->dst.type);
	writer->write_uint16(writer, sat->dst.port);
	writer->write_data16(writer, sat->dst.data);
	writer->write_uint8(writer, sat->transform_id);
	writer->write_uint32(writer, sat->spi);
	gdoi_isakmp_attrs_encode(&sat->attrs, writer);
}

static void encode_gap(gdoi_isakmp_gap_t *gap, uint8_t next,
					   bio_writer_t *writer)
{
	write_hdr(writer, next, gap_len(gap));
	gdoi_isakmp_attrs_encode(&gap->attrs, writer);
}

/**
 * Check what the encoder cannot represent
 */
static bool check_encodable(gdoi_isakmp_payload_t *pl, size_t len,
							gdoi_isakmp_err_t *err)
{
	gdoi_isakmp_sa_t *sa;
	u_int i;

	if (len > PL_MAX)
	{
		return gdoi_isakmp_fail(err, "%s Payload Length %zu too long",
								pl_name(pl->type), len);
	}
	switch (pl->type)
	{
		case GDOI_PL_SA:
			sa = pl->sa;
			if (sa->sak && (sa->sak->src.data.len > 0xff ||
							sa->sak->dst.data.len > 0xff))
			{
				return gdoi_isakmp_fail(err, "SAK ID Data Len too long");
			}
			break;
		case GDOI_PL_KD:
			for (i = 0; i < pl->kd->count; i++)
			{
				if (pl->kd->pkts[i].spi.len > 0xff)
				{
					return gdoi_isakmp_fail(err, "KD SPI Size too long");
				}
			}
			if (pl->kd->count > 0xffff)
			{
				return gdoi_isakmp_fail(err, "KD Number of Key Packets too "
										"large");
			}
			break;
		case GDOI_PL_NOTIFY:
			if (pl->notify->spi.len > 0xff)
			{
				return gdoi_isakmp_fail(err, "Notify SPI Size too long");
			}
			break;
		case GDOI_PL_DELETE:
			if (pl->del->spis.len != pl->del->count * pl->del->spi_size)
			{
				return gdoi_isakmp_fail(err, "Delete Number of SPIs %u does "
							"not match SPIs", pl->del->count);
			}
			break;
		default:
			break;
	}
	return TRUE;
}

/**
 * Write the body of the SA payload
 */
static void encode_sa(gdoi_isakmp_sa_t *sa, bio_writer_t *writer)
{
	uint8_t first = GDOI_PL_NONE;
	u_int i;

	if (sa->sak)
	{
		first = GDOI_PL_SAK;
	}
	else if (sa->sat_count)
	{
		first = GDOI_PL_SAT;
	}
	else if (sa->gap)
	{
		first = GDOI_PL_GAP;
	}
	writer->write_uint32(writer, GDOI_DOI);
	writer->write_uint32(writer, sa->situation);
	writer->write_uint16(writer, first);
	writer->write_uint16(writer, 0);
	if (sa->sak)
	{
		encode_sak(sa->sak, sa->sat_count ? GDOI_PL_SAT :
						sa->gap ? GDOI_PL_GAP : GDOI_PL_NONE, writer);
	}
	for (i = 0; i < sa->sat_count; i++)
	{
		encode_sat(sa->sats[i], i + 1 < sa->sat_count ? GDOI_PL_SAT :
						sa->gap ? GDOI_PL_GAP : GDOI_PL_NONE, writer);
	}
	if (sa->gap)
	{
		encode_gap(sa->gap, GDOI_PL_NONE, writer);
	}
}

/* Described in header */
bool gdoi_isakmp_payload_encode(gdoi_isakmp_payload_t *pl, uint8_t next,
								chunk_t *out, gdoi_isakmp_err_t *err)
{
	bio_writer_t *writer;
	gdoi_isakmp_keypkt_t *pkt;
	size_t len;
	u_int i;

	len = payload_len(pl);
	if (!check_encodable(pl, len, err))
	{
		return FALSE;
	}
	/* sized exactly, so that the writer never reallocates key material */
	writer = bio_writer_create(len);
	if (pl->type == GDOI_PL_GAP)
	{
		encode_gap(pl->gap, next, writer);
		*out = writer->extract_buf(writer);
		writer->destroy(writer);
		return TRUE;
	}
	write_hdr(writer, next, len);
	switch (pl->type)
	{
		case GDOI_PL_SA:
			encode_sa(pl->sa, writer);
			break;
		case GDOI_PL_KD:
			writer->write_uint16(writer, pl->kd->count);
			writer->write_uint16(writer, 0);
			for (i = 0; i < pl->kd->count; i++)
			{
				pkt = &pl->kd->pkts[i];
				writer->write_uint8(writer, pkt->type);
				writer->write_uint8(writer, 0);
				writer->write_uint16(writer, keypkt_len(pkt));
				writer->write_data8(writer, pkt->spi);
				gdoi_isakmp_attrs_encode(&pkt->attrs, writer);
			}
			break;
		case GDOI_PL_ID:
			writer->write_uint8(writer, pl->id->type);
			writer->write_uint8(writer, pl->id->protocol);
			writer->write_uint16(writer, pl->id->port);
			writer->write_data(writer, pl->id->data);
			break;
		case GDOI_PL_NOTIFY:
			writer->write_uint32(writer, pl->notify->doi);
			writer->write_uint8(writer, pl->notify->protocol);
			writer->write_uint8(writer, pl->notify->spi.len);
			writer->write_uint16(writer, pl->notify->type);
			writer->write_data(writer, pl->notify->spi);
			writer->write_data(writer, pl->notify->data);
			break;
		case GDOI_PL_DELETE:
			writer->write_uint32(writer, pl->del->doi);
			writer->write_uint8(writer, pl->del->protocol);
			writer->write_uint8(writer, pl->del->spi_size);
			writer->write_uint16(writer, pl->del->count);
			writer->write_data(writer, pl->del->spis);
			break;
		case GDOI_PL_SEQ:
			writer->write_uint32(writer, pl->seq);
			break;
		case GDOI_PL_HASH:
		case GDOI_PL_SIG:
		case GDOI_PL_NONCE:
			writer->write_data(writer, pl->data);
			break;
		default:
			writer->destroy(writer);
			return gdoi_isakmp_fail(err, "cannot encode payload type %u",
									pl->type);
	}
	*out = writer->extract_buf(writer);
	writer->destroy(writer);
	return TRUE;
}

/*
 * ---- decoding ----
 */

/**
 * Read a generic payload header and the body it announces
 */
static bool read_payload(bio_reader_t *reader, char *where, uint8_t *next,
						 chunk_t *raw, chunk_t *body, gdoi_isakmp_err_t *err)
{
	uint8_t reserved;
	uint16_t len;
	chunk_t all;

	all = reader->peek(reader);
	if (!reader->read_uint8(reader, next) ||
		!reader->read_uint8(reader, &reserved) ||
		!reader->read_uint16(reader, &len))
	{
		return gdoi_isakmp_fail(err, "%s generic payload header truncated "
								"(%zu < 4)", where, all.len);
	}
	if (reserved)
	{
		return gdoi_isakmp_fail(err, "%s RESERVED not zero", where);
	}
	if (len < PL_HDR)
	{
		return gdoi_isakmp_fail(err, "%s Payload Length %u too short (%u < 4)",
								where, len, len);
	}
	if (!reader->read_data(reader, len - PL_HDR, body))
	{
		return gdoi_isakmp_fail(err, "%s Payload Length %u exceeds remaining "
								"%zu", where, len, all.len);
	}
	*raw = chunk_create(all.ptr, len);
	return TRUE;
}

/**
 * Read an ID Type, Port, Data Len, Data triple (SAK, SAT)
 */
static bool read_tsid(bio_reader_t *reader, char *where, char *which,
					  int len_size, gdoi_isakmp_tsid_t *id,
					  gdoi_isakmp_err_t *err)
{
	uint16_t len16;
	uint8_t len8;
	chunk_t data;

	if (!reader->read_uint8(reader, &id->type))
	{
		return gdoi_isakmp_fail(err, "%s %s ID Type truncated", where, which);
	}
	if (!reader->read_uint16(reader, &id->port))
	{
		return gdoi_isakmp_fail(err, "%s %s ID Port truncated", where, which);
	}
	if (len_size == 1)
	{
		if (!reader->read_uint8(reader, &len8))
		{
			return gdoi_isakmp_fail(err, "%s %s ID Data Len truncated", where,
									which);
		}
		len16 = len8;
	}
	else if (!reader->read_uint16(reader, &len16))
	{
		return gdoi_isakmp_fail(err, "%s %s ID Data Len truncated", where,
								which);
	}
	if (!reader->read_data(reader, len16, &data))
	{
		return gdoi_isakmp_fail(err, "%s %s ID Data Len %u exceeds remaining "
								"%u", where, which, len16,
								reader->remaining(reader));
	}
	if (streq(which, "SRC"))
	{
		if (!check_id(where, "SRC ", id->type, data, err))
		{
			return FALSE;
		}
	}
	else if (!check_id(where, "DST ", id->type, data, err))
	{
		return FALSE;
	}
	id->data = chunk_clone(data);
	return TRUE;
}

static bool decode_sak(chunk_t body, gdoi_isakmp_sak_t **out,
					   gdoi_isakmp_err_t *err)
{
	gdoi_isakmp_sak_t *sak;
	bio_reader_t *reader;
	chunk_t spi;

	INIT(sak);
	reader = bio_reader_create(body);
	if (!reader->read_uint8(reader, &sak->protocol))
	{
		gdoi_isakmp_fail(err, "SAK Protocol truncated");
		goto failed;
	}
	if (!read_tsid(reader, "SAK", "SRC", 1, &sak->src, err) ||
		!read_tsid(reader, "SAK", "DST", 1, &sak->dst, err))
	{
		goto failed;
	}
	if (!reader->read_data(reader, 16, &spi))
	{
		gdoi_isakmp_fail(err, "SAK SPI truncated (%u < 16)",
						 reader->remaining(reader));
		goto failed;
	}
	memcpy(sak->spi, spi.ptr, 16);
	if (!reader->read_uint32(reader, &sak->reserved2))
	{
		gdoi_isakmp_fail(err, "SAK RESERVED2 truncated (%u < 4)",
						 reader->remaining(reader));
		goto failed;
	}
	if (!gdoi_isakmp_attrs_decode(reader->peek(reader), "SAK", kek_rules,
								  countof(kek_rules), &sak->attrs, err))
	{
		goto failed;
	}
	reader->destroy(reader);
	*out = sak;
	return TRUE;

failed:
	reader->destroy(reader);
	sak_destroy(sak);
	return FALSE;
}

/**
 * Decode the ESP/AH body of a SAT with ID Data Len fields of len_size
 */
static bool decode_sat_ipsec(chunk_t body, int len_size, gdoi_isakmp_sat_t *sat,
							 gdoi_isakmp_err_t *err)
{
	bio_reader_t *reader;
	bool ok = FALSE;

	reader = bio_reader_create(body);
	if (!reader->read_uint8(reader, &sat->protocol))
	{
		gdoi_isakmp_fail(err, "SAT Protocol truncated");
	}
	else if (read_tsid(reader, "SAT", "SRC", len_size, &sat->src, err) &&
			 read_tsid(reader, "SAT", "DST", len_size, &sat->dst, err))
	{
		if (!reader->read_uint8(reader, &sat->transform_id))
		{
			gdoi_isakmp_fail(err, "SAT Transform ID truncated");
		}
		else if (!reader->read_uint32(reader, &sat->spi))
		{
			gdoi_isakmp_fail(err, "SAT SPI truncated (%u < 4)",
							 reader->remaining(reader));
		}
		else
		{
			ok = gdoi_isakmp_attrs_decode(reader->peek(reader), "SAT",
								ipsec_rules, countof(ipsec_rules), &sat->attrs,
								err);
		}
	}
	reader->destroy(reader);
	if (!ok)
	{
		chunk_free(&sat->src.data);
		chunk_free(&sat->dst.data);
	}
	return ok;
}

static bool decode_sat(chunk_t body, gdoi_isakmp_sat_t **out,
					   gdoi_isakmp_err_t *err)
{
	gdoi_isakmp_sat_t *sat;
	gdoi_isakmp_err_t err1;

	if (!body.len)
	{
		return gdoi_isakmp_fail(err, "SAT Protocol-ID truncated");
	}
	INIT(sat,
		.protocol_id = body.ptr[0],
		.id_len_size = 2,
	);
	body = chunk_skip(body, 1);
	if (sat->protocol_id != GDOI_PROTO_IPSEC_ESP &&
		sat->protocol_id != GDOI_PROTO_IPSEC_AH)
	{
		sat->body = chunk_clone(body);
		*out = sat;
		return TRUE;
	}
	if (!decode_sat_ipsec(body, 2, sat, err))
	{
		/* RFC 3547 form with 1-octet ID Data Len, as the Cisco reference
		 * sends it; the ID types' fixed lengths make a false match unlikely */
		if (!decode_sat_ipsec(body, 1, sat, &err1))
		{
			sat_destroy(sat);
			return FALSE;
		}
		sat->id_len_size = 1;
		DBG2(DBG_ENC, "gdoi: SAT with 1-octet ID Data Len (RFC 3547) accepted");
	}
	*out = sat;
	return TRUE;
}

static bool decode_gap(chunk_t body, gdoi_isakmp_gap_t **out,
					   gdoi_isakmp_err_t *err)
{
	gdoi_isakmp_gap_t *gap;

	INIT(gap);
	if (!gdoi_isakmp_attrs_decode(body, "GAP", gap_rules, countof(gap_rules),
								  &gap->attrs, err))
	{
		free(gap);
		return FALSE;
	}
	*out = gap;
	return TRUE;
}

static bool decode_sa(chunk_t body, gdoi_isakmp_sa_t **out,
					  gdoi_isakmp_err_t *err)
{
	gdoi_isakmp_sa_t *sa;
	gdoi_isakmp_sat_t *sat;
	bio_reader_t *reader;
	uint32_t doi;
	uint16_t next, reserved;
	uint8_t next8;
	chunk_t raw, inner;
	char *name;

	sa = gdoi_isakmp_sa_create();
	reader = bio_reader_create(body);
	if (!reader->read_uint32(reader, &doi) ||
		!reader->read_uint32(reader, &sa->situation) ||
		!reader->read_uint16(reader, &next) ||
		!reader->read_uint16(reader, &reserved))
	{
		gdoi_isakmp_fail(err, "SA DOI/Situation/SA Attribute Next Payload "
						 "truncated (%zu < 12)", body.len);
		goto failed;
	}
	if (doi != GDOI_DOI)
	{
		gdoi_isakmp_fail(err, "SA DOI %u is not GDOI (2)", doi);
		goto failed;
	}
	if (reserved)
	{
		gdoi_isakmp_fail(err, "SA RESERVED2 not zero");
		goto failed;
	}
	while (next != GDOI_PL_NONE)
	{
		name = pl_name(next);
		if (next != GDOI_PL_SAK && next != GDOI_PL_SAT && next != GDOI_PL_GAP)
		{
			gdoi_isakmp_fail(err, "SA Attribute Next Payload %u is not SAK, "
							 "SAT or GAP", next);
			goto failed;
		}
		if (!reader->remaining(reader))
		{
			gdoi_isakmp_fail(err, "SA Payload Length ends before the nested "
							 "%s", name);
			goto failed;
		}
		/* nested payloads must lie within the SA's Payload Length */
		if (!read_payload(reader, name, &next8, &raw, &inner, err))
		{
			goto failed;
		}
		switch (next)
		{
			case GDOI_PL_SAK:
				if (sa->sak)
				{
					gdoi_isakmp_fail(err, "SA has a duplicate SAK");
					goto failed;
				}
				if (!decode_sak(inner, &sa->sak, err))
				{
					goto failed;
				}
				break;
			case GDOI_PL_GAP:
				if (sa->gap)
				{
					gdoi_isakmp_fail(err, "SA has a duplicate GAP");
					goto failed;
				}
				if (!decode_gap(inner, &sa->gap, err))
				{
					goto failed;
				}
				break;
			default:
				if (!decode_sat(inner, &sat, err))
				{
					goto failed;
				}
				gdoi_isakmp_sa_add_sat(sa, sat);
				break;
		}
		next = next8;
	}
	if (reader->remaining(reader))
	{
		gdoi_isakmp_fail(err, "SA Payload Length leaves %u octets after the "
						 "last SA attribute payload", reader->remaining(reader));
		goto failed;
	}
	reader->destroy(reader);
	*out = sa;
	return TRUE;

failed:
	reader->destroy(reader);
	gdoi_isakmp_sa_destroy(sa);
	return FALSE;
}

/**
 * Check a key packet's SPI size and attributes by type
 */
static bool decode_keypkt(gdoi_isakmp_keypkt_t *pkt, chunk_t attrs,
						  gdoi_isakmp_err_t *err)
{
	uint32_t bits;

	switch (pkt->type)
	{
		case GDOI_KD_TEK:
			if (pkt->spi.len != 4)
			{
				return gdoi_isakmp_fail(err, "KD TEK SPI Size %zu is not 4",
										pkt->spi.len);
			}
			if (!gdoi_isakmp_attrs_decode(attrs, "KD TEK", kd_tek_rules,
								countof(kd_tek_rules), &pkt->attrs, err))
			{
				return FALSE;
			}
			if (!gdoi_isakmp_attrs_find(&pkt->attrs, GDOI_TEK_ALGORITHM_KEY) &&
				!gdoi_isakmp_attrs_find(&pkt->attrs, GDOI_TEK_INTEGRITY_KEY))
			{
				return gdoi_isakmp_fail(err, "KD TEK key packet has neither "
									"TEK_ALGORITHM_KEY nor TEK_INTEGRITY_KEY");
			}
			return TRUE;
		case GDOI_KD_KEK:
			if (pkt->spi.len != 16)
			{
				return gdoi_isakmp_fail(err, "KD KEK SPI Size %zu is not 16",
										pkt->spi.len);
			}
			if (!gdoi_isakmp_attrs_decode(attrs, "KD KEK", kd_kek_rules,
								countof(kd_kek_rules), &pkt->attrs, err))
			{
				return FALSE;
			}
			if (!gdoi_isakmp_attrs_find(&pkt->attrs, GDOI_KEK_ALGORITHM_KEY))
			{
				return gdoi_isakmp_fail(err, "KD KEK key packet lacks "
										"KEK_ALGORITHM_KEY");
			}
			return TRUE;
		case GDOI_KD_LKH:
			if (pkt->spi.len != 16)
			{
				return gdoi_isakmp_fail(err, "KD LKH SPI Size %zu is not 16",
										pkt->spi.len);
			}
			return gdoi_isakmp_attrs_decode(attrs, "KD LKH", kd_lkh_rules,
								countof(kd_lkh_rules), &pkt->attrs, err);
		case GDOI_KD_SID:
			if (!gdoi_isakmp_attrs_decode(attrs, "KD SID", kd_sid_rules,
								countof(kd_sid_rules), &pkt->attrs, err))
			{
				return FALSE;
			}
			if (!gdoi_isakmp_attrs_get_uint(&pkt->attrs,
									GDOI_SID_NUMBER_OF_SID_BITS, &bits) ||
				bits < 1 || bits > 32)
			{
				return gdoi_isakmp_fail(err, "KD SID NUMBER_OF_SID_BITS "
										"missing or not in 1..32");
			}
			if (!gdoi_isakmp_attrs_find(&pkt->attrs, GDOI_SID_VALUE))
			{
				return gdoi_isakmp_fail(err, "KD SID key packet lacks "
										"SID_VALUE");
			}
			return TRUE;
		default:
			return gdoi_isakmp_fail(err, "KD Key Packet Type %u unknown",
									pkt->type);
	}
}

static bool decode_kd(chunk_t body, gdoi_isakmp_kd_t **out,
					  gdoi_isakmp_err_t *err)
{
	gdoi_isakmp_kd_t *kd;
	gdoi_isakmp_keypkt_t *pkt;
	bio_reader_t *reader, *inner = NULL;
	uint16_t num, reserved, len;
	uint8_t type, res8;
	chunk_t data, spi;

	INIT(kd);
	reader = bio_reader_create(body);
	if (!reader->read_uint16(reader, &num) ||
		!reader->read_uint16(reader, &reserved))
	{
		gdoi_isakmp_fail(err, "KD Number of Key Packets truncated "
						 "(%zu < 4)", body.len);
		goto failed;
	}
	if (reserved)
	{
		gdoi_isakmp_fail(err, "KD RESERVED2 not zero");
		goto failed;
	}
	while (reader->remaining(reader))
	{
		if (kd->count == num)
		{
			gdoi_isakmp_fail(err, "KD Number of Key Packets %u does not match: "
							 "more key packets present", num);
			goto failed;
		}
		if (!reader->read_uint8(reader, &type) ||
			!reader->read_uint8(reader, &res8) ||
			!reader->read_uint16(reader, &len))
		{
			gdoi_isakmp_fail(err, "KD Key Packet header truncated");
			goto failed;
		}
		if (res8)
		{
			gdoi_isakmp_fail(err, "KD Key Packet RESERVED not zero");
			goto failed;
		}
		if (len < 5)
		{
			gdoi_isakmp_fail(err, "KD Key Packet Length %u too short (%u < 5)",
							 len, len);
			goto failed;
		}
		if (!reader->read_data(reader, len - 4, &data))
		{
			gdoi_isakmp_fail(err, "KD Key Packet Length %u exceeds remaining "
							 "%u", len, reader->remaining(reader) + 4);
			goto failed;
		}
		inner = bio_reader_create(data);
		if (!inner->read_data8(inner, &spi))
		{
			gdoi_isakmp_fail(err, "KD Key Packet SPI Size %u exceeds key "
							 "packet", data.ptr[0]);
			goto failed;
		}
		pkt = gdoi_isakmp_kd_add(kd, type, spi);
		if (!decode_keypkt(pkt, inner->peek(inner), err))
		{
			goto failed;
		}
		inner->destroy(inner);
		inner = NULL;
	}
	if (kd->count != num)
	{
		gdoi_isakmp_fail(err, "KD Number of Key Packets %u does not match %u "
						 "key packets present", num, kd->count);
		goto failed;
	}
	reader->destroy(reader);
	*out = kd;
	return TRUE;

failed:
	DESTROY_IF(inner);
	reader->destroy(reader);
	gdoi_isakmp_kd_destroy(kd);
	return FALSE;
}

static bool decode_id(chunk_t body, gdoi_isakmp_id_t **out,
					  gdoi_isakmp_err_t *err)
{
	gdoi_isakmp_id_t *id;
	bio_reader_t *reader;

	INIT(id);
	reader = bio_reader_create(body);
	if (!reader->read_uint8(reader, &id->type) ||
		!reader->read_uint8(reader, &id->protocol) ||
		!reader->read_uint16(reader, &id->port))
	{
		reader->destroy(reader);
		free(id);
		return gdoi_isakmp_fail(err, "ID Type/RESERVED truncated (%zu < 4)",
								body.len);
	}
	if (!check_id("ID", "", id->type, reader->peek(reader), err))
	{
		reader->destroy(reader);
		free(id);
		return FALSE;
	}
	id->data = chunk_clone(reader->peek(reader));
	reader->destroy(reader);
	*out = id;
	return TRUE;
}

static bool decode_notify(chunk_t body, gdoi_isakmp_notify_t **out,
						  gdoi_isakmp_err_t *err)
{
	gdoi_isakmp_notify_t *n;
	bio_reader_t *reader;
	uint8_t spi_size;
	chunk_t spi;
	bool ok = FALSE;

	INIT(n);
	reader = bio_reader_create(body);
	if (!reader->read_uint32(reader, &n->doi) ||
		!reader->read_uint8(reader, &n->protocol) ||
		!reader->read_uint8(reader, &spi_size) ||
		!reader->read_uint16(reader, &n->type))
	{
		gdoi_isakmp_fail(err, "Notify DOI/Protocol/SPI Size/Type truncated "
						 "(%zu < 8)", body.len);
	}
	else if (!reader->read_data(reader, spi_size, &spi))
	{
		gdoi_isakmp_fail(err, "Notify SPI Size %u exceeds remaining %u",
						 spi_size, reader->remaining(reader));
	}
	else
	{
		n->spi = chunk_clone(spi);
		n->data = chunk_clone(reader->peek(reader));
		ok = TRUE;
	}
	reader->destroy(reader);
	if (!ok)
	{
		free(n);
		return FALSE;
	}
	*out = n;
	return TRUE;
}

static bool decode_delete(chunk_t body, gdoi_isakmp_delete_t **out,
						  gdoi_isakmp_err_t *err)
{
	gdoi_isakmp_delete_t *d;
	bio_reader_t *reader;
	size_t left;

	INIT(d);
	reader = bio_reader_create(body);
	if (!reader->read_uint32(reader, &d->doi) ||
		!reader->read_uint8(reader, &d->protocol) ||
		!reader->read_uint8(reader, &d->spi_size) ||
		!reader->read_uint16(reader, &d->count))
	{
		reader->destroy(reader);
		free(d);
		return gdoi_isakmp_fail(err, "Delete DOI/Protocol/SPI Size/Number of "
								"SPIs truncated (%zu < 8)", body.len);
	}
	left = reader->remaining(reader);
	reader->destroy(reader);
	if (d->spi_size == 0 && d->count)
	{
		free(d);
		return gdoi_isakmp_fail(err, "Delete SPI Size 0 with Number of SPIs "
								"%u", body.ptr[6] << 8 | body.ptr[7]);
	}
	if ((size_t)d->count * d->spi_size != left)
	{
		gdoi_isakmp_fail(err, "Delete Number of SPIs %u does not match %zu "
						 "octets of SPIs of SPI Size %u", d->count, left,
						 d->spi_size);
		free(d);
		return FALSE;
	}
	d->spis = chunk_clone(chunk_skip(body, 8));
	*out = d;
	return TRUE;
}

/* Described in header */
bool gdoi_isakmp_payload_decode(gdoi_isakmp_payload_type_t type, chunk_t data,
								gdoi_isakmp_payload_t *pl, uint8_t *next,
								gdoi_isakmp_err_t *err)
{
	bio_reader_t *reader;
	chunk_t raw, body;
	uint8_t nxt;
	bool ok;

	*pl = (gdoi_isakmp_payload_t){
		.type = type,
	};
	reader = bio_reader_create(data);
	ok = read_payload(reader, pl_name(type), &nxt, &raw, &body, err);
	if (ok && reader->remaining(reader))
	{
		ok = gdoi_isakmp_fail(err, "%s Payload Length %zu shorter than the "
							  "data %zu", pl_name(type), raw.len, data.len);
	}
	reader->destroy(reader);
	if (!ok)
	{
		pl->type = GDOI_PL_NONE;
		return FALSE;
	}
	switch (type)
	{
		case GDOI_PL_SA:
			ok = decode_sa(body, &pl->sa, err);
			break;
		case GDOI_PL_KD:
			ok = decode_kd(body, &pl->kd, err);
			break;
		case GDOI_PL_GAP:
			ok = decode_gap(body, &pl->gap, err);
			break;
		case GDOI_PL_ID:
			ok = decode_id(body, &pl->id, err);
			break;
		case GDOI_PL_NOTIFY:
			ok = decode_notify(body, &pl->notify, err);
			break;
		case GDOI_PL_DELETE:
			ok = decode_delete(body, &pl->del, err);
			break;
		case GDOI_PL_SEQ:
			if (body.len != 4)
			{
				ok = gdoi_isakmp_fail(err, "SEQ Payload Length %zu is not 8",
									  raw.len);
				break;
			}
			pl->seq = untoh32(body.ptr);
			break;
		case GDOI_PL_NONCE:
			if (body.len < GDOI_NONCE_MIN || body.len > GDOI_NONCE_MAX)
			{
				ok = gdoi_isakmp_fail(err, "Nonce Data length %zu not in "
									  "%u..%u", body.len, GDOI_NONCE_MIN,
									  GDOI_NONCE_MAX);
				break;
			}
			pl->data = chunk_clone(body);
			break;
		case GDOI_PL_HASH:
		case GDOI_PL_SIG:
			if (!body.len)
			{
				ok = gdoi_isakmp_fail(err, "%s Data zero-length",
									  pl_name(type));
				break;
			}
			pl->data = chunk_clone(body);
			break;
		case GDOI_PL_SAK:
		case GDOI_PL_SAT:
			ok = gdoi_isakmp_fail(err, "%s payload outside an SA payload",
								  pl_name(type));
			break;
		default:
			ok = gdoi_isakmp_fail(err, "payload type %u unknown", type);
			break;
	}
	if (!ok)
	{
		pl->type = GDOI_PL_NONE;
		return FALSE;
	}
	pl->raw = raw;
	if (next)
	{
		*next = nxt;
	}
	return TRUE;
}

/*
 * ---- messages ----
 */

/* Described in header */
gdoi_isakmp_message_t *gdoi_isakmp_message_create(uint8_t exchange,
												  uint32_t msgid)
{
	gdoi_isakmp_message_t *msg;

	INIT(msg,
		.exchange = exchange,
		.msgid = msgid,
	);
	return msg;
}

/* Described in header */
gdoi_isakmp_payload_t *gdoi_isakmp_message_add(gdoi_isakmp_message_t *msg,
											   gdoi_isakmp_payload_type_t type)
{
	gdoi_isakmp_payload_t *pl;

	msg->payloads = realloc(msg->payloads, (msg->count + 1) * sizeof(*pl));
	pl = &msg->payloads[msg->count++];
	*pl = (gdoi_isakmp_payload_t){
		.type = type,
	};
	return pl;
}

/* Described in header */
void gdoi_isakmp_message_add_data(gdoi_isakmp_message_t *msg,
								  gdoi_isakmp_payload_type_t type, chunk_t data)
{
	gdoi_isakmp_message_add(msg, type)->data = chunk_clone(data);
}

/* Described in header */
gdoi_isakmp_payload_t *gdoi_isakmp_message_get(gdoi_isakmp_message_t *msg,
											   gdoi_isakmp_payload_type_t type)
{
	u_int i;

	for (i = 0; i < msg->count; i++)
	{
		if (msg->payloads[i].type == type)
		{
			return &msg->payloads[i];
		}
	}
	return NULL;
}

/**
 * Free the payloads of a message
 */
static void clear_payloads(gdoi_isakmp_message_t *msg)
{
	u_int i;

	for (i = 0; i < msg->count; i++)
	{
		gdoi_isakmp_payload_clear(&msg->payloads[i]);
	}
	free(msg->payloads);
	msg->payloads = NULL;
	msg->count = 0;
}

/* Described in header */
bool gdoi_isakmp_message_encode(gdoi_isakmp_message_t *msg, chunk_t *out,
								gdoi_isakmp_err_t *err)
{
	bio_writer_t *writer;
	chunk_t *parts;
	size_t len = GDOI_ISAKMP_HDR_LEN, offset;
	u_int i, j;

	parts = calloc(msg->count + 1, sizeof(chunk_t));
	for (i = 0; i < msg->count; i++)
	{
		if (!gdoi_isakmp_payload_encode(&msg->payloads[i],
							i + 1 < msg->count ? msg->payloads[i + 1].type
											   : GDOI_PL_NONE, &parts[i], err))
		{
			for (j = 0; j < i; j++)
			{
				chunk_clear(&parts[j]);
			}
			free(parts);
			return FALSE;
		}
		len += parts[i].len;
	}
	writer = bio_writer_create(len);
	writer->write_data(writer, chunk_from_thing(msg->icookie));
	writer->write_data(writer, chunk_from_thing(msg->rcookie));
	writer->write_uint8(writer, msg->count ? msg->payloads[0].type
										   : GDOI_PL_NONE);
	writer->write_uint8(writer, GDOI_ISAKMP_VERSION);
	writer->write_uint8(writer, msg->exchange);
	writer->write_uint8(writer, msg->flags);
	writer->write_uint32(writer, msg->msgid);
	writer->write_uint32(writer, len);
	for (i = 0; i < msg->count; i++)
	{
		writer->write_data(writer, parts[i]);
		chunk_clear(&parts[i]);
	}
	free(parts);
	*out = writer->extract_buf(writer);
	writer->destroy(writer);

	chunk_clear(&msg->encoded);
	msg->encoded = chunk_clone(*out);
	msg->first_payload = msg->count ? msg->payloads[0].type : GDOI_PL_NONE;
	offset = GDOI_ISAKMP_HDR_LEN;
	for (i = 0; i < msg->count; i++)
	{
		len = untoh16(msg->encoded.ptr + offset + 2);
		msg->payloads[i].raw = chunk_create(msg->encoded.ptr + offset, len);
		offset += len;
	}
	return TRUE;
}

/**
 * Decode a chain of payloads
 */
static bool decode_chain(gdoi_isakmp_message_t *msg, chunk_t data,
						 uint8_t next, size_t max_padding,
						 gdoi_isakmp_err_t *err)
{
	gdoi_isakmp_payload_t pl;
	size_t len;

	while (next != GDOI_PL_NONE)
	{
		if (data.len < PL_HDR)
		{
			return gdoi_isakmp_fail(err, "%s generic payload header truncated "
									"(%zu < 4)", pl_name(next), data.len);
		}
		len = untoh16(data.ptr + 2);
		if (len > data.len)
		{
			return gdoi_isakmp_fail(err, "%s Payload Length %zu exceeds "
									"remaining %zu", pl_name(next), len,
									data.len);
		}
		if (len < PL_HDR)
		{
			return gdoi_isakmp_fail(err, "%s Payload Length %zu too short "
									"(%zu < 4)", pl_name(next), len, len);
		}
		if (!gdoi_isakmp_payload_decode(next, chunk_create(data.ptr, len), &pl,
										&next, err))
		{
			return FALSE;
		}
		*gdoi_isakmp_message_add(msg, pl.type) = pl;
		data = chunk_skip(data, len);
	}
	if (data.len > max_padding)
	{
		return gdoi_isakmp_fail(err, "ISAKMP Length leaves %zu octets after "
								"the last payload", data.len);
	}
	return TRUE;
}

/* Described in header */
bool gdoi_isakmp_message_decode(chunk_t data, gdoi_isakmp_message_t **out,
								gdoi_isakmp_err_t *err)
{
	gdoi_isakmp_message_t *msg;
	bio_reader_t *reader;
	chunk_t cookies;
	uint8_t version;
	uint32_t len;

	if (data.len < GDOI_ISAKMP_HDR_LEN)
	{
		return gdoi_isakmp_fail(err, "ISAKMP header truncated (%zu < 28)",
								data.len);
	}
	msg = gdoi_isakmp_message_create(0, 0);
	msg->encoded = chunk_clone(data);
	reader = bio_reader_create(msg->encoded);
	if (!reader->read_data(reader, 16, &cookies) ||
		!reader->read_uint8(reader, &msg->first_payload) ||
		!reader->read_uint8(reader, &version) ||
		!reader->read_uint8(reader, &msg->exchange) ||
		!reader->read_uint8(reader, &msg->flags) ||
		!reader->read_uint32(reader, &msg->msgid) ||
		!reader->read_uint32(reader, &len))
	{	/* not reached, length checked above */
		gdoi_isakmp_fail(err, "ISAKMP header truncated");
		goto failed;
	}
	memcpy(msg->icookie, cookies.ptr, 8);
	memcpy(msg->rcookie, cookies.ptr + 8, 8);
	if (version != GDOI_ISAKMP_VERSION)
	{
		gdoi_isakmp_fail(err, "ISAKMP Version 0x%02x is not 0x10", version);
		goto failed;
	}
	if (msg->exchange != GDOI_EXCHANGE_PULL &&
		msg->exchange != GDOI_EXCHANGE_PUSH &&
		msg->exchange != GDOI_EXCHANGE_INFO)
	{
		gdoi_isakmp_fail(err, "ISAKMP Exchange Type %u is not GDOI",
						 msg->exchange);
		goto failed;
	}
	if (msg->flags & ~(GDOI_FLAG_ENCRYPTION | GDOI_FLAG_COMMIT |
					   GDOI_FLAG_AUTH_ONLY))
	{
		gdoi_isakmp_fail(err, "ISAKMP Flags 0x%02x has reserved bits set",
						 msg->flags);
		goto failed;
	}
	if (len != data.len)
	{
		gdoi_isakmp_fail(err, "ISAKMP Length %u does not match the datagram "
						 "(%zu)", len, data.len);
		goto failed;
	}
	if (msg->flags & GDOI_FLAG_ENCRYPTION)
	{
		msg->encrypted = reader->peek(reader);
	}
	else if (!decode_chain(msg, reader->peek(reader), msg->first_payload, 0,
						   err))
	{
		goto failed;
	}
	reader->destroy(reader);
	*out = msg;
	return TRUE;

failed:
	reader->destroy(reader);
	gdoi_isakmp_message_destroy(msg);
	return FALSE;
}

/* Described in header */
bool gdoi_isakmp_message_decode_body(gdoi_isakmp_message_t *msg, chunk_t plain,
									 size_t max_padding, gdoi_isakmp_err_t *err)
{
	clear_payloads(msg);
	chunk_clear(&msg->plain);
	msg->plain = chunk_clone(plain);
	if (!decode_chain(msg, msg->plain, msg->first_payload, max_padding, err))
	{
		clear_payloads(msg);
		return FALSE;
	}
	return TRUE;
}

/* Described in header */
void gdoi_isakmp_message_destroy(gdoi_isakmp_message_t *msg)
{
	if (msg)
	{
		clear_payloads(msg);
		chunk_clear(&msg->encoded);
		chunk_clear(&msg->plain);
		free(msg);
	}
}

/*
 * ---- key sizes ----
 */

/**
 * Integrity key size of an IPsec DOI authentication algorithm, 0 if unknown
 */
static size_t auth_key_size(uint32_t alg)
{
	switch (alg)
	{
		case 1:		/* HMAC-MD5 */
			return 16;
		case 2:		/* HMAC-SHA */
			return 20;
		case 5:		/* HMAC-SHA2-256 */
			return 32;
		case 6:		/* HMAC-SHA2-384 */
			return 48;
		case 7:		/* HMAC-SHA2-512 */
			return 64;
		case 9:		/* AES-XCBC-MAC */
			return 16;
		default:
			return 0;
	}
}

/**
 * Expected TEK_ALGORITHM_KEY length of an ESP transform, salt included;
 * *aead is set for combined modes, 0 if unknown
 */
static size_t esp_key_size(gdoi_isakmp_sat_t *sat, bool *aead)
{
	uint32_t bits = 128;
	bool has_bits;

	has_bits = gdoi_isakmp_attrs_get_uint(&sat->attrs, GDOI_KEY_LENGTH, &bits);
	*aead = FALSE;
	switch (sat->transform_id)
	{
		case 3:		/* ESP_3DES */
			return has_bits && bits != 192 ? 0 : 24;
		case 11:	/* ESP_NULL */
			return has_bits ? 0 : 0;
		case 12:	/* ESP_AES-CBC */
			break;
		case 13:	/* ESP_AES-CTR */
			return bits == 128 || bits == 192 || bits == 256 ? bits / 8 + 4 : 0;
		case 14:	/* ESP_AES-CCM_8/12/16 */
		case 15:
		case 16:
			*aead = TRUE;
			return bits == 128 || bits == 192 || bits == 256 ? bits / 8 + 3 : 0;
		case 18:	/* ESP_AES-GCM_8/12/16 */
		case 19:
		case 20:
		case 23:	/* ESP_NULL_AUTH_AES_GMAC */
			*aead = TRUE;
			return bits == 128 || bits == 192 || bits == 256 ? bits / 8 + 4 : 0;
		default:
			return 0;
	}
	return bits == 128 || bits == 192 || bits == 256 ? bits / 8 : 0;
}

/**
 * Check the keys of a TEK key packet against its SAT
 */
static bool check_tek(gdoi_isakmp_sat_t *sat, gdoi_isakmp_keypkt_t *pkt,
					  gdoi_isakmp_err_t *err)
{
	gdoi_isakmp_attr_t *enc, *integ;
	uint32_t alg;
	size_t len = 0;
	bool aead = FALSE;

	enc = gdoi_isakmp_attrs_find(&pkt->attrs, GDOI_TEK_ALGORITHM_KEY);
	integ = gdoi_isakmp_attrs_find(&pkt->attrs, GDOI_TEK_INTEGRITY_KEY);
	if (sat->protocol_id == GDOI_PROTO_IPSEC_ESP)
	{
		len = esp_key_size(sat, &aead);
		if (sat->transform_id == 11)
		{
			if (enc)
			{
				return gdoi_isakmp_fail(err, "KD TEK_ALGORITHM_KEY given for "
										"ESP_NULL");
			}
		}
		else if (!len)
		{
			return gdoi_isakmp_fail(err, "SAT Transform ID %u / KEY_LENGTH "
									"not supported for key checks",
									sat->transform_id);
		}
		else if (!enc || enc->value.len != len)
		{
			return gdoi_isakmp_fail(err, "KD TEK_ALGORITHM_KEY length %zu "
									"wrong for SAT Transform ID %u (!= %zu)",
									enc ? enc->value.len : 0,
									sat->transform_id, len);
		}
	}
	else if (enc)
	{
		return gdoi_isakmp_fail(err, "KD TEK_ALGORITHM_KEY given for AH");
	}
	if (gdoi_isakmp_attrs_get_uint(&sat->attrs, GDOI_AUTH_ALGORITHM, &alg))
	{
		if (aead)
		{
			return gdoi_isakmp_fail(err, "SAT AUTH_ALGORITHM given for a "
									"combined-mode transform");
		}
		len = auth_key_size(alg);
		if (!len)
		{
			return gdoi_isakmp_fail(err, "SAT AUTH_ALGORITHM %u not "
									"supported for key checks", alg);
		}
		if (!integ || integ->value.len != len)
		{
			return gdoi_isakmp_fail(err, "KD TEK_INTEGRITY_KEY length %zu "
									"wrong for AUTH_ALGORITHM %u (!= %zu)",
									integ ? integ->value.len : 0, alg, len);
		}
	}
	else if (integ)
	{
		return gdoi_isakmp_fail(err, "KD TEK_INTEGRITY_KEY given without "
								"SAT AUTH_ALGORITHM");
	}
	return TRUE;
}

/**
 * Check a KEK key packet against the SAK
 */
static bool check_kek(gdoi_isakmp_sak_t *sak, gdoi_isakmp_keypkt_t *pkt,
					  gdoi_isakmp_err_t *err)
{
	gdoi_isakmp_attr_t *key;
	uint32_t alg = 0, bits = 0;
	size_t len, block;

	if (!chunk_equals(pkt->spi, chunk_from_thing(sak->spi)))
	{
		return gdoi_isakmp_fail(err, "KD KEK SPI does not match the SAK SPI");
	}
	gdoi_isakmp_attrs_get_uint(&sak->attrs, GDOI_KEK_ALGORITHM, &alg);
	gdoi_isakmp_attrs_get_uint(&sak->attrs, GDOI_KEK_KEY_LENGTH, &bits);
	switch (alg)
	{
		case GDOI_KEK_ALG_DES:
			len = 8;
			block = 8;
			break;
		case GDOI_KEK_ALG_3DES:
			len = 24;
			block = 8;
			break;
		case GDOI_KEK_ALG_AES:
			if (bits != 128 && bits != 192 && bits != 256)
			{
				return gdoi_isakmp_fail(err, "SAK KEK_KEY_LENGTH %u wrong for "
										"AES", bits);
			}
			len = bits / 8;
			block = 16;
			break;
		default:
			return gdoi_isakmp_fail(err, "SAK KEK_ALGORITHM %u missing or "
									"unknown", alg);
	}
	if (bits && alg != GDOI_KEK_ALG_AES && bits != len * 8)
	{
		return gdoi_isakmp_fail(err, "SAK KEK_KEY_LENGTH %u wrong for "
								"KEK_ALGORITHM %u", bits, alg);
	}
	key = gdoi_isakmp_attrs_find(&pkt->attrs, GDOI_KEK_ALGORITHM_KEY);
	/* the key, or IV || key as RFC 3547 implementations send it */
	if (!key || (key->value.len != len && key->value.len != block + len))
	{
		return gdoi_isakmp_fail(err, "KD KEK_ALGORITHM_KEY length %zu wrong "
								"for KEK_ALGORITHM %u (!= %zu or %zu)",
								key ? key->value.len : 0, alg, len,
								block + len);
	}
	return TRUE;
}

/* Described in header */
bool gdoi_isakmp_check_keys(gdoi_isakmp_sa_t *sa, gdoi_isakmp_kd_t *kd,
							gdoi_isakmp_err_t *err)
{
	gdoi_isakmp_keypkt_t *pkt;
	gdoi_isakmp_sat_t *sat;
	uint32_t spi;
	u_int i, j;

	for (i = 0; i < kd->count; i++)
	{
		pkt = &kd->pkts[i];
		switch (pkt->type)
		{
			case GDOI_KD_TEK:
				if (pkt->spi.len != 4)
				{
					return gdoi_isakmp_fail(err, "KD TEK SPI Size %zu is not 4",
											pkt->spi.len);
				}
				spi = untoh32(pkt->spi.ptr);
				sat = NULL;
				for (j = 0; j < sa->sat_count; j++)
				{
					if (sa->sats[j]->spi == spi &&
						(sa->sats[j]->protocol_id == GDOI_PROTO_IPSEC_ESP ||
						 sa->sats[j]->protocol_id == GDOI_PROTO_IPSEC_AH))
					{
						sat = sa->sats[j];
						break;
					}
				}
				if (!sat)
				{
					return gdoi_isakmp_fail(err, "KD TEK SPI 0x%08x has no SAT",
											spi);
				}
				if (!check_tek(sat, pkt, err))
				{
					return FALSE;
				}
				break;
			case GDOI_KD_KEK:
				if (!sa->sak)
				{
					return gdoi_isakmp_fail(err, "KD KEK key packet without "
											"SAK");
				}
				if (!check_kek(sa->sak, pkt, err))
				{
					return FALSE;
				}
				break;
			default:
				break;
		}
	}
	return TRUE;
}
