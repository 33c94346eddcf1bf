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

#include "gikev2_gsa.h"
#include "gikev2_keywrap.h"
#include "gdoi_tek.h"

#include <collections/array.h>
#include <crypto/crypters/crypter.h>
#include <crypto/signers/signer.h>

/** length of the header of a policy substructure */
#define SUBST_HEADER_LEN 4

/** length of a transform substructure without attributes */
#define TRANSFORM_HEADER_LEN 8

/** length of a traffic selector without addresses */
#define TS_HEADER_LEN 8

/** the INTEG transform ID NONE (RFC 7296 3.3.2), not in signer.h */
#define INTEG_NONE 0

/** Last Substruc value of a transform that is followed by another */
#define MORE_TRANSFORMS 3

/** IKEv2 IDs of implicit IV ciphers (RFC 8750), not in crypter.h */
#define ENCR_AES_CCM_8_IIV 29
#define ENCR_AES_GCM_16_IIV 30
#define ENCR_CHACHA20_POLY1305_IIV 31

typedef struct private_gikev2_gsa_t private_gikev2_gsa_t;

/**
 * Private data of a gikev2_gsa_t object.
 */
struct private_gikev2_gsa_t {

	/**
	 * Public interface.
	 */
	gikev2_gsa_t public;

	/**
	 * KEK and TEK policies in wire order, gikev2_policy_t*
	 */
	array_t *policies;

	/**
	 * TRUE if the GW policy is present
	 */
	bool has_gw;

	/**
	 * The GW policy
	 */
	gikev2_gw_policy_t gw;
};

/*
 * Described in header
 */
gikev2_policy_t *gikev2_policy_create(gikev2_protocol_t protocol, chunk_t spi,
							traffic_selector_t *src, traffic_selector_t *dst)
{
	gikev2_policy_t *policy;

	INIT(policy,
		.protocol = protocol,
		.spi = chunk_clone(spi),
		.src = src,
		.dst = dst,
	);
	return policy;
}

/*
 * Described in header
 */
void gikev2_policy_destroy(gikev2_policy_t *policy)
{
	if (policy)
	{
		DESTROY_IF(policy->src);
		DESTROY_IF(policy->dst);
		chunk_free(&policy->spi);
		chunk_free(&policy->next_spis);
		chunk_free(&policy->gcauth.sig_alg);
		free(policy);
	}
}

/**
 * Whether an encryption algorithm is a combined mode (AEAD) algorithm
 */
static bool is_aead(uint16_t encr)
{
	switch (encr)
	{
		case ENCR_AES_CCM_ICV8:
		case ENCR_AES_CCM_ICV12:
		case ENCR_AES_CCM_ICV16:
		case ENCR_AES_GCM_ICV8:
		case ENCR_AES_GCM_ICV12:
		case ENCR_AES_GCM_ICV16:
		case ENCR_NULL_AUTH_AES_GMAC:
		case ENCR_CAMELLIA_CCM_ICV8:
		case ENCR_CAMELLIA_CCM_ICV12:
		case ENCR_CAMELLIA_CCM_ICV16:
		case ENCR_CHACHA20_POLY1305:
			return TRUE;
		default:
			return FALSE;
	}
}

/**
 * Salt size of an encryption algorithm, -1 if it takes no Key Length
 * attribute
 */
static int variable_key_salt(uint16_t encr)
{
	switch (encr)
	{
		case ENCR_AES_CBC:
		case ENCR_CAMELLIA_CBC:
			return 0;
		case ENCR_AES_CCM_ICV8:
		case ENCR_AES_CCM_ICV12:
		case ENCR_AES_CCM_ICV16:
		case ENCR_CAMELLIA_CCM_ICV8:
		case ENCR_CAMELLIA_CCM_ICV12:
		case ENCR_CAMELLIA_CCM_ICV16:
			return 3;
		case ENCR_AES_CTR:
		case ENCR_CAMELLIA_CTR:
		case ENCR_AES_GCM_ICV8:
		case ENCR_AES_GCM_ICV12:
		case ENCR_AES_GCM_ICV16:
		case ENCR_NULL_AUTH_AES_GMAC:
			return 4;
		default:
			return -1;
	}
}

/*
 * Described in header
 */
bool gikev2_policy_keymat_size(gikev2_policy_t *policy, size_t *size)
{
	size_t encr, integ, kwk = 0;
	uint16_t integ_alg = AUTH_UNDEFINED;

	/* INTEG NONE is 0 on the wire */
	if (policy->integ.present && policy->integ.id)
	{
		integ_alg = policy->integ.id;
	}
	if (!gdoi_keymat_sizes(policy->encr.present ? policy->encr.id : ENCR_NULL,
						   policy->encr.key_length, integ_alg, &encr, &integ))
	{
		return FALSE;
	}
	if (policy->protocol == GIKEV2_PROTO_GIKE_UPDATE)
	{	/* ARX-KW-8-2-4-GX takes a 256-bit key, though we cannot wrap with it */
		kwk = policy->kwa.id == GIKEV2_KW_ARX ? 32 :
											gikev2_kwa_key_size(policy->kwa.id);
		if (!kwk)
		{
			return FALSE;
		}
	}
	*size = encr + integ + kwk;
	return TRUE;
}

