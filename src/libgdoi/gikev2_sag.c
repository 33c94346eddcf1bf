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

#include "gikev2_sag.h"

#include <crypto/crypters/crypter.h>
#include <encoding/payloads/sa_payload.h>
#include <encoding/payloads/proposal_substructure.h>
#include <encoding/payloads/transform_substructure.h>
#include <encoding/payloads/transform_attribute.h>

/** length of a proposal substructure header without SPI */
#define PROPOSAL_HEADER_LEN 8

/** length of a transform substructure without attributes */
#define TRANSFORM_HEADER_LEN 8

/** Last Substruc value of a proposal that is followed by another */
#define MORE_PROPOSALS 2

/** Last Substruc value of a transform that is followed by another */
#define MORE_TRANSFORMS 3

/** the INTEG transform ID NONE (RFC 7296 3.3.2), not in signer.h */
#define INTEG_NONE 0

/** payload type of the IKEv2 SA payload, which the SAg reuses */
#define PL_SA 33

typedef struct private_gikev2_sag_t private_gikev2_sag_t;

/**
 * Private data of a gikev2_sag_t object.
 */
struct private_gikev2_sag_t {

	/**
	 * Public interface.
	 */
	gikev2_sag_t public;

	/**
	 * Proposals in wire order, gikev2_sag_proposal_t*
	 */
	array_t *proposals;
};

/*
 * Described in header
 */
gikev2_sag_proposal_t *gikev2_sag_proposal_create(uint8_t number,
											gikev2_protocol_t protocol)
{
	gikev2_sag_proposal_t *proposal;

	INIT(proposal,
		.number = number,
		.protocol = protocol,
		.transforms = array_create(sizeof(gikev2_sag_transform_t), 0),
	);
	return proposal;
}

/*
 * Described in header
 */
void gikev2_sag_proposal_add(gikev2_sag_proposal_t *proposal, uint8_t type,
							 uint16_t id, uint16_t key_length, chunk_t sig_alg)
{
	gikev2_sag_transform_t t = {
		.type = type,
		.id = id,
		.key_length = key_length,
		.sig_alg = chunk_clone(sig_alg),
	};

	array_insert(proposal->transforms, ARRAY_TAIL, &t);
}

CALLBACK(free_transform, void,
	gikev2_sag_transform_t *t, int idx, void *user)
{
	chunk_free(&t->sig_alg);
	chunk_free(&t->attrs);
}

/*
 * Described in header
 */
void gikev2_sag_proposal_destroy(gikev2_sag_proposal_t *proposal)
{
	if (proposal)
	{
		array_destroy_function(proposal->transforms, free_transform, NULL);
		free(proposal);
	}
}

/**
 * Whether the table of RFC 9838 4.4.2.1 lists a transform type for a
 * protocol; transforms of other types are ignored (2.3.3)
 */
static bool type_in_table(gikev2_protocol_t protocol, uint8_t type)
{
	switch (protocol)
	{
		case GIKEV2_PROTO_GIKE_UPDATE:
			return type == GIKEV2_TRANS_ENCR || type == GIKEV2_TRANS_INTEG ||
				   type == GIKEV2_TRANS_GCAUTH || type == GIKEV2_TRANS_KWA;
		case GIKEV2_PROTO_ESP:
			return type == GIKEV2_TRANS_ENCR || type == GIKEV2_TRANS_INTEG ||
				   type == GIKEV2_TRANS_SN;
		case GIKEV2_PROTO_AH:
			return type == GIKEV2_TRANS_INTEG || type == GIKEV2_TRANS_SN;
		default:
			return FALSE;
	}
}

/**
 * Whether a proposal lists a transform of a type
 */
static bool lists_type(gikev2_sag_proposal_t *proposal, uint8_t type)
{
	gikev2_sag_transform_t t;
	int i;

	for (i = 0; i < array_count(proposal->transforms); i++)
	{
		array_get(proposal->transforms, i, &t);
		if (t.type == type)
		{
			return TRUE;
		}
	}
	return FALSE;
}

/**
 * Whether an encryption algorithm takes a Key Length attribute (RFC 7296
 * 3.3.5, RFC 5282, RFC 5529)
 */
