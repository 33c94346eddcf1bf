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

#include "gikev2_kd.h"

/** length of the header of a key bag substructure */
#define BAG_HEADER_LEN 4

/** maximum octets of a GM_SENDER_ID value */
#define SENDER_ID_MAX 4

typedef struct private_gikev2_kd_t private_gikev2_kd_t;

/**
 * Private data of a gikev2_kd_t object.
 */
struct private_gikev2_kd_t {

	/**
	 * Public interface.
	 */
	gikev2_kd_t public;

	/**
	 * Key bags in wire order, gikev2_key_bag_t*
	 */
	array_t *bags;
};

/*
 * Described in header
 */
gikev2_key_bag_t *gikev2_key_bag_create_group(gikev2_protocol_t protocol,
											  chunk_t spi)
{
	gikev2_key_bag_t *bag;

	INIT(bag,
		.protocol = protocol,
		.spi = chunk_clone(spi),
	);
	return bag;
}

/*
 * Described in header
 */
gikev2_key_bag_t *gikev2_key_bag_create_member()
{
	gikev2_key_bag_t *bag;

	INIT(bag,
		.protocol = GIKEV2_PROTO_NONE,
	);
	return bag;
}

/*
 * Described in header
 */
void gikev2_key_bag_add_key(gikev2_key_bag_t *bag, uint32_t key_id,
							uint32_t kwk_id, chunk_t data)
{
	gikev2_wrapped_key_t key = {
		.key_id = key_id,
		.kwk_id = kwk_id,
		.data = chunk_clone(data),
	};

	array_insert_create_value(bag->protocol == GIKEV2_PROTO_NONE ?
							  &bag->wrap_keys : &bag->sa_keys,
							  sizeof(key), ARRAY_TAIL, &key);
}

CALLBACK(clear_key, void,
	gikev2_wrapped_key_t *key, int idx, void *user)
{
	chunk_clear(&key->data);
}

/*
 * Described in header
 */
void gikev2_key_bag_destroy(gikev2_key_bag_t *bag)
{
	if (bag)
	{
		array_destroy_function(bag->sa_keys, clear_key, NULL);
		array_destroy_function(bag->wrap_keys, clear_key, NULL);
		array_destroy(bag->sender_ids);
		chunk_free(&bag->spi);
		chunk_free(&bag->auth_key);
		free(bag);
	}
}

/**
 * Check the wrapped keys of a list
 */
static bool check_keys(array_t *keys, char *name, gikev2_err_t *err)
{
	gikev2_wrapped_key_t *key;
	enumerator_t *enumerator;
	bool ok = TRUE;

	enumerator = array_create_enumerator(keys);
	while (ok && enumerator->enumerate(enumerator, &key))
	{
		if (!key->data.len)
		{
			gikev2_err_set(err, "KD %s Encrypted Key is empty", name);
			ok = FALSE;
		}
		else if (key->data.len > 0xffff - GIKEV2_WRAPPED_KEY_HEADER_LEN)
		{
			gikev2_err_set(err, "KD %s Encrypted Key too long", name);
			ok = FALSE;
		}
		else if (streq(name, "SA_KEY") && key->key_id)
		{
			gikev2_err_set(err, "KD SA_KEY Key ID %u is not 0", key->key_id);
			ok = FALSE;
		}
		else if (streq(name, "WRAP_KEY") && !key->key_id)
		{
			gikev2_err_set(err, "KD WRAP_KEY Key ID is 0");
			ok = FALSE;
		}
	}
	enumerator->destroy(enumerator);
	return ok;
}

/**
 * Check a group key bag
 */