/**
 * Presence of a transform type in a policy of a protocol
 */
typedef enum {
	T_FORBIDDEN,
	T_OPTIONAL,
	T_MANDATORY,
} presence_t;

/**
 * Transform table of RFC 9838 4.4.2.1
 */
static presence_t transform_presence(gikev2_protocol_t protocol,
									 gikev2_transform_type_t type)
{
	switch (protocol)
	{
		case GIKEV2_PROTO_GIKE_UPDATE:
			switch (type)
			{
				case GIKEV2_TRANS_ENCR:
				case GIKEV2_TRANS_KWA:
					return T_MANDATORY;
				case GIKEV2_TRANS_INTEG:
				case GIKEV2_TRANS_GCAUTH:
					return T_OPTIONAL;
				default:
					return T_FORBIDDEN;
			}
		case GIKEV2_PROTO_ESP:
			switch (type)
			{
				case GIKEV2_TRANS_ENCR:
				case GIKEV2_TRANS_SN:
					return T_MANDATORY;
				case GIKEV2_TRANS_INTEG:
					return T_OPTIONAL;
				default:
					return T_FORBIDDEN;
			}
		case GIKEV2_PROTO_AH:
			switch (type)
			{
				case GIKEV2_TRANS_INTEG:
				case GIKEV2_TRANS_SN:
					return T_MANDATORY;
				default:
					return T_FORBIDDEN;
			}
		default:
			return T_FORBIDDEN;
	}
}

/**
 * The transform of a type in a policy, NULL if the model has no slot
 */
static gikev2_transform_t *get_transform(gikev2_policy_t *policy,
										 uint8_t type)
{
	switch (type)
	{
		case GIKEV2_TRANS_ENCR:
			return &policy->encr;
		case GIKEV2_TRANS_INTEG:
			return &policy->integ;
		case GIKEV2_TRANS_SN:
			return &policy->sn;
		case GIKEV2_TRANS_KWA:
			return &policy->kwa;
		case GIKEV2_TRANS_GCAUTH:
			return &policy->gcauth;
		default:
			return NULL;
	}
}

/** transform types in the order they are encoded */
static gikev2_transform_type_t transform_order[] = {
	GIKEV2_TRANS_ENCR, GIKEV2_TRANS_INTEG, GIKEV2_TRANS_SN,
	GIKEV2_TRANS_KWA, GIKEV2_TRANS_GCAUTH,
};

/**
 * Check the transforms of a policy
 */