static bool variable_key(uint16_t encr)
{
	switch (encr)
	{
		case ENCR_AES_CBC:
		case ENCR_AES_CTR:
		case ENCR_AES_CCM_ICV8:
		case ENCR_AES_CCM_ICV12:
		case ENCR_AES_CCM_ICV16:
		case ENCR_AES_GCM_ICV8:
		case ENCR_AES_GCM_ICV12:
		case ENCR_AES_GCM_ICV16:
		case ENCR_NULL_AUTH_AES_GMAC:
		case ENCR_CAMELLIA_CBC:
		case ENCR_CAMELLIA_CTR:
		case ENCR_CAMELLIA_CCM_ICV8:
		case ENCR_CAMELLIA_CCM_ICV12:
		case ENCR_CAMELLIA_CCM_ICV16:
			return TRUE;
		default:
			return FALSE;
	}
}

/**
 * Whether two chunks have the same content, both may be empty
 */
static bool same_bytes(chunk_t a, chunk_t b)
{
	return a.len == b.len && (!a.len || memeq(a.ptr, b.ptr, a.len));
}

/**
 * Whether two transforms are the same
 */
static bool transform_equals(gikev2_sag_transform_t *a,
							 gikev2_sag_transform_t *b)
{
	return a->type == b->type && a->id == b->id &&
		   a->key_length == b->key_length &&
		   same_bytes(a->sig_alg, b->sig_alg) &&
		   same_bytes(a->attrs, b->attrs);
}

/**
 * Check a transform of a proposal
 */
static bool check_transform(gikev2_sag_proposal_t *proposal,
							gikev2_sag_transform_t *t, gikev2_err_t *err)
{
	if (!type_in_table(proposal->protocol, t->type))
	{
		if (t->key_length || t->sig_alg.len)
		{
			gikev2_err_set(err, "SAg ignored transform type %u must keep its "
						   "attributes raw", t->type);
			return FALSE;
		}
		return TRUE;
	}
	if (t->attrs.len)
	{
		gikev2_err_set(err, "SAg %N transform has raw attributes",
					   gikev2_transform_type_names, t->type);
		return FALSE;
	}
	if (t->type == GIKEV2_TRANS_ENCR)
	{
		if (variable_key(t->id) && t->key_length != 128 &&
			t->key_length != 192 && t->key_length != 256)
		{
			gikev2_err_set(err, "SAg ENCR transform %N has an invalid Key "
						   "Length attribute (%u)", encryption_algorithm_names,
						   t->id, t->key_length);
			return FALSE;
		}
		if (!variable_key(t->id) && t->key_length)
		{
			gikev2_err_set(err, "SAg ENCR transform %u must not have a Key "
						   "Length attribute", t->id);
			return FALSE;
		}
	}
	else if (t->key_length)
	{
		gikev2_err_set(err, "SAg %N transform must not have a Key Length "
					   "attribute", gikev2_transform_type_names, t->type);
		return FALSE;
	}
	if ((t->type == GIKEV2_TRANS_KWA || t->type == GIKEV2_TRANS_GCAUTH) &&
		t->id == 0)
	{
		gikev2_err_set(err, "SAg %N transform ID 0 is reserved",
					   gikev2_transform_type_names, t->type);
		return FALSE;
	}
	if (t->sig_alg.len && (t->type != GIKEV2_TRANS_GCAUTH ||
						   t->id != GIKEV2_GCAUTH_DIGITAL_SIGNATURE))
	{
		gikev2_err_set(err, "SAg %N transform %u must not have a Signature "
					   "Algorithm Identifier attribute",
					   gikev2_transform_type_names, t->type, t->id);
		return FALSE;
	}
	return TRUE;
}

/**
 * Check a proposal of the model
 */