static bool check_group_bag(gikev2_key_bag_t *bag, gikev2_exchange_t exchange,
							gikev2_err_t *err)
{
	gikev2_wrapped_key_t key;
	size_t spi_size;
	int count;

	switch (bag->protocol)
	{
		case GIKEV2_PROTO_GIKE_UPDATE:
			spi_size = 16;
			break;
		case GIKEV2_PROTO_ESP:
		case GIKEV2_PROTO_AH:
			spi_size = 4;
			break;
		default:
			gikev2_err_set(err, "KD key bag Protocol %u not allowed",
						   bag->protocol);
			return FALSE;
	}
	if (bag->spi.len != spi_size)
	{
		gikev2_err_set(err, "KD %N key bag SPI Size %zu, not %zu",
					   gikev2_protocol_names, bag->protocol, bag->spi.len,
					   spi_size);
		return FALSE;
	}
	if (array_count(bag->wrap_keys) || bag->auth_key.len ||
		array_count(bag->sender_ids))
	{
		gikev2_err_set(err, "KD group key bag has member key bag attributes");
		return FALSE;
	}
	count = array_count(bag->sa_keys);
	if (!count)
	{
		gikev2_err_set(err, "KD %N key bag misses the SA_KEY attribute",
					   gikev2_protocol_names, bag->protocol);
		return FALSE;
	}
	if (count > 1 && (bag->protocol != GIKEV2_PROTO_GIKE_UPDATE ||
					  exchange != GIKEV2_GSA_REKEY))
	{
		gikev2_err_set(err, "KD %N key bag has %d SA_KEY attributes, not 1 "
					   "(in %N)", gikev2_protocol_names, bag->protocol, count,
					   gikev2_exchange_names, exchange);
		return FALSE;
	}
	if (bag->protocol != GIKEV2_PROTO_GIKE_UPDATE)
	{
		array_get(bag->sa_keys, 0, &key);
		if (key.kwk_id)
		{
			gikev2_err_set(err, "KD %N key bag SA_KEY KWK ID %u is not 0",
						   gikev2_protocol_names, bag->protocol, key.kwk_id);
			return FALSE;
		}
	}
	return check_keys(bag->sa_keys, "SA_KEY", err);
}

/**
 * Check the member key bag
 */
static bool check_member_bag(gikev2_key_bag_t *bag, gikev2_exchange_t exchange,
							 gikev2_err_t *err)
{
	if (exchange != GIKEV2_GSA_AUTH && exchange != GIKEV2_GSA_REGISTRATION)
	{
		gikev2_err_set(err, "KD member key bag not allowed in %N",
					   gikev2_exchange_names, exchange);
		return FALSE;
	}
	if (bag->spi.len || array_count(bag->sa_keys))
	{
		gikev2_err_set(err, "KD member key bag has group key bag fields");
		return FALSE;
	}
	return check_keys(bag->wrap_keys, "WRAP_KEY", err);
}

/**
 * Check the whole model
 */
static bool check_kd(private_gikev2_kd_t *this, gikev2_exchange_t exchange,
					 gikev2_err_t *err)
{
	gikev2_key_bag_t *bag, *other;
	int i, j, members = 0;

	if (exchange < GIKEV2_GSA_AUTH || exchange > GIKEV2_GSA_INBAND_REKEY)
	{
		gikev2_err_set(err, "KD in exchange %d, not a G-IKEv2 exchange",
					   exchange);
		return FALSE;
	}
	if (!array_count(this->bags))
	{
		gikev2_err_set(err, "KD has no Key Bags");
		return FALSE;
	}
	for (i = 0; i < array_count(this->bags); i++)
	{
		array_get(this->bags, i, &bag);
		if (bag->protocol == GIKEV2_PROTO_NONE)
		{
			if (++members > 1)
			{
				gikev2_err_set(err, "KD has more than one member key bag");
				return FALSE;
			}
			if (!check_member_bag(bag, exchange, err))
			{
				return FALSE;
			}
			continue;
		}
		if (!check_group_bag(bag, exchange, err))
		{
			return FALSE;
		}
		for (j = 0; j < i; j++)
		{
			array_get(this->bags, j, &other);
			if (other->protocol == bag->protocol &&
				chunk_equals(other->spi, bag->spi))
			{
				gikev2_err_set(err, "KD has two %N key bags for SPI %#B",
							   gikev2_protocol_names, bag->protocol,
							   &bag->spi);
				return FALSE;
			}
		}
	}
	return TRUE;
}