static bool check_transforms(gikev2_policy_t *policy,
							 gikev2_exchange_t exchange, gikev2_err_t *err)
{
	gikev2_transform_t *t;
	presence_t presence;
	int i, salt;

	for (i = 0; i < countof(transform_order); i++)
	{
		t = get_transform(policy, transform_order[i]);
		presence = transform_presence(policy->protocol, transform_order[i]);
		if (presence == T_MANDATORY && !t->present)
		{
			gikev2_err_set(err, "GSA %N policy misses mandatory %N transform",
						   gikev2_protocol_names, policy->protocol,
						   gikev2_transform_type_names, transform_order[i]);
			return FALSE;
		}
		if (presence == T_FORBIDDEN && t->present)
		{
			gikev2_err_set(err, "GSA %N policy must not have a %N transform",
						   gikev2_protocol_names, policy->protocol,
						   gikev2_transform_type_names, transform_order[i]);
			return FALSE;
		}
		if (t->present && transform_order[i] != GIKEV2_TRANS_ENCR &&
			t->key_length)
		{
			gikev2_err_set(err, "GSA %N transform must not have a Key Length "
						   "attribute", gikev2_transform_type_names,
						   transform_order[i]);
			return FALSE;
		}
		if (t->present && transform_order[i] != GIKEV2_TRANS_GCAUTH &&
			t->sig_alg.len)
		{
			gikev2_err_set(err, "GSA %N transform must not have a Signature "
						   "Algorithm Identifier attribute",
						   gikev2_transform_type_names, transform_order[i]);
			return FALSE;
		}
	}
	if (policy->encr.present)
	{
		switch (policy->encr.id)
		{
			case ENCR_AES_CCM_8_IIV:
			case ENCR_AES_GCM_16_IIV:
			case ENCR_CHACHA20_POLY1305_IIV:
				gikev2_err_set(err, "GSA ENCR transform %u uses an implicit IV",
							   policy->encr.id);
				return FALSE;
			default:
				break;
		}
		salt = variable_key_salt(policy->encr.id);
		if (salt >= 0 && policy->encr.key_length != 128 &&
			policy->encr.key_length != 192 && policy->encr.key_length != 256)
		{
			gikev2_err_set(err, "GSA ENCR transform %N has an invalid Key "
						   "Length attribute (%u)", encryption_algorithm_names,
						   policy->encr.id, policy->encr.key_length);
			return FALSE;
		}
		if (salt < 0 && policy->encr.key_length)
		{
			gikev2_err_set(err, "GSA ENCR transform %N must not have a Key "
						   "Length attribute", encryption_algorithm_names,
						   policy->encr.id);
			return FALSE;
		}
		if (is_aead(policy->encr.id))
		{
			if (policy->integ.present && policy->integ.id != INTEG_NONE)
			{
				gikev2_err_set(err, "GSA INTEG transform must be absent or "
							   "NONE with AEAD ENCR %N",
							   encryption_algorithm_names, policy->encr.id);
				return FALSE;
			}
		}
		else if (policy->protocol == GIKEV2_PROTO_GIKE_UPDATE &&
				 (!policy->integ.present || policy->integ.id == INTEG_NONE))
		{
			gikev2_err_set(err, "GSA GIKE_UPDATE policy misses an INTEG "
						   "transform for non-AEAD ENCR %N",
						   encryption_algorithm_names, policy->encr.id);
			return FALSE;
		}
	}
	if (policy->protocol == GIKEV2_PROTO_AH &&
		policy->integ.id == INTEG_NONE)
	{
		gikev2_err_set(err, "GSA AH policy has INTEG transform NONE");
		return FALSE;
	}
	if (policy->sn.present && policy->sn.id != GIKEV2_SN_32BIT_SEQUENTIAL &&
		policy->sn.id != GIKEV2_SN_32BIT_UNSPECIFIED)
	{
		gikev2_err_set(err, "GSA SN transform %u not allowed for a group SA",
					   policy->sn.id);
		return FALSE;
	}
	if (policy->kwa.present && policy->kwa.id == 0)
	{
		gikev2_err_set(err, "GSA KWA transform ID 0 is reserved");
		return FALSE;
	}
	if (policy->gcauth.present)
	{
		/* only at registration (RFC 9838 4.4.2.1, note **) */
		if (exchange != GIKEV2_GSA_AUTH && exchange != GIKEV2_GSA_REGISTRATION)
		{
			gikev2_err_set(err, "GSA GCAUTH transform not allowed in %N",
						   gikev2_exchange_names, exchange);
			return FALSE;
		}
		if (policy->gcauth.id == 0)
		{
			gikev2_err_set(err, "GSA GCAUTH transform ID 0 is reserved");
			return FALSE;
		}
		if (policy->gcauth.id == GIKEV2_GCAUTH_DIGITAL_SIGNATURE &&
			!policy->gcauth.sig_alg.len)
		{
			gikev2_err_set(err, "GSA GCAUTH DIGITAL_SIGNATURE misses the "
						   "Signature Algorithm Identifier attribute");
			return FALSE;
		}
		if (policy->gcauth.id != GIKEV2_GCAUTH_DIGITAL_SIGNATURE &&
			policy->gcauth.sig_alg.len)
		{
			gikev2_err_set(err, "GSA GCAUTH %u must not have a Signature "
						   "Algorithm Identifier attribute", policy->gcauth.id);
			return FALSE;
		}
	}
	return TRUE;
}

/**
 * Check that an address chunk is a multicast address
 */
static bool is_multicast(chunk_t addr)
{
	if (addr.len == 4)
	{
		return (addr.ptr[0] & 0xf0) == 0xe0;
	}
	return addr.len == 16 && addr.ptr[0] == 0xff;
}

/**
 * Check that an address range is the whole address space of its family
 */
static bool is_any(traffic_selector_t *ts)
{
	chunk_t from, to;
	int i;

	from = ts->get_from_address(ts);
	to = ts->get_to_address(ts);
	for (i = 0; i < from.len; i++)
	{
		if (from.ptr[i] != 0x00 || to.ptr[i] != 0xff)
		{
			return FALSE;
		}
	}
	return TRUE;
}

/**
 * Check a policy of the model
 */