static bool check_proposal(gikev2_sag_proposal_t *proposal, gikev2_err_t *err)
{
	gikev2_sag_transform_t a, b;
	uint8_t mandatory[2] = {};
	int i, j;

	switch (proposal->protocol)
	{
		case GIKEV2_PROTO_GIKE_UPDATE:
			mandatory[0] = GIKEV2_TRANS_ENCR;
			mandatory[1] = GIKEV2_TRANS_KWA;
			break;
		case GIKEV2_PROTO_ESP:
			mandatory[0] = GIKEV2_TRANS_ENCR;
			break;
		case GIKEV2_PROTO_AH:
			mandatory[0] = GIKEV2_TRANS_INTEG;
			break;
		default:
			gikev2_err_set(err, "SAg proposal Protocol ID %u not allowed",
						   proposal->protocol);
			return FALSE;
	}
	if (!array_count(proposal->transforms))
	{
		gikev2_err_set(err, "SAg %N proposal has no transforms",
					   gikev2_protocol_names, proposal->protocol);
		return FALSE;
	}
	if (array_count(proposal->transforms) > 255)
	{
		gikev2_err_set(err, "SAg %N proposal has more than 255 transforms",
					   gikev2_protocol_names, proposal->protocol);
		return FALSE;
	}
	for (i = 0; i < countof(mandatory); i++)
	{
		if (mandatory[i] && !lists_type(proposal, mandatory[i]))
		{
			gikev2_err_set(err, "SAg %N proposal lists no %N transform",
						   gikev2_protocol_names, proposal->protocol,
						   gikev2_transform_type_names, mandatory[i]);
			return FALSE;
		}
	}
	for (i = 0; i < array_count(proposal->transforms); i++)
	{
		array_get(proposal->transforms, i, &a);
		if (!check_transform(proposal, &a, err))
		{
			return FALSE;
		}
		for (j = 0; j < i; j++)
		{
			array_get(proposal->transforms, j, &b);
			if (transform_equals(&a, &b))
			{
				gikev2_err_set(err, "SAg %N proposal lists transform type %u "
							   "ID %u twice", gikev2_protocol_names,
							   proposal->protocol, a.type, a.id);
				return FALSE;
			}
		}
	}
	return TRUE;
}

/**
 * Check the whole model
 */
static bool check_sag(private_gikev2_sag_t *this, gikev2_err_t *err)
{
	gikev2_sag_proposal_t *proposal;
	int i, last = 0;
	bool kwa = FALSE;

	if (!array_count(this->proposals))
	{
		gikev2_err_set(err, "SAg has no proposals");
		return FALSE;
	}
	for (i = 0; i < array_count(this->proposals); i++)
	{
		array_get(this->proposals, i, &proposal);
		if (i == 0 && proposal->number != 1)
		{
			gikev2_err_set(err, "SAg proposal 1 Proposal Num %u, not 1",
						   proposal->number);
			return FALSE;
		}
		if (i > 0 && proposal->number != last && proposal->number != last + 1)
		{
			gikev2_err_set(err, "SAg proposal %d Proposal Num %u, not %d or %d",
						   i + 1, proposal->number, last, last + 1);
			return FALSE;
		}
		last = proposal->number;
		if (!check_proposal(proposal, err))
		{
			return FALSE;
		}
		kwa = kwa || proposal->protocol == GIKEV2_PROTO_GIKE_UPDATE;
	}
	if (!kwa)
	{
		gikev2_err_set(err, "SAg lists no KWA transform (no GIKE_UPDATE "
					   "proposal)");
		return FALSE;
	}
	return TRUE;
}

/**
 * Parse the attributes of a transform of the table
 */
static bool parse_transform_attrs(chunk_t data, gikev2_sag_transform_t *t,
								  gikev2_err_t *err)
{
	bio_reader_t *reader;
	gikev2_attr_t attr;
	bool ok = TRUE, has_key_length = FALSE;

	reader = bio_reader_create(data);
	while (ok && reader->remaining(reader))
	{
		if (!gikev2_attr_read(reader, &attr, "SAg transform", err))
		{
			ok = FALSE;
			break;
		}
		switch (attr.type)
		{
			case GIKEV2_TATTR_KEY_LENGTH:
				if (!attr.tv || has_key_length || !attr.value)
				{
					gikev2_err_set(err, "SAg %N transform Key Length attribute "
								   "%s", gikev2_transform_type_names, t->type,
								   !attr.tv ? "not TV" : has_key_length ?
								   "duplicated" : "is 0");
					ok = FALSE;
					break;
				}
				has_key_length = TRUE;
				t->key_length = attr.value;
				break;
			case GIKEV2_TATTR_SIGNATURE_ALGORITHM_ID:
				if (attr.tv || t->sig_alg.len || !attr.data.len)
				{
					gikev2_err_set(err, "SAg %N transform Signature Algorithm "
								   "Identifier attribute %s",
								   gikev2_transform_type_names, t->type,
								   attr.tv ? "not TLV" : t->sig_alg.len ?
								   "duplicated" : "empty");
					ok = FALSE;
					break;
				}
				t->sig_alg = chunk_clone(attr.data);
				break;
			default:
				gikev2_err_set(err, "SAg %N transform attribute type %u "
							   "unknown", gikev2_transform_type_names, t->type,
							   attr.type);
				ok = FALSE;
				break;
		}
	}
	reader->destroy(reader);
	return ok;
}