/**
 * Read the wrapped key format
 */
static bool read_wrapped(gikev2_attr_t *attr, char *name,
						 gikev2_key_bag_t *bag, gikev2_err_t *err)
{
	chunk_t data = attr->data;

	if (attr->tv)
	{
		gikev2_err_set(err, "KD %s attribute not TLV", name);
		return FALSE;
	}
	if (data.len < GIKEV2_WRAPPED_KEY_HEADER_LEN)
	{
		gikev2_err_set(err, "KD %s attribute too short for Key ID and KWK ID "
					   "(%zu < %d)", name, data.len,
					   GIKEV2_WRAPPED_KEY_HEADER_LEN);
		return FALSE;
	}
	gikev2_key_bag_add_key(bag, untoh32(data.ptr), untoh32(data.ptr + 4),
						   chunk_skip(data, GIKEV2_WRAPPED_KEY_HEADER_LEN));
	return TRUE;
}

/**
 * Parse the attributes of a key bag
 */
static bool parse_bag_attrs(bio_reader_t *reader, gikev2_key_bag_t *bag,
							gikev2_err_t *err)
{
	gikev2_attr_t attr;
	uint32_t sid;
	bool member = bag->protocol == GIKEV2_PROTO_NONE;

	while (reader->remaining(reader))
	{
		if (!gikev2_attr_read(reader, &attr, member ? "KD member key bag"
												   : "KD group key bag", err))
		{
			return FALSE;
		}
		if (!member)
		{
			if (attr.type != GIKEV2_GKB_SA_KEY)
			{
				gikev2_err_set(err, "KD group key bag attribute type %u "
							   "unknown", attr.type);
				return FALSE;
			}
			if (!read_wrapped(&attr, "SA_KEY", bag, err))
			{
				return FALSE;
			}
			continue;
		}
		switch (attr.type)
		{
			case GIKEV2_MKB_WRAP_KEY:
				if (!read_wrapped(&attr, "WRAP_KEY", bag, err))
				{
					return FALSE;
				}
				break;
			case GIKEV2_MKB_AUTH_KEY:
				if (attr.tv || bag->auth_key.len || !attr.data.len)
				{
					gikev2_err_set(err, "KD AUTH_KEY attribute %s", attr.tv ?
								   "not TLV" : bag->auth_key.len ?
								   "duplicated" : "empty");
					return FALSE;
				}
				bag->auth_key = chunk_clone(attr.data);
				break;
			case GIKEV2_MKB_GM_SENDER_ID:
				if (attr.tv || !attr.data.len ||
					attr.data.len > SENDER_ID_MAX)
				{
					gikev2_err_set(err, "KD GM_SENDER_ID attribute must be TLV "
								   "with 1 to %d octets", SENDER_ID_MAX);
					return FALSE;
				}
				sid = 0;
				while (attr.data.len)
				{
					sid = (sid << 8) | attr.data.ptr[0];
					attr.data = chunk_skip(attr.data, 1);
				}
				array_insert_create_value(&bag->sender_ids, sizeof(sid),
										  ARRAY_TAIL, &sid);
				break;
			default:
				gikev2_err_set(err, "KD member key bag attribute type %u "
							   "unknown", attr.type);
				return FALSE;
		}
	}
	return TRUE;
}

/**
 * Parse a key bag after its header
 */
