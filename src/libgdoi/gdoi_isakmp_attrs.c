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

#include "gdoi_isakmp_attrs.h"

#include <stdarg.h>
#include <stdio.h>

#include <utils/debug.h>
#include <bio/bio_reader.h>

/** AF bit of the attribute type field */
#define AF_TV 0x8000

/* Described in header */
bool gdoi_isakmp_fail(gdoi_isakmp_err_t *err, char *fmt, ...)
{
	gdoi_isakmp_err_t local;
	va_list args;

	if (!err)
	{
		err = &local;
	}
	va_start(args, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, args);
	va_end(args);
	DBG1(DBG_ENC, "gdoi: %s", err->msg);
	return FALSE;
}

/**
 * Append an empty attribute slot
 */
static gdoi_isakmp_attr_t *add_attr(gdoi_isakmp_attrs_t *attrs, uint16_t type)
{
	gdoi_isakmp_attr_t *attr;

	attrs->list = realloc(attrs->list, (attrs->count + 1) * sizeof(*attr));
	attr = &attrs->list[attrs->count++];
	*attr = (gdoi_isakmp_attr_t){
		.type = type & ~AF_TV,
	};
	return attr;
}

/* Described in header */
void gdoi_isakmp_attrs_add_tv(gdoi_isakmp_attrs_t *attrs, uint16_t type,
							  uint16_t value)
{
	gdoi_isakmp_attr_t *attr;

	attr = add_attr(attrs, type);
	attr->tv = TRUE;
	attr->basic = value;
}

/* Described in header */
void gdoi_isakmp_attrs_add_tlv(gdoi_isakmp_attrs_t *attrs, uint16_t type,
							   chunk_t value)
{
	gdoi_isakmp_attr_t *attr;

	attr = add_attr(attrs, type);
	attr->value = chunk_clone(value);
}

/* Described in header */
void gdoi_isakmp_attrs_add_uint(gdoi_isakmp_attrs_t *attrs, uint16_t type,
								uint32_t value)
{
	if (value <= 0xffff)
	{
		gdoi_isakmp_attrs_add_tv(attrs, type, value);
	}
	else
	{
		value = htonl(value);
		gdoi_isakmp_attrs_add_tlv(attrs, type, chunk_from_thing(value));
	}
}

/* Described in header */
gdoi_isakmp_attr_t *gdoi_isakmp_attrs_find(gdoi_isakmp_attrs_t *attrs,
										   uint16_t type)
{
	u_int i;

	for (i = 0; i < attrs->count; i++)
	{
		if (attrs->list[i].type == type)
		{
			return &attrs->list[i];
		}
	}
	return NULL;
}

/* Described in header */
bool gdoi_isakmp_attrs_get_uint(gdoi_isakmp_attrs_t *attrs, uint16_t type,
								uint32_t *value)
{
	gdoi_isakmp_attr_t *attr;
	uint32_t v = 0;
	size_t i;

	attr = gdoi_isakmp_attrs_find(attrs, type);
	if (!attr)
	{
		return FALSE;
	}
	if (attr->tv)
	{
		*value = attr->basic;
		return TRUE;
	}
	if (attr->value.len < 1 || attr->value.len > 4)
	{
		return FALSE;
	}
	for (i = 0; i < attr->value.len; i++)
	{
		v = (v << 8) | attr->value.ptr[i];
	}
	*value = v;
	return TRUE;
}

/* Described in header */
void gdoi_isakmp_attrs_copy(gdoi_isakmp_attrs_t *dst, gdoi_isakmp_attrs_t *src)
{
	u_int i;

	for (i = 0; i < src->count; i++)
	{
		if (src->list[i].tv)
		{
			gdoi_isakmp_attrs_add_tv(dst, src->list[i].type,
									 src->list[i].basic);
		}
		else
		{
			gdoi_isakmp_attrs_add_tlv(dst, src->list[i].type,
									  src->list[i].value);
		}
	}
}

/* Described in header */
void gdoi_isakmp_attrs_clear(gdoi_isakmp_attrs_t *attrs)
{
	u_int i;

	for (i = 0; i < attrs->count; i++)
	{
		chunk_clear(&attrs->list[i].value);
	}
	free(attrs->list);
	attrs->list = NULL;
	attrs->count = 0;
}