/**
 * Check that the attributes of an ignored transform are well-formed
 */
static bool check_raw_attrs(chunk_t data, uint8_t type, gikev2_err_t *err)
{
	bio_reader_t *reader;
	gikev2_attr_t attr;
	bool ok = TRUE;

	reader = bio_reader_create(data);
	while (ok && reader->remaining(reader))
	{
		ok = gikev2_attr_read(reader, &attr, "SAg ignored transform", err);
	}
	reader->destroy(reader);
	return ok;
}

/**
 * Parse one transform substructure (RFC 7296 3.3.2)
 */
static bool parse_transform(bio_reader_t *reader,
							gikev2_sag_proposal_t *proposal, bool is_last,
							gikev2_err_t *err)
{
	gikev2_sag_transform_t t = {};
	uint8_t last, reserved;
	uint16_t len;
	chunk_t attrs;

	if (!reader->read_uint8(reader, &last) ||
		!reader->read_uint8(reader, &reserved) ||
		!reader->read_uint16(reader, &len) ||
		!reader->read_uint8(reader, &t.type) ||
		!reader->read_uint8(reader, &reserved) ||
		!reader->read_uint16(reader, &t.id))
	{
		gikev2_err_set(err, "SAg transform header truncated");
		return FALSE;
	}
	if (last != (is_last ? 0 : MORE_TRANSFORMS))
	{
		gikev2_err_set(err, "SAg transform Last Substruc %u, not %u", last,
					   is_last ? 0 : MORE_TRANSFORMS);
		return FALSE;
	}
	if (len < TRANSFORM_HEADER_LEN)
	{
		gikev2_err_set(err, "SAg transform Transform Length %u too small",
					   len);
		return FALSE;
	}
	if (!reader->read_data(reader, len - TRANSFORM_HEADER_LEN, &attrs))
	{
		gikev2_err_set(err, "SAg transform Transform Length %u exceeds the "
					   "proposal", len);
		return FALSE;
	}
	if (type_in_table(proposal->protocol, t.type))
	{
		if (!parse_transform_attrs(attrs, &t, err))
		{
			chunk_free(&t.sig_alg);
			return FALSE;
		}
	}
	else
	{
		if (!check_raw_attrs(attrs, t.type, err))
		{
			return FALSE;
		}
		t.attrs = chunk_clone(attrs);
	}
	array_insert(proposal->transforms, ARRAY_TAIL, &t);
	return TRUE;
}

/**
 * Parse a proposal substructure (RFC 7296 3.3.1) after Last Substruc,
 * RESERVED and Proposal Length
 */
