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

#include <stdarg.h>
#include <stdio.h>

#include "gikev2_types.h"

#include <utils/debug.h>

ENUM(gikev2_exchange_names, GIKEV2_GSA_AUTH, GIKEV2_GSA_INBAND_REKEY,
	"GSA_AUTH",
	"GSA_REGISTRATION",
	"GSA_REKEY",
	"GSA_INBAND_REKEY",
);

ENUM_BEGIN(gikev2_payload_type_names, GIKEV2_PL_SAG, GIKEV2_PL_SAG,
	"SAg");
ENUM_NEXT(gikev2_payload_type_names, GIKEV2_PL_IDG, GIKEV2_PL_KD,
		  GIKEV2_PL_SAG,
	"IDg",
	"GSA",
	"KD");
ENUM_END(gikev2_payload_type_names, GIKEV2_PL_KD);

ENUM_BEGIN(gikev2_protocol_names, GIKEV2_PROTO_NONE, GIKEV2_PROTO_NONE,
	"NONE");
ENUM_NEXT(gikev2_protocol_names, GIKEV2_PROTO_AH, GIKEV2_PROTO_ESP,
		  GIKEV2_PROTO_NONE,
	"AH",
	"ESP");
ENUM_NEXT(gikev2_protocol_names, GIKEV2_PROTO_GIKE_UPDATE,
		  GIKEV2_PROTO_GIKE_UPDATE, GIKEV2_PROTO_ESP,
	"GIKE_UPDATE");
ENUM_END(gikev2_protocol_names, GIKEV2_PROTO_GIKE_UPDATE);

ENUM_BEGIN(gikev2_transform_type_names, GIKEV2_TRANS_ENCR, GIKEV2_TRANS_SN,
	"ENCR",
	"PRF",
	"INTEG",
	"KE",
	"SN");
ENUM_NEXT(gikev2_transform_type_names, GIKEV2_TRANS_KWA, GIKEV2_TRANS_GCAUTH,
		  GIKEV2_TRANS_SN,
	"KWA",
	"GCAUTH");
ENUM_END(gikev2_transform_type_names, GIKEV2_TRANS_GCAUTH);

ENUM(gikev2_kwa_names, GIKEV2_KW_5649_128, GIKEV2_KW_ARX,
	"KW_5649_128",
	"KW_5649_192",
	"KW_5649_256",
	"KW_ARX",
);

ENUM(gikev2_gcauth_names, GIKEV2_GCAUTH_IMPLICIT,
	 GIKEV2_GCAUTH_DIGITAL_SIGNATURE,
	"IMPLICIT",
	"DIGITAL_SIGNATURE",
);

ENUM(gikev2_sn_names, GIKEV2_SN_32BIT_SEQUENTIAL, GIKEV2_SN_32BIT_UNSPECIFIED,
	"32BIT_SEQUENTIAL",
	"PARTIALLY_TRANSMITTED_64BIT",
	"32BIT_UNSPECIFIED",
);

ENUM_BEGIN(gikev2_transform_attr_names, GIKEV2_TATTR_KEY_LENGTH,
		   GIKEV2_TATTR_KEY_LENGTH,
	"KEY_LENGTH");
ENUM_NEXT(gikev2_transform_attr_names, GIKEV2_TATTR_SIGNATURE_ALGORITHM_ID,
		  GIKEV2_TATTR_SIGNATURE_ALGORITHM_ID, GIKEV2_TATTR_KEY_LENGTH,
	"SIGNATURE_ALGORITHM_ID");
ENUM_END(gikev2_transform_attr_names, GIKEV2_TATTR_SIGNATURE_ALGORITHM_ID);

ENUM_BEGIN(gikev2_notify_names, GIKEV2_INVALID_GROUP_ID,
		   GIKEV2_AUTHORIZATION_FAILED,
	"INVALID_GROUP_ID",
	"AUTHORIZATION_FAILED");
ENUM_NEXT(gikev2_notify_names, GIKEV2_REGISTRATION_FAILED,
		  GIKEV2_REGISTRATION_FAILED, GIKEV2_AUTHORIZATION_FAILED,
	"REGISTRATION_FAILED");
ENUM_NEXT(gikev2_notify_names, GIKEV2_GROUP_SENDER, GIKEV2_GROUP_SENDER,
		  GIKEV2_REGISTRATION_FAILED,
	"GROUP_SENDER");
ENUM_END(gikev2_notify_names, GIKEV2_GROUP_SENDER);

ENUM(gikev2_gsa_attr_names, GIKEV2_GSA_KEY_LIFETIME, GIKEV2_GSA_NEXT_SPI,
	"GSA_KEY_LIFETIME",
	"GSA_INITIAL_MESSAGE_ID",
	"GSA_NEXT_SPI",
);

ENUM(gikev2_gwp_attr_names, GIKEV2_GWP_ATD, GIKEV2_GWP_SENDER_ID_BITS,
	"GWP_ATD",
	"GWP_DTD",
	"GWP_SENDER_ID_BITS",
);

ENUM(gikev2_gkb_attr_names, GIKEV2_GKB_SA_KEY, GIKEV2_GKB_SA_KEY,
	"SA_KEY",
);

ENUM(gikev2_mkb_attr_names, GIKEV2_MKB_WRAP_KEY, GIKEV2_MKB_GM_SENDER_ID,
	"WRAP_KEY",
	"AUTH_KEY",
	"GM_SENDER_ID",
);

/*
 * Described in header
 */
void gikev2_err_set(gikev2_err_t *err, char *fmt, ...)
{
	char buf[GIKEV2_ERR_LEN];
	va_list args;

	va_start(args, fmt);
	vsnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);

	DBG1(DBG_ENC, "G-IKEv2 parse error: %s", buf);
	if (err && !err->msg[0])
	{
		memcpy(err->msg, buf, sizeof(err->msg));
	}
}

/** the Attribute Format bit */
#define AF_BIT 0x8000

/*
 * Described in header
 */
bool gikev2_attr_read(bio_reader_t *reader, gikev2_attr_t *attr, char *what,
					  gikev2_err_t *err)
{
	uint16_t type, len;

	if (!reader->read_uint16(reader, &type) ||
		!reader->read_uint16(reader, &len))
	{
		gikev2_err_set(err, "%s attribute header truncated (%u < 4)", what,
					   reader->remaining(reader));
		return FALSE;
	}
	*attr = (gikev2_attr_t){
		.type = type & ~AF_BIT,
		.tv = (type & AF_BIT) != 0,
	};
	if (attr->tv)
	{
		attr->value = len;
		return TRUE;
	}
	if (!reader->read_data(reader, len, &attr->data))
	{
		gikev2_err_set(err, "%s attribute %u Attribute Length exceeds data "
					   "(%u > %u)", what, attr->type, len,
					   reader->remaining(reader));
		return FALSE;
	}
	return TRUE;
}

/*
 * Described in header
 */
void gikev2_attr_write_tv(bio_writer_t *writer, uint16_t type,
						  uint16_t value)
{
	writer->write_uint16(writer, type | AF_BIT);
	writer->write_uint16(writer, value);
}

/*
 * Described in header
 */
void gikev2_attr_write_tlv(bio_writer_t *writer, uint16_t type, chunk_t data)
{
	writer->write_uint16(writer, type & ~AF_BIT);
	writer->write_data16(writer, data);
}