static bool check_policy(gikev2_policy_t *policy, gikev2_exchange_t exchange,
						 bool multicast, gikev2_err_t *err)
{
	traffic_selector_t *dst;
	size_t spi_size;

	switch (policy->protocol)
	{
		case GIKEV2_PROTO_GIKE_UPDATE:
			spi_size = 16;
			break;
		case GIKEV2_PROTO_ESP:
		case GIKEV2_PROTO_AH:
			spi_size = 4;
			break;
		default:
			gikev2_err_set(err, "GSA policy Protocol %u not allowed",
						   policy->protocol);
			return FALSE;
	}
	if (policy->spi.len != spi_size)
	{
		gikev2_err_set(err, "GSA %N policy SPI Size %zu, not %zu",
					   gikev2_protocol_names, policy->protocol,
					   policy->spi.len, spi_size);
		return FALSE;
	}
	if (!policy->src || !policy->dst)
	{
		gikev2_err_set(err, "GSA %N policy misses a Traffic Selector",
					   gikev2_protocol_names, policy->protocol);
		return FALSE;
	}
	if (policy->protocol == GIKEV2_PROTO_GIKE_UPDATE)
	{
		dst = policy->dst;
		/* unicast rekeys to each member's IKE port: any address */
		if (dst->get_protocol(dst) != IPPROTO_UDP ||
			dst->get_from_port(dst) != dst->get_to_port(dst) ||
			!(is_any(dst) || (chunk_equals(dst->get_from_address(dst),
										   dst->get_to_address(dst)) &&
							  is_multicast(dst->get_from_address(dst)))))
		{
			gikev2_err_set(err, "GSA GIKE_UPDATE policy Destination Traffic "
						   "Selector %R is neither one multicast address nor "
						   "any address, UDP and one port", dst);
			return FALSE;
		}
	}
	if (!check_transforms(policy, exchange, err))
	{
		return FALSE;
	}
	if (policy->has_initial_message_id &&
		policy->protocol != GIKEV2_PROTO_GIKE_UPDATE)
	{
		gikev2_err_set(err, "GSA_INITIAL_MESSAGE_ID not allowed in a %N "
					   "policy", gikev2_protocol_names, policy->protocol);
		return FALSE;
	}
	if (exchange == GIKEV2_GSA_INBAND_REKEY &&
		(policy->has_initial_message_id || policy->next_spis.len))
	{
		gikev2_err_set(err, "%s not allowed in %N",
					   policy->next_spis.len ? "GSA_NEXT_SPI"
											 : "GSA_INITIAL_MESSAGE_ID",
					   gikev2_exchange_names, exchange);
		return FALSE;
	}
	if (policy->next_spis.len % spi_size)
	{
		gikev2_err_set(err, "GSA_NEXT_SPI length is not the SPI Size %zu",
					   spi_size);
		return FALSE;
	}
	if (multicast && !policy->has_lifetime)
	{
		gikev2_err_set(err, "GSA %N policy misses GSA_KEY_LIFETIME required "
					   "with multicast rekey", gikev2_protocol_names,
					   policy->protocol);
		return FALSE;
	}
	return TRUE;
}

/**
 * Check the whole model
 */
static bool check_gsa(private_gikev2_gsa_t *this, gikev2_exchange_t exchange,
					  gikev2_err_t *err)
{
	gikev2_policy_t *policy;
	bool multicast;
	int i, keks = 0;

	if (exchange < GIKEV2_GSA_AUTH || exchange > GIKEV2_GSA_INBAND_REKEY)
	{
		gikev2_err_set(err, "GSA in exchange %d, not a G-IKEv2 exchange",
					   exchange);
		return FALSE;
	}
	for (i = 0; i < array_count(this->policies); i++)
	{
		array_get(this->policies, i, &policy);
		if (policy->protocol == GIKEV2_PROTO_GIKE_UPDATE && ++keks > 1)
		{
			gikev2_err_set(err, "GSA has more than one KEK (GIKE_UPDATE) "
						   "policy");
			return FALSE;
		}
	}
	if (!array_count(this->policies))
	{
		gikev2_err_set(err, "GSA has neither a KEK nor a TEK policy");
		return FALSE;
	}
	multicast = keks || exchange == GIKEV2_GSA_REKEY;
	for (i = 0; i < array_count(this->policies); i++)
	{
		array_get(this->policies, i, &policy);
		if (!check_policy(policy, exchange, multicast, err))
		{
			return FALSE;
		}
	}
	if (this->has_gw && this->gw.has_sender_id_bits &&
		(exchange == GIKEV2_GSA_REKEY || exchange == GIKEV2_GSA_INBAND_REKEY))
	{
		gikev2_err_set(err, "GWP_SENDER_ID_BITS not allowed in %N",
					   gikev2_exchange_names, exchange);
		return FALSE;
	}
	return TRUE;
}

/**
 * Parse a traffic selector substructure (RFC 7296 3.13.1)
 */