static gikev2_sag_proposal_t *parse_proposal(chunk_t data, gikev2_err_t *err)
{
	gikev2_sag_proposal_t *proposal;
	bio_reader_t *reader;
	uint8_t number, protocol, spi_size, count;
	bool ok = TRUE;
	int i;

	reader = bio_reader_create(data);
	if (!reader->read_uint8(reader, &number) ||
		!reader->read_uint8(reader, &protocol) ||
		!reader->read_uint8(reader, &spi_size) ||
		!reader->read_uint8(reader, &count))
	{
		gikev2_err_set(err, "SAg proposal header exceeds the Proposal Length");
		reader->destroy(reader);
		return NULL;
	}
	if (protocol != GIKEV2_PROTO_GIKE_UPDATE &&
		protocol != GIKEV2_PROTO_ESP && protocol != GIKEV2_PROTO_AH)
	{
		gikev2_err_set(err, "SAg proposal Protocol ID %u not allowed",
					   protocol);
		reader->destroy(reader);
		return NULL;
	}
	if (spi_size)
	{
		gikev2_err_set(err, "SAg %N proposal SPI Size %u, not 0",
					   gikev2_protocol_names, protocol, spi_size);
		reader->destroy(reader);
		return NULL;
	}
	if (!count)
	{
		gikev2_err_set(err, "SAg %N proposal has no transforms",
					   gikev2_protocol_names, protocol);
		reader->destroy(reader);
		return NULL;
	}
	proposal = gikev2_sag_proposal_create(number, protocol);
	for (i = 0; ok && i < count; i++)
	{
		if (!reader->remaining(reader))
		{
			gikev2_err_set(err, "SAg %N proposal Num Transforms %u, but %d "
						   "transforms fit the Proposal Length",
						   gikev2_protocol_names, protocol, count, i);
			ok = FALSE;
			break;
		}
		ok = parse_transform(reader, proposal, i == count - 1, err);
	}
	if (ok && reader->remaining(reader))
	{
		gikev2_err_set(err, "SAg %N proposal Proposal Length leaves %u "
					   "octets after %u transforms", gikev2_protocol_names,
					   protocol, reader->remaining(reader), count);
		ok = FALSE;
	}
	reader->destroy(reader);
	if (!ok)
	{
		gikev2_sag_proposal_destroy(proposal);
		return NULL;
	}
	return proposal;
}

METHOD(gikev2_sag_t, add_proposal, void,
	private_gikev2_sag_t *this, gikev2_sag_proposal_t *proposal)
{
	array_insert_create(&this->proposals, ARRAY_TAIL, proposal);
}

METHOD(gikev2_sag_t, create_proposal_enumerator, enumerator_t*,
	private_gikev2_sag_t *this)
{
	return array_create_enumerator(this->proposals);
}

/**
 * Whether a proposal lists a transform, for GCAUTH with no or the same
 * Signature Algorithm Identifier
 */
static bool lists_transform(gikev2_sag_proposal_t *proposal, uint8_t type,
							uint16_t id, uint16_t key_length, chunk_t sig_alg)
{
	gikev2_sag_transform_t t;
	int i;

	for (i = 0; i < array_count(proposal->transforms); i++)
	{
		array_get(proposal->transforms, i, &t);
		if (t.type == type && t.id == id && t.key_length == key_length &&
			(!t.sig_alg.len || chunk_equals(t.sig_alg, sig_alg)))
		{
			return TRUE;
		}
	}
	return FALSE;
}

METHOD(gikev2_sag_t, supports_kwa, bool,
	private_gikev2_sag_t *this, uint16_t kwa)
{
	gikev2_sag_proposal_t *proposal;
	int i;

	for (i = 0; i < array_count(this->proposals); i++)
	{
		array_get(this->proposals, i, &proposal);
		if (proposal->protocol == GIKEV2_PROTO_GIKE_UPDATE &&
			lists_transform(proposal, GIKEV2_TRANS_KWA, kwa, 0, chunk_empty))
		{
			return TRUE;
		}
	}
	return FALSE;
}

/**
 * Whether an SAg proposal supports a GSA policy
 */
static bool proposal_supports_policy(gikev2_sag_proposal_t *proposal,
									 gikev2_policy_t *policy)
{
	struct {
		uint8_t type;
		gikev2_transform_t *t;
	} types[] = {
		{ GIKEV2_TRANS_ENCR, &policy->encr },
		{ GIKEV2_TRANS_INTEG, &policy->integ },
		{ GIKEV2_TRANS_SN, &policy->sn },
		{ GIKEV2_TRANS_KWA, &policy->kwa },
		{ GIKEV2_TRANS_GCAUTH, &policy->gcauth },
	};
	int i;

	if (proposal->protocol != policy->protocol)
	{
		return FALSE;
	}
	for (i = 0; i < countof(types); i++)
	{
		if (!types[i].t->present ||
			(types[i].type == GIKEV2_TRANS_INTEG &&
			 types[i].t->id == INTEG_NONE) ||
			!lists_type(proposal, types[i].type))
		{
			continue;
		}
		if (!lists_transform(proposal, types[i].type, types[i].t->id,
							 types[i].t->key_length, types[i].t->sig_alg))
		{
			return FALSE;
		}
	}
	return TRUE;
}