/* Described in header */
size_t gdoi_isakmp_attrs_len(gdoi_isakmp_attrs_t *attrs)
{
	size_t len = 0;
	u_int i;

	for (i = 0; i < attrs->count; i++)
	{
		len += 4;
		if (!attrs->list[i].tv)
		{
			len += attrs->list[i].value.len;
		}
	}
	return len;
}

/* Described in header */
void gdoi_isakmp_attrs_encode(gdoi_isakmp_attrs_t *attrs, bio_writer_t *writer)
{
	gdoi_isakmp_attr_t *attr;
	u_int i;

	for (i = 0; i < attrs->count; i++)
	{
		attr = &attrs->list[i];
		if (attr->tv)
		{
			writer->write_uint16(writer, AF_TV | attr->type);
			writer->write_uint16(writer, attr->basic);
		}
		else
		{
			writer->write_uint16(writer, attr->type);
			writer->write_data16(writer, attr->value);
		}
	}
}

/**
 * Look up the rule for a type
 */
static const gdoi_isakmp_attr_rule_t *find_rule(
							const gdoi_isakmp_attr_rule_t *rules, int count,
							uint16_t type)
{
	int i;

	for (i = 0; i < count; i++)
	{
		if (rules[i].type == type)
		{
			return &rules[i];
		}
	}
	return NULL;
}

/* Described in header */
bool gdoi_isakmp_attrs_decode(chunk_t data, char *where,
							  const gdoi_isakmp_attr_rule_t *rules, int count,
							  gdoi_isakmp_attrs_t *attrs, gdoi_isakmp_err_t *err)
{
	const gdoi_isakmp_attr_rule_t *rule;
	bio_reader_t *reader;
	uint16_t type, value;
	chunk_t tlv;
	bool tv;

	reader = bio_reader_create(data);
	while (reader->remaining(reader))
	{
		if (!reader->read_uint16(reader, &type) ||
			!reader->read_uint16(reader, &value))
		{
			gdoi_isakmp_fail(err, "%s attribute header truncated (%u < 4)",
							 where, reader->remaining(reader));
			goto failed;
		}
		tv = (type & AF_TV) != 0;
		type &= ~AF_TV;
		rule = find_rule(rules, count, type);
		if (!rule)
		{
			gdoi_isakmp_fail(err, "%s attribute type %u unknown", where, type);
			goto failed;
		}
		if (!rule->multi && gdoi_isakmp_attrs_find(attrs, type))
		{
			gdoi_isakmp_fail(err, "%s attribute %s duplicate", where,
							 rule->name);
			goto failed;
		}
		if (tv)
		{
			if (rule->fmt == GDOI_ATTR_L)
			{
				gdoi_isakmp_fail(err, "%s attribute %s must be TLV", where,
								 rule->name);
				goto failed;
			}
			gdoi_isakmp_attrs_add_tv(attrs, type, value);
			continue;
		}
		if (rule->fmt == GDOI_ATTR_B)
		{
			gdoi_isakmp_fail(err, "%s attribute %s must be TV", where,
							 rule->name);
			goto failed;
		}
		if (!reader->read_data(reader, value, &tlv))
		{
			gdoi_isakmp_fail(err, "%s attribute %s length %u exceeds "
							 "remaining %u", where, rule->name, value,
							 reader->remaining(reader));
			goto failed;
		}
		if (tlv.len < rule->min_len)
		{
			gdoi_isakmp_fail(err, "%s attribute %s length %zu too short "
							 "(%zu < %u)%s", where, rule->name, tlv.len, tlv.len,
							 rule->min_len, tlv.len ? "" : ", zero-length");
			goto failed;
		}
		if (rule->max_len && tlv.len > rule->max_len)
		{
			gdoi_isakmp_fail(err, "%s attribute %s length %zu too long "
							 "(%zu > %u)", where, rule->name, tlv.len, tlv.len,
							 rule->max_len);
			goto failed;
		}
		gdoi_isakmp_attrs_add_tlv(attrs, type, tlv);
	}
	reader->destroy(reader);
	return TRUE;

failed:
	reader->destroy(reader);
	gdoi_isakmp_attrs_clear(attrs);
	return FALSE;
}