static bool parse_ts(bio_reader_t *reader, char *which,
					 traffic_selector_t **ts, gikev2_err_t *err)
{
	uint8_t type, proto;
	uint16_t len, from_port, to_port;
	chunk_t from, to;
	size_t addr_len;

	if (!reader->read_uint8(reader, &type) ||
		!reader->read_uint8(reader, &proto) ||
		!reader->read_uint16(reader, &len) ||
		!reader->read_uint16(reader, &from_port) ||
		!reader->read_uint16(reader, &to_port))
	{
		gikev2_err_set(err, "GSA %s Traffic Selector header truncated", which);
		return FALSE;
	}
	switch (type)
	{
		case TS_IPV4_ADDR_RANGE:
			addr_len = 4;
			break;
		case TS_IPV6_ADDR_RANGE:
			addr_len = 16;
			break;
		default:
			gikev2_err_set(err, "GSA %s Traffic Selector TS Type %u not "
						   "supported", which, type);
			return FALSE;
	}
	if (len != TS_HEADER_LEN + 2 * addr_len)
	{
		gikev2_err_set(err, "GSA %s Traffic Selector Selector Length %u, not "
					   "%zu", which, len, TS_HEADER_LEN + 2 * addr_len);
		return FALSE;
	}
	if (!reader->read_data(reader, addr_len, &from) ||
		!reader->read_data(reader, addr_len, &to))
	{
		gikev2_err_set(err, "GSA %s Traffic Selector Selector Length exceeds "
					   "the policy", which);
		return FALSE;
	}
	if (memcmp(from.ptr, to.ptr, addr_len) > 0)
	{
		gikev2_err_set(err, "GSA %s Traffic Selector Starting Address above "
					   "Ending Address", which);
		return FALSE;
	}
	/* RFC 4301 OPAQUE ports are encoded as 65535-0 */
	if (from_port > to_port && !(from_port == 0xffff && to_port == 0))
	{
		gikev2_err_set(err, "GSA %s Traffic Selector Start Port above End "
					   "Port", which);
		return FALSE;
	}
	*ts = traffic_selector_create_from_bytes(proto, type, from, from_port,
											 to, to_port);
	if (!*ts)
	{
		gikev2_err_set(err, "GSA %s Traffic Selector invalid", which);
		return FALSE;
	}
	return TRUE;
}

/**
 * Parse the attributes of a transform
 */
static bool parse_transform_attrs(chunk_t data, uint8_t type,
								  gikev2_transform_t *t, gikev2_err_t *err)
{
	bio_reader_t *reader;
	gikev2_attr_t attr;
	bool ok = TRUE, has_key_length = FALSE;

	reader = bio_reader_create(data);
	while (ok && reader->remaining(reader))
	{
		if (!gikev2_attr_read(reader, &attr, "GSA transform", err))
		{
			ok = FALSE;
			break;
		}
		switch (attr.type)
		{
			case GIKEV2_TATTR_KEY_LENGTH:
				if (!attr.tv || has_key_length)
				{
					gikev2_err_set(err, "GSA %N transform Key Length attribute "
								   "%s", gikev2_transform_type_names, type,
								   attr.tv ? "duplicated" : "not TV");
					ok = FALSE;
					break;
				}
				if (!attr.value)
				{
					gikev2_err_set(err, "GSA %N transform Key Length attribute "
								   "is 0", gikev2_transform_type_names, type);
					ok = FALSE;
					break;
				}
				has_key_length = TRUE;
				t->key_length = attr.value;
				break;
			case GIKEV2_TATTR_SIGNATURE_ALGORITHM_ID:
				if (attr.tv || t->sig_alg.len || !attr.data.len)
				{
					gikev2_err_set(err, "GSA %N transform Signature Algorithm "
								   "Identifier attribute %s",
								   gikev2_transform_type_names, type,
								   attr.tv ? "not TLV" : t->sig_alg.len ?
								   "duplicated" : "empty");
					ok = FALSE;
					break;
				}
				t->sig_alg = chunk_clone(attr.data);
				break;
			default:
				gikev2_err_set(err, "GSA %N transform attribute type %u "
							   "unknown", gikev2_transform_type_names, type,
							   attr.type);
				ok = FALSE;
				break;
		}
	}
	reader->destroy(reader);
	return ok;
}

/**
 * Parse one transform substructure (RFC 7296 3.3.2)
 */
static bool parse_transform(bio_reader_t *reader, gikev2_policy_t *policy,
							uint8_t *last, gikev2_err_t *err)
{
	uint8_t reserved, type;
	uint16_t len, id;
	chunk_t attrs;
	gikev2_transform_t *t;

	if (!reader->read_uint8(reader, last) ||
		!reader->read_uint8(reader, &reserved) ||
		!reader->read_uint16(reader, &len) ||
		!reader->read_uint8(reader, &type) ||
		!reader->read_uint8(reader, &reserved) ||
		!reader->read_uint16(reader, &id))
	{
		gikev2_err_set(err, "GSA transform header truncated");
		return FALSE;
	}
	if (*last != 0 && *last != MORE_TRANSFORMS)
	{
		gikev2_err_set(err, "GSA transform Last Substruc %u invalid", *last);
		return FALSE;
	}
	if (len < TRANSFORM_HEADER_LEN)
	{
		gikev2_err_set(err, "GSA transform Transform Length %u too small",
					   len);
		return FALSE;
	}
	if (!reader->read_data(reader, len - TRANSFORM_HEADER_LEN, &attrs))
	{
		gikev2_err_set(err, "GSA transform Transform Length %u exceeds the "
					   "policy", len);
		return FALSE;
	}
	t = get_transform(policy, type);
	if (!t || transform_presence(policy->protocol, type) == T_FORBIDDEN)
	{
		gikev2_err_set(err, "GSA transform type %N not allowed for %N",
					   gikev2_transform_type_names, type,
					   gikev2_protocol_names, policy->protocol);
		return FALSE;
	}
	if (t->present)
	{
		gikev2_err_set(err, "GSA transform type %N duplicated",
					   gikev2_transform_type_names, type);
		return FALSE;
	}
	t->present = TRUE;
	t->id = id;
	return parse_transform_attrs(attrs, type, t, err);
}