/**
 * Whether the proposals with a Proposal Num support a policy
 */
static bool number_supports_policy(private_gikev2_sag_t *this, uint8_t number,
								   gikev2_policy_t *policy)
{
	gikev2_sag_proposal_t *proposal;
	int i;

	for (i = 0; i < array_count(this->proposals); i++)
	{
		array_get(this->proposals, i, &proposal);
		if (proposal->number == number &&
			proposal_supports_policy(proposal, policy))
		{
			return TRUE;
		}
	}
	return FALSE;
}

METHOD(gikev2_sag_t, supports_policies, bool,
	private_gikev2_sag_t *this, gikev2_policy_t **policies, int count,
	uint8_t *number)
{
	gikev2_sag_proposal_t *proposal;
	int i, j, last = -1;

	for (i = 0; i < array_count(this->proposals); i++)
	{
		array_get(this->proposals, i, &proposal);
		if (proposal->number == last)
		{	/* numbers do not decrease, each is tried once */
			continue;
		}
		last = proposal->number;
		for (j = 0; j < count; j++)
		{
			if (!number_supports_policy(this, last, policies[j]))
			{
				break;
			}
		}
		if (j == count)
		{
			if (number)
			{
				*number = last;
			}
			return TRUE;
		}
	}
	return FALSE;
}

/**
 * Whether an SAg proposal lists one of the algorithms of a type of a
 * strongSwan proposal, or does not restrict the type
 */
static bool proposal_supports_type(gikev2_sag_proposal_t *sag,
								   proposal_t *proposal, transform_type_t type)
{
	enumerator_t *enumerator;
	uint16_t alg, key_size;
	bool found = FALSE, any = FALSE;

	if (!lists_type(sag, type))
	{
		return TRUE;
	}
	enumerator = proposal->create_enumerator(proposal, type);
	while (!found && enumerator->enumerate(enumerator, &alg, &key_size))
	{
		any = TRUE;
		if (type == INTEGRITY_ALGORITHM && alg == INTEG_NONE)
		{
			found = TRUE;
			break;
		}
		found = lists_transform(sag, type, alg, key_size, chunk_empty);
	}
	enumerator->destroy(enumerator);
	return found || !any;
}

METHOD(gikev2_sag_t, supports_proposal, bool,
	private_gikev2_sag_t *this, proposal_t *proposal)
{
	gikev2_sag_proposal_t *sag;
	protocol_id_t protocol;
	int i;

	protocol = proposal->get_protocol(proposal);
	if (protocol != PROTO_ESP && protocol != PROTO_AH)
	{
		return FALSE;
	}
	for (i = 0; i < array_count(this->proposals); i++)
	{
		array_get(this->proposals, i, &sag);
		if (sag->protocol == (gikev2_protocol_t)protocol &&
			proposal_supports_type(sag, proposal, ENCRYPTION_ALGORITHM) &&
			proposal_supports_type(sag, proposal, INTEGRITY_ALGORITHM))
		{
			return TRUE;
		}
	}
	return FALSE;
}

/**
 * Write the transforms of a proposal
 */
static void write_transforms(bio_writer_t *writer,
							 gikev2_sag_proposal_t *proposal)
{
	bio_writer_t *attrs;
	gikev2_sag_transform_t t;
	chunk_t data;
	int i, count;

	count = array_count(proposal->transforms);
	for (i = 0; i < count; i++)
	{
		array_get(proposal->transforms, i, &t);
		attrs = bio_writer_create(0);
		if (t.key_length)
		{
			gikev2_attr_write_tv(attrs, GIKEV2_TATTR_KEY_LENGTH, t.key_length);
		}
		if (t.sig_alg.len)
		{
			gikev2_attr_write_tlv(attrs, GIKEV2_TATTR_SIGNATURE_ALGORITHM_ID,
								  t.sig_alg);
		}
		attrs->write_data(attrs, t.attrs);
		data = attrs->get_buf(attrs);
		writer->write_uint8(writer, i == count - 1 ? 0 : MORE_TRANSFORMS);
		writer->write_uint8(writer, 0);
		writer->write_uint16(writer, TRANSFORM_HEADER_LEN + data.len);
		writer->write_uint8(writer, t.type);
		writer->write_uint8(writer, 0);
		writer->write_uint16(writer, t.id);
		writer->write_data(writer, data);
		attrs->destroy(attrs);
	}
}