static gikev2_key_bag_t *parse_bag(uint8_t protocol, uint8_t spi_size,
								   chunk_t data, gikev2_err_t *err)
{
	gikev2_key_bag_t *bag;
	bio_reader_t *reader;
	chunk_t spi = chunk_empty;
	bool ok;

	reader = bio_reader_create(data);
	if (protocol == GIKEV2_PROTO_NONE)
	{
		/* RESERVED (in place of SPI Size) is ignored on receipt */
		bag = gikev2_key_bag_create_member();
	}
	else
	{
		if (protocol != GIKEV2_PROTO_GIKE_UPDATE &&
			protocol != GIKEV2_PROTO_ESP && protocol != GIKEV2_PROTO_AH)
		{
			gikev2_err_set(err, "KD key bag Protocol %u not allowed", protocol);
			reader->destroy(reader);
			return NULL;
		}
		if (spi_size != (protocol == GIKEV2_PROTO_GIKE_UPDATE ? 16 : 4))
		{
			gikev2_err_set(err, "KD %N key bag SPI Size %u, not %u",
						   gikev2_protocol_names, protocol, spi_size,
						   protocol == GIKEV2_PROTO_GIKE_UPDATE ? 16 : 4);
			reader->destroy(reader);
			return NULL;
		}
		if (!reader->read_data(reader, spi_size, &spi))
		{
			gikev2_err_set(err, "KD %N key bag SPI exceeds the Length",
						   gikev2_protocol_names, protocol);
			reader->destroy(reader);
			return NULL;
		}
		bag = gikev2_key_bag_create_group(protocol, spi);
	}
	ok = parse_bag_attrs(reader, bag, err);
	reader->destroy(reader);
	if (!ok)
	{
		gikev2_key_bag_destroy(bag);
		return NULL;
	}
	return bag;
}

METHOD(gikev2_kd_t, add_bag, void,
	private_gikev2_kd_t *this, gikev2_key_bag_t *bag)
{
	array_insert_create(&this->bags, ARRAY_TAIL, bag);
}

METHOD(gikev2_kd_t, create_bag_enumerator, enumerator_t*,
	private_gikev2_kd_t *this)
{
	return array_create_enumerator(this->bags);
}

METHOD(gikev2_kd_t, get_group_bag, gikev2_key_bag_t*,
	private_gikev2_kd_t *this, gikev2_protocol_t protocol, chunk_t spi)
{
	gikev2_key_bag_t *bag;
	int i;

	for (i = 0; i < array_count(this->bags); i++)
	{
		array_get(this->bags, i, &bag);
		if (bag->protocol != GIKEV2_PROTO_NONE && bag->protocol == protocol &&
			chunk_equals(bag->spi, spi))
		{
			return bag;
		}
	}
	return NULL;
}

METHOD(gikev2_kd_t, get_member_bag, gikev2_key_bag_t*,
	private_gikev2_kd_t *this)
{
	gikev2_key_bag_t *bag;
	int i;

	for (i = 0; i < array_count(this->bags); i++)
	{
		array_get(this->bags, i, &bag);
		if (bag->protocol == GIKEV2_PROTO_NONE)
		{
			return bag;
		}
	}
	return NULL;
}

/**
 * Write a list of wrapped keys as attributes
 */
static void write_keys(bio_writer_t *writer, uint16_t type, array_t *keys)
{
	gikev2_wrapped_key_t *key;
	enumerator_t *enumerator;

	enumerator = array_create_enumerator(keys);
	while (enumerator->enumerate(enumerator, &key))
	{
		writer->write_uint16(writer, type);
		writer->write_uint16(writer,
							 GIKEV2_WRAPPED_KEY_HEADER_LEN + key->data.len);
		writer->write_uint32(writer, key->key_id);
		writer->write_uint32(writer, key->kwk_id);
		writer->write_data(writer, key->data);
	}
	enumerator->destroy(enumerator);
}