/**
 * Read a 4-octet TLV attribute value
 */
static bool read_u32_attr(gikev2_attr_t *attr, bool *has, uint32_t *value,
						  gikev2_err_t *err)
{
	if (attr->tv || attr->data.len != 4)
	{
		gikev2_err_set(err, "%N attribute must be TLV with 4 octets",
					   gikev2_gsa_attr_names, attr->type);
		return FALSE;
	}
	if (*has)
	{
		gikev2_err_set(err, "%N attribute duplicated",
					   gikev2_gsa_attr_names, attr->type);
		return FALSE;
	}
	*has = TRUE;
	*value = untoh32(attr->data.ptr);
	return TRUE;
}

/**
 * Parse the GSA attributes of a policy
 */
static bool parse_gsa_attrs(bio_reader_t *reader, gikev2_policy_t *policy,
							gikev2_err_t *err)
{
	gikev2_attr_t attr;

	while (reader->remaining(reader))
	{
		if (!gikev2_attr_read(reader, &attr, "GSA", err))
		{
			return FALSE;
		}
		switch (attr.type)
		{
			case GIKEV2_GSA_KEY_LIFETIME:
				if (!read_u32_attr(&attr, &policy->has_lifetime,
								   &policy->lifetime, err))
				{
					return FALSE;
				}
				break;
			case GIKEV2_GSA_INITIAL_MESSAGE_ID:
				if (!read_u32_attr(&attr, &policy->has_initial_message_id,
								   &policy->initial_message_id, err))
				{
					return FALSE;
				}
				break;
			case GIKEV2_GSA_NEXT_SPI:
				if (attr.tv || attr.data.len != policy->spi.len)
				{
					gikev2_err_set(err, "GSA_NEXT_SPI attribute must be TLV "
								   "with SPI Size %zu octets", policy->spi.len);
					return FALSE;
				}
				policy->next_spis = chunk_cat("mc", policy->next_spis,
											  attr.data);
				break;
			default:
				gikev2_err_set(err, "GSA attribute type %u unknown",
							   attr.type);
				return FALSE;
		}
	}
	return TRUE;
}

/**
 * Parse a GSA policy substructure after its header
 */
static gikev2_policy_t *parse_policy(uint8_t protocol, uint8_t spi_size,
									 chunk_t data, gikev2_err_t *err)
{
	gikev2_policy_t *policy;
	bio_reader_t *reader;
	chunk_t spi;
	uint8_t last = MORE_TRANSFORMS;
	bool ok = FALSE;

	if (protocol != GIKEV2_PROTO_GIKE_UPDATE &&
		protocol != GIKEV2_PROTO_ESP && protocol != GIKEV2_PROTO_AH)
	{
		gikev2_err_set(err, "GSA policy Protocol %u not allowed", protocol);
		return NULL;
	}
	if (spi_size != (protocol == GIKEV2_PROTO_GIKE_UPDATE ? 16 : 4))
	{
		gikev2_err_set(err, "GSA %N policy SPI Size %u, not %u",
					   gikev2_protocol_names, protocol, spi_size,
					   protocol == GIKEV2_PROTO_GIKE_UPDATE ? 16 : 4);
		return NULL;
	}
	reader = bio_reader_create(data);
	if (!reader->read_data(reader, spi_size, &spi))
	{
		gikev2_err_set(err, "GSA %N policy SPI exceeds the Length",
					   gikev2_protocol_names, protocol);
		reader->destroy(reader);
		return NULL;
	}
	policy = gikev2_policy_create(protocol, spi, NULL, NULL);
	if (parse_ts(reader, "Source", &policy->src, err) &&
		parse_ts(reader, "Destination", &policy->dst, err))
	{
		ok = TRUE;
		while (ok && last == MORE_TRANSFORMS)
		{
			ok = parse_transform(reader, policy, &last, err);
		}
		ok = ok && parse_gsa_attrs(reader, policy, err);
	}
	reader->destroy(reader);
	if (!ok)
	{
		gikev2_policy_destroy(policy);
		return NULL;
	}
	return policy;
}

/**
 * Parse a GW policy substructure after its header
 */
static bool parse_gw(chunk_t data, gikev2_gw_policy_t *gw, gikev2_err_t *err)
{
	bio_reader_t *reader;
	gikev2_attr_t attr;
	bool *has;
	uint16_t *value;
	bool ok = TRUE;

	reader = bio_reader_create(data);
	while (ok && reader->remaining(reader))
	{
		if (!gikev2_attr_read(reader, &attr, "GW policy", err))
		{
			ok = FALSE;
			break;
		}
		switch (attr.type)
		{
			case GIKEV2_GWP_ATD:
				has = &gw->has_atd;
				value = &gw->atd;
				break;
			case GIKEV2_GWP_DTD:
				has = &gw->has_dtd;
				value = &gw->dtd;
				break;
			case GIKEV2_GWP_SENDER_ID_BITS:
				has = &gw->has_sender_id_bits;
				value = &gw->sender_id_bits;
				break;
			default:
				gikev2_err_set(err, "GW policy attribute type %u unknown",
							   attr.type);
				ok = FALSE;
				continue;
		}
		if (!attr.tv || *has)
		{
			gikev2_err_set(err, "%N attribute %s", gikev2_gwp_attr_names,
						   attr.type, attr.tv ? "duplicated" : "not TV");
			ok = FALSE;
			continue;
		}
		*has = TRUE;
		*value = attr.value;
	}
	reader->destroy(reader);
	return ok;
}