METHOD(gikev2_sag_t, encode, bool,
	private_gikev2_sag_t *this, chunk_t *out, gikev2_err_t *err)
{
	bio_writer_t *writer, *body;
	gikev2_sag_proposal_t *proposal;
	chunk_t data;
	bool ok = TRUE;
	int i, count;

	if (!check_sag(this, err))
	{
		return FALSE;
	}
	writer = bio_writer_create(0);
	count = array_count(this->proposals);
	for (i = 0; ok && i < count; i++)
	{
		array_get(this->proposals, i, &proposal);
		body = bio_writer_create(0);
		write_transforms(body, proposal);
		data = body->get_buf(body);
		if (data.len > 0xffff - PROPOSAL_HEADER_LEN)
		{
			gikev2_err_set(err, "SAg proposal Length exceeds 65535");
			ok = FALSE;
		}
		else
		{
			writer->write_uint8(writer, i == count - 1 ? 0 : MORE_PROPOSALS);
			writer->write_uint8(writer, 0);
			writer->write_uint16(writer, PROPOSAL_HEADER_LEN + data.len);
			writer->write_uint8(writer, proposal->number);
			writer->write_uint8(writer, proposal->protocol);
			writer->write_uint8(writer, 0);
			writer->write_uint8(writer, array_count(proposal->transforms));
			writer->write_data(writer, data);
		}
		body->destroy(body);
	}
	if (ok)
	{
		*out = writer->extract_buf(writer);
	}
	writer->destroy(writer);
	return ok;
}

CALLBACK(destroy_proposal, void,
	gikev2_sag_proposal_t *proposal, int idx, void *user)
{
	gikev2_sag_proposal_destroy(proposal);
}

METHOD(gikev2_sag_t, destroy, void,
	private_gikev2_sag_t *this)
{
	array_destroy_function(this->proposals, destroy_proposal, NULL);
	free(this);
}

/*
 * Described in header
 */
gikev2_sag_t *gikev2_sag_create()
{
	private_gikev2_sag_t *this;

	INIT(this,
		.public = {
			.add_proposal = _add_proposal,
			.create_proposal_enumerator = _create_proposal_enumerator,
			.supports_kwa = _supports_kwa,
			.supports_policies = _supports_policies,
			.supports_proposal = _supports_proposal,
			.encode = _encode,
			.destroy = _destroy,
		},
	);
	return &this->public;
}

/*
 * Described in header
 */
gikev2_sag_t *gikev2_sag_decode(chunk_t body, gikev2_err_t *err)
{
	private_gikev2_sag_t *this;
	gikev2_sag_proposal_t *proposal;
	bio_reader_t *reader;
	uint8_t last = MORE_PROPOSALS, reserved;
	uint16_t len;
	chunk_t data;
	bool ok = TRUE;

	this = (private_gikev2_sag_t*)gikev2_sag_create();
	reader = bio_reader_create(body);
	while (ok && reader->remaining(reader))
	{
		if (last != MORE_PROPOSALS)
		{
			gikev2_err_set(err, "SAg has %u octets after the last proposal",
						   reader->remaining(reader));
			ok = FALSE;
			break;
		}
		if (!reader->read_uint8(reader, &last) ||
			!reader->read_uint8(reader, &reserved) ||
			!reader->read_uint16(reader, &len))
		{
			gikev2_err_set(err, "SAg proposal header truncated");
			ok = FALSE;
			break;
		}
		if (last != 0 && last != MORE_PROPOSALS)
		{
			gikev2_err_set(err, "SAg proposal Last Substruc %u invalid", last);
			ok = FALSE;
			break;
		}
		if (len < PROPOSAL_HEADER_LEN ||
			!reader->read_data(reader, len - 4, &data))
		{
			gikev2_err_set(err, "SAg proposal Proposal Length %u invalid (%u "
						   "octets left)", len, reader->remaining(reader) + 4);
			ok = FALSE;
			break;
		}
		proposal = parse_proposal(data, err);
		if (!proposal)
		{
			ok = FALSE;
			break;
		}
		array_insert_create(&this->proposals, ARRAY_TAIL, proposal);
	}
	if (ok && last == MORE_PROPOSALS && array_count(this->proposals))
	{
		gikev2_err_set(err, "SAg proposal Last Substruc 2 on the last "
					   "proposal");
		ok = FALSE;
	}
	reader->destroy(reader);
	if (!ok || !check_sag(this, err))
	{
		destroy(this);
		return NULL;
	}
	return &this->public;
}

