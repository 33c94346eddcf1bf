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
 * @defgroup gdoi_isakmp_attrs gdoi_isakmp_attrs
 * @{ @ingroup libgdoi
 *
 * ISAKMP data attributes (RFC 2408 3.3) as GDOI uses them, with strict,
 * table-driven decoding and an error that names the offending field.
 *
 * An attribute with the AF bit set is TV: a 15-bit type and a 2-octet value.
 * With the AF bit clear it is TLV: type, 2-octet length, value. Each place
 * that carries attributes (KEK policy, TEK policy, GAP, key packets) has a
 * rule table that says which types exist, their format (B: TV only, V: TV
 * or TLV, L: TLV only), their length bounds and whether they may repeat.
 */

#ifndef GDOI_ISAKMP_ATTRS_H_
#define GDOI_ISAKMP_ATTRS_H_

#include <library.h>
#include <bio/bio_writer.h>

typedef struct gdoi_isakmp_err_t gdoi_isakmp_err_t;
typedef struct gdoi_isakmp_attr_t gdoi_isakmp_attr_t;
typedef struct gdoi_isakmp_attrs_t gdoi_isakmp_attrs_t;
typedef struct gdoi_isakmp_attr_rule_t gdoi_isakmp_attr_rule_t;
typedef enum gdoi_isakmp_attr_fmt_t gdoi_isakmp_attr_fmt_t;

/**
 * Why a decode (or a check) failed, in words that name the field, e.g.
 * "SAT SRC ID Data Len 300 exceeds remaining 12".
 */
struct gdoi_isakmp_err_t {
	/** NUL-terminated message, empty if no error was set */
	char msg[192];
};

/**
 * Set an error message (printf style), log it at DBG_ENC level 1.
 *
 * @param err		error to set, may be NULL
 * @param fmt		format string
 * @return			always FALSE, so callers can "return gdoi_isakmp_fail()"
 */
bool gdoi_isakmp_fail(gdoi_isakmp_err_t *err, char *fmt, ...);

/**
 * Format of an attribute in a rule table
 */
enum gdoi_isakmp_attr_fmt_t {
	/** basic: TV only */
	GDOI_ATTR_B,
	/** variable: TLV, or TV if the value fits in 2 octets (RFC 2409 A) */
	GDOI_ATTR_V,
	/** TLV only (keys, arrays) */
	GDOI_ATTR_L,
};

/**
 * One attribute, decoded or to be encoded
 */
struct gdoi_isakmp_attr_t {

	/** attribute type, without the AF bit */
	uint16_t type;

	/** TRUE for TV format (AF bit set) */
	bool tv;

	/** value of a TV attribute */
	uint16_t basic;

	/** value of a TLV attribute (owned, wiped when freed) */
	chunk_t value;
};

/**
 * An ordered list of attributes
 */
struct gdoi_isakmp_attrs_t {

	/** the attributes (owned) */
	gdoi_isakmp_attr_t *list;

	/** number of attributes */
	u_int count;
};

/**
 * Rule for one attribute type in a decode table
 */
struct gdoi_isakmp_attr_rule_t {

	/** attribute type */
	uint16_t type;

	/** name used in errors, e.g. "KEK_ALGORITHM" */
	char *name;

	/** allowed format */
	gdoi_isakmp_attr_fmt_t fmt;

	/** smallest TLV value length (1 rejects zero-length values) */
	uint16_t min_len;

	/** largest TLV value length, 0 for no limit */
	uint16_t max_len;

	/** TRUE if the attribute may occur more than once */
	bool multi;
};

/**
 * Append a TV attribute.
 *
 * @param attrs		list to append to
 * @param type		attribute type (< 0x8000)
 * @param value		value
 */
void gdoi_isakmp_attrs_add_tv(gdoi_isakmp_attrs_t *attrs, uint16_t type,
							  uint16_t value);

/**
 * Append a TLV attribute.
 *
 * @param attrs		list to append to
 * @param type		attribute type (< 0x8000)
 * @param value		value, cloned
 */
void gdoi_isakmp_attrs_add_tlv(gdoi_isakmp_attrs_t *attrs, uint16_t type,
							   chunk_t value);

/**
 * Append a variable attribute holding a number: TV if it fits in 2 octets,
 * else a 4-octet TLV.
 *
 * @param attrs		list to append to
 * @param type		attribute type
 * @param value		value
 */
void gdoi_isakmp_attrs_add_uint(gdoi_isakmp_attrs_t *attrs, uint16_t type,
								uint32_t value);

/**
 * Find the first attribute of a type.
 *
 * @param attrs		list to search
 * @param type		attribute type
 * @return			attribute (borrowed), NULL if absent
 */
gdoi_isakmp_attr_t *gdoi_isakmp_attrs_find(gdoi_isakmp_attrs_t *attrs,
										   uint16_t type);

/**
 * Get the numeric value of an attribute of a type (TV, or TLV of 1 to 4
 * octets, big-endian).
 *
 * @param attrs		list to search
 * @param type		attribute type
 * @param value		receives the value
 * @return			FALSE if absent or not numeric
 */
bool gdoi_isakmp_attrs_get_uint(gdoi_isakmp_attrs_t *attrs, uint16_t type,
								uint32_t *value);

/**
 * Deep copy of a list.
 *
 * @param dst		receives the copy (must be empty)
 * @param src		list to copy
 */
void gdoi_isakmp_attrs_copy(gdoi_isakmp_attrs_t *dst, gdoi_isakmp_attrs_t *src);

/**
 * Free the attributes of a list, wiping TLV values, and empty it.
 *
 * @param attrs		list to clear
 */
void gdoi_isakmp_attrs_clear(gdoi_isakmp_attrs_t *attrs);

/**
 * Number of octets the list takes on the wire.
 *
 * @param attrs		list
 * @return			encoded length
 */
size_t gdoi_isakmp_attrs_len(gdoi_isakmp_attrs_t *attrs);

/**
 * Write the list.
 *
 * @param attrs		list
 * @param writer	writer to append to
 */
void gdoi_isakmp_attrs_encode(gdoi_isakmp_attrs_t *attrs, bio_writer_t *writer);

/**
 * Decode all of data as attributes, checking them against a rule table:
 * unknown types, duplicates of non-repeatable types, the wrong format,
 * lengths out of bounds (including zero) and truncation are errors.
 *
 * @param data		the encoded attributes, all of it is consumed
 * @param where		name of the enclosing structure for errors, e.g. "SAK"
 * @param rules		rule table
 * @param count		number of rules
 * @param attrs		list to append to (cleared on failure)
 * @param err		receives the reason on failure
 * @return			TRUE if decoded
 */
bool gdoi_isakmp_attrs_decode(chunk_t data, char *where,
							  const gdoi_isakmp_attr_rule_t *rules, int count,
							  gdoi_isakmp_attrs_t *attrs, gdoi_isakmp_err_t *err);

#endif /** GDOI_ISAKMP_ATTRS_H_ @}*/