METHOD(gikev2_gsa_t, add_policy, void,
	private_gikev2_gsa_t *this, gikev2_policy_t *policy)
{
	array_insert_create(&this->policies, ARRAY_TAIL, policy);
}

METHOD(gikev2_gsa_t, create_policy_enumerator, enumerator_t*,
	private_gikev2_gsa_t *this)
{
	return array_create_enumerator(this->policies);
}

METHOD(gikev2_gsa_t, get_kek, gikev2_policy_t*,
	private_gikev2_gsa_t *this)
{
	gikev2_policy_t *policy;
	int i;

	for (i = 0; i < array_count(this->policies); i++)
	{
		array_get(this->policies, i, &policy);
		if (policy->protocol == GIKEV2_PROTO_GIKE_UPDATE)
		{
			return policy;
		}
	}
	return NULL;
}

METHOD(gikev2_gsa_t, get_gw, gikev2_gw_policy_t*,
	private_gikev2_gsa_t *this)
{
	return this->has_gw ? &this->gw : NULL;
}

METHOD(gikev2_gsa_t, set_gw, void,
	private_gikev2_gsa_t *this, gikev2_gw_policy_t *gw)
{
	this->has_gw = gw != NULL;
	this->gw = gw ? *gw : (gikev2_gw_policy_t){};
}

/**
 * Write a traffic selector substructure
 */
static void write_ts(bio_writer_t *writer, traffic_selector_t *ts)
{
	chunk_t from, to;

	from = ts->get_from_address(ts);
	to = ts->get_to_address(ts);
	writer->write_uint8(writer, ts->get_type(ts));
	writer->write_uint8(writer, ts->get_protocol(ts));
	writer->write_uint16(writer, TS_HEADER_LEN + from.len + to.len);
	writer->write_uint16(writer, ts->get_from_port(ts));
	writer->write_uint16(writer, ts->get_to_port(ts));
	writer->write_data(writer, from);
	writer->write_data(writer, to);
}

/**
 * Write the transforms of a policy
 */
static void write_transforms(bio_writer_t *writer, gikev2_policy_t *policy)
{
	bio_writer_t *attrs;
	gikev2_transform_t *t;
	chunk_t data;
	int i, last = -1;

	for (i = 0; i < countof(transform_order); i++)
	{
		if (get_transform(policy, transform_order[i])->present)
		{
			last = i;
		}
	}
	for (i = 0; i <= last; i++)
	{
		t = get_transform(policy, transform_order[i]);
		if (!t->present)
		{
			continue;
		}
		attrs = bio_writer_create(0);
		if (t->key_length)
		{
			gikev2_attr_write_tv(attrs, GIKEV2_TATTR_KEY_LENGTH,
								 t->key_length);
		}
		if (t->sig_alg.len)
		{
			gikev2_attr_write_tlv(attrs, GIKEV2_TATTR_SIGNATURE_ALGORITHM_ID,
								  t->sig_alg);
		}
		data = attrs->get_buf(attrs);
		writer->write_uint8(writer, i == last ? 0 : MORE_TRANSFORMS);
		writer->write_uint8(writer, 0);
		writer->write_uint16(writer, TRANSFORM_HEADER_LEN + data.len);
		writer->write_uint8(writer, transform_order[i]);
		writer->write_uint8(writer, 0);
		writer->write_uint16(writer, t->id);
		writer->write_data(writer, data);
		attrs->destroy(attrs);
	}
}

/**
 * Write a substructure with its header, FALSE if too long
 */
static bool write_subst(bio_writer_t *writer, uint8_t first, uint8_t second,
						bio_writer_t *body, gikev2_err_t *err)
{
	chunk_t data;

	data = body->get_buf(body);
	if (data.len > 0xffff - SUBST_HEADER_LEN)
	{
		gikev2_err_set(err, "GSA policy Length exceeds 65535");
		return FALSE;
	}
	writer->write_uint8(writer, first);
	writer->write_uint8(writer, second);
	writer->write_uint16(writer, SUBST_HEADER_LEN + data.len);
	writer->write_data(writer, data);
	return TRUE;
}