/**
 * Write a transform substructure read by charon's parser
 */
static void write_parsed_transform(bio_writer_t *writer,
								   transform_substructure_t *transform,
								   bool is_last)
{
	transform_attribute_t *attr;
	enumerator_t *enumerator;
	bio_writer_t *attrs;
	payload_t *pl;
	chunk_t value, data;

	attrs = bio_writer_create(0);
	enumerator = transform->create_attribute_enumerator(transform);
	while (enumerator->enumerate(enumerator, &attr))
	{
		pl = &attr->payload_interface;
		value = attr->get_value_chunk(attr);
		if (pl->get_length(pl) == 4 && value.len == sizeof(uint16_t))
		{	/* TV, get_value_chunk() returns the value in host order */
			gikev2_attr_write_tv(attrs, attr->get_attribute_type(attr),
								 attr->get_value(attr));
		}
		else
		{
			gikev2_attr_write_tlv(attrs, attr->get_attribute_type(attr),
								  value);
		}
	}
	enumerator->destroy(enumerator);
	data = attrs->get_buf(attrs);
	writer->write_uint8(writer, is_last ? 0 : MORE_TRANSFORMS);
	writer->write_uint8(writer, 0);
	writer->write_uint16(writer, TRANSFORM_HEADER_LEN + data.len);
	writer->write_uint8(writer,
						transform->get_transform_type_or_number(transform));
	writer->write_uint8(writer, 0);
	writer->write_uint16(writer, transform->get_transform_id(transform));
	writer->write_data(writer, data);
	attrs->destroy(attrs);
}

/*
 * Described in header
 */
gikev2_sag_t *gikev2_sag_decode_payload(payload_t *payload, gikev2_err_t *err)
{
	sa_payload_t *sa;
	proposal_substructure_t *substruct;
	transform_substructure_t *transform;
	enumerator_t *proposals, *transforms;
	bio_writer_t *writer, *body;
	gikev2_sag_t *sag;
	chunk_t spi, data;
	int count, i;
	bool more;

	if (payload->get_type(payload) != PL_SA)
	{
		gikev2_err_set(err, "SAg payload type %d, not 33",
					   payload->get_type(payload));
		return NULL;
	}
	sa = (sa_payload_t*)payload;
	writer = bio_writer_create(0);
	proposals = sa->create_substructure_enumerator(sa);
	more = proposals->enumerate(proposals, &substruct);
	while (more)
	{
		body = bio_writer_create(0);
		spi = substruct->get_spi(substruct);
		body->write_uint8(body, substruct->get_proposal_number(substruct));
		body->write_uint8(body, substruct->get_protocol_id(substruct));
		body->write_uint8(body, spi.len);
		count = 0;
		transforms = substruct->create_substructure_enumerator(substruct);
		while (transforms->enumerate(transforms, &transform))
		{
			count++;
		}
		transforms->destroy(transforms);
		body->write_uint8(body, count);
		body->write_data(body, spi);
		i = 0;
		transforms = substruct->create_substructure_enumerator(substruct);
		while (transforms->enumerate(transforms, &transform))
		{
			write_parsed_transform(body, transform, ++i == count);
		}
		transforms->destroy(transforms);
		more = proposals->enumerate(proposals, &substruct);
		data = body->get_buf(body);
		writer->write_uint8(writer, more ? MORE_PROPOSALS : 0);
		writer->write_uint8(writer, 0);
		writer->write_uint16(writer, 4 + data.len);
		writer->write_data(writer, data);
		body->destroy(body);
	}
	proposals->destroy(proposals);
	sag = gikev2_sag_decode(writer->get_buf(writer), err);
	writer->destroy(writer);
	return sag;
}