METHOD(gikev2_kd_t, encode, bool,
	private_gikev2_kd_t *this, gikev2_exchange_t exchange, chunk_t *out,
	gikev2_err_t *err)
{
	bio_writer_t *writer, *body;
	gikev2_key_bag_t *bag;
	enumerator_t *enumerator;
	uint32_t *sid;
	chunk_t data;
	bool ok = TRUE;
	int i;

	if (!check_kd(this, exchange, err))
	{
		return FALSE;
	}
	writer = bio_writer_create(0);
	for (i = 0; ok && i < array_count(this->bags); i++)
	{
		array_get(this->bags, i, &bag);
		body = bio_writer_create(0);
		body->write_data(body, bag->spi);
		write_keys(body, GIKEV2_GKB_SA_KEY, bag->sa_keys);
		write_keys(body, GIKEV2_MKB_WRAP_KEY, bag->wrap_keys);
		if (bag->auth_key.len)
		{
			gikev2_attr_write_tlv(body, GIKEV2_MKB_AUTH_KEY, bag->auth_key);
		}
		enumerator = array_create_enumerator(bag->sender_ids);
		while (enumerator->enumerate(enumerator, &sid))
		{
			gikev2_attr_write_tlv(body, GIKEV2_MKB_GM_SENDER_ID,
								  chunk_from_thing((uint32_t){htonl(*sid)}));
		}
		enumerator->destroy(enumerator);
		data = body->get_buf(body);
		if (data.len > 0xffff - BAG_HEADER_LEN)
		{
			gikev2_err_set(err, "KD key bag Length exceeds 65535");
			ok = FALSE;
		}
		else
		{
			writer->write_uint8(writer, bag->protocol);
			writer->write_uint8(writer, bag->spi.len);
			writer->write_uint16(writer, BAG_HEADER_LEN + data.len);
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

CALLBACK(destroy_bag, void,
	gikev2_key_bag_t *bag, int idx, void *user)
{
	gikev2_key_bag_destroy(bag);
}

METHOD(gikev2_kd_t, destroy, void,
	private_gikev2_kd_t *this)
{
	array_destroy_function(this->bags, destroy_bag, NULL);
	free(this);
}

/*
 * Described in header
 */
gikev2_kd_t *gikev2_kd_create()
{
	private_gikev2_kd_t *this;

	INIT(this,
		.public = {
			.add_bag = _add_bag,
			.create_bag_enumerator = _create_bag_enumerator,
			.get_group_bag = _get_group_bag,
			.get_member_bag = _get_member_bag,
			.encode = _encode,
			.destroy = _destroy,
		},
	);
	return &this->public;
}

/*
 * Described in header
 */
gikev2_kd_t *gikev2_kd_decode(chunk_t body, gikev2_exchange_t exchange,
							  gikev2_err_t *err)
{
	private_gikev2_kd_t *this;
	gikev2_key_bag_t *bag;
	bio_reader_t *reader;
	uint8_t protocol, spi_size;
	uint16_t len;
	chunk_t data;
	bool ok = TRUE;

	this = (private_gikev2_kd_t*)gikev2_kd_create();
	reader = bio_reader_create(body);
	while (reader->remaining(reader))
	{
		if (!reader->read_uint8(reader, &protocol) ||
			!reader->read_uint8(reader, &spi_size) ||
			!reader->read_uint16(reader, &len))
		{
			gikev2_err_set(err, "KD key bag header truncated");
			ok = FALSE;
			break;
		}
		if (len < BAG_HEADER_LEN ||
			!reader->read_data(reader, len - BAG_HEADER_LEN, &data))
		{
			gikev2_err_set(err, "KD key bag Length %u invalid (%u octets "
						   "left)", len, reader->remaining(reader) +
						   BAG_HEADER_LEN);
			ok = FALSE;
			break;
		}
		bag = parse_bag(protocol, spi_size, data, err);
		if (!bag)
		{
			ok = FALSE;
			break;
		}
		array_insert_create(&this->bags, ARRAY_TAIL, bag);
	}
	reader->destroy(reader);
	if (!ok || !check_kd(this, exchange, err))
	{
		destroy(this);
		return NULL;
	}
	return &this->public;
}