METHOD(gikev2_gsa_t, encode, bool,
	private_gikev2_gsa_t *this, gikev2_exchange_t exchange, chunk_t *out,
	gikev2_err_t *err)
{
	bio_writer_t *writer, *body;
	gikev2_policy_t *policy;
	chunk_t spis;
	bool ok = TRUE;
	int i;

	if (!check_gsa(this, exchange, err))
	{
		return FALSE;
	}
	writer = bio_writer_create(0);
	for (i = 0; ok && i < array_count(this->policies); i++)
	{
		array_get(this->policies, i, &policy);
		body = bio_writer_create(0);
		body->write_data(body, policy->spi);
		write_ts(body, policy->src);
		write_ts(body, policy->dst);
		write_transforms(body, policy);
		if (policy->has_lifetime)
		{
			gikev2_attr_write_tlv(body, GIKEV2_GSA_KEY_LIFETIME,
						chunk_from_thing((uint32_t){htonl(policy->lifetime)}));
		}
		if (policy->has_initial_message_id)
		{
			gikev2_attr_write_tlv(body, GIKEV2_GSA_INITIAL_MESSAGE_ID,
			chunk_from_thing((uint32_t){htonl(policy->initial_message_id)}));
		}
		spis = policy->next_spis;
		while (spis.len)
		{
			gikev2_attr_write_tlv(body, GIKEV2_GSA_NEXT_SPI,
								  chunk_create(spis.ptr, policy->spi.len));
			spis = chunk_skip(spis, policy->spi.len);
		}
		ok = write_subst(writer, policy->protocol, policy->spi.len, body, err);
		body->destroy(body);
	}
	if (ok && this->has_gw)
	{
		body = bio_writer_create(0);
		if (this->gw.has_atd)
		{
			gikev2_attr_write_tv(body, GIKEV2_GWP_ATD, this->gw.atd);
		}
		if (this->gw.has_dtd)
		{
			gikev2_attr_write_tv(body, GIKEV2_GWP_DTD, this->gw.dtd);
		}
		if (this->gw.has_sender_id_bits)
		{
			gikev2_attr_write_tv(body, GIKEV2_GWP_SENDER_ID_BITS,
								 this->gw.sender_id_bits);
		}
		ok = write_subst(writer, GIKEV2_PROTO_NONE, 0, body, err);
		body->destroy(body);
	}
	if (ok)
	{
		*out = writer->extract_buf(writer);
	}
	writer->destroy(writer);
	return ok;
}

CALLBACK(destroy_policy, void,
	gikev2_policy_t *policy, int idx, void *user)
{
	gikev2_policy_destroy(policy);
}

METHOD(gikev2_gsa_t, destroy, void,
	private_gikev2_gsa_t *this)
{
	array_destroy_function(this->policies, destroy_policy, NULL);
	free(this);
}

/*
 * Described in header
 */
gikev2_gsa_t *gikev2_gsa_create()
{
	private_gikev2_gsa_t *this;

	INIT(this,
		.public = {
			.add_policy = _add_policy,
			.create_policy_enumerator = _create_policy_enumerator,
			.get_kek = _get_kek,
			.get_gw = _get_gw,
			.set_gw = _set_gw,
			.encode = _encode,
			.destroy = _destroy,
		},
	);
	return &this->public;
}

/*
 * Described in header
 */
gikev2_gsa_t *gikev2_gsa_decode(chunk_t body, gikev2_exchange_t exchange,
								gikev2_err_t *err)
{
	private_gikev2_gsa_t *this;
	gikev2_policy_t *policy;
	bio_reader_t *reader;
	uint8_t protocol, spi_size;
	uint16_t len;
	chunk_t data;
	bool ok = TRUE;

	this = (private_gikev2_gsa_t*)gikev2_gsa_create();
	reader = bio_reader_create(body);
	while (ok && reader->remaining(reader))
	{
		if (!reader->read_uint8(reader, &protocol) ||
			!reader->read_uint8(reader, &spi_size) ||
			!reader->read_uint16(reader, &len))
		{
			gikev2_err_set(err, "GSA policy header truncated");
			ok = FALSE;
			break;
		}
		if (len < SUBST_HEADER_LEN ||
			!reader->read_data(reader, len - SUBST_HEADER_LEN, &data))
		{
			gikev2_err_set(err, "GSA policy Length %u invalid (%u octets "
						   "left)", len, reader->remaining(reader) +
						   SUBST_HEADER_LEN);
			ok = FALSE;
			break;
		}
		if (protocol == GIKEV2_PROTO_NONE)
		{
			/* RESERVED (in place of SPI Size) is ignored on receipt */
			if (this->has_gw)
			{
				gikev2_err_set(err, "GSA has more than one GW policy");
				ok = FALSE;
				break;
			}
			this->has_gw = TRUE;
			ok = parse_gw(data, &this->gw, err);
			continue;
		}
		policy = parse_policy(protocol, spi_size, data, err);
		if (!policy)
		{
			ok = FALSE;
			break;
		}
		array_insert_create(&this->policies, ARRAY_TAIL, policy);
	}
	reader->destroy(reader);
	if (!ok || !check_gsa(this, exchange, err))
	{
		destroy(this);
		return NULL;
	}
	return &this->public;
}
