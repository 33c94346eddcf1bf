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
 * @defgroup gikev2_types gikev2_types
 * @{ @ingroup libgdoi
 *
 * G-IKEv2 (RFC 9838) code points, the decode error type and the IKEv2
 * attribute (RFC 7296 3.3.5) reader and writer the codecs share.
 *
 * Code points that draft-ietf-ipsecme-g-ikev2-23 leaves as TBA are the IANA
 * values (GSA_INBAND_REKEY 42, GIKE_UPDATE 6, KWA 13, GCAUTH 14, transform
 * attribute 18, SN 2, REGISTRATION_FAILED 49).
 */

#ifndef GIKEV2_TYPES_H_
#define GIKEV2_TYPES_H_

#include <library.h>
#include <bio/bio_reader.h>
#include <bio/bio_writer.h>

typedef enum gikev2_exchange_t gikev2_exchange_t;
typedef enum gikev2_payload_type_t gikev2_payload_type_t;
typedef enum gikev2_protocol_t gikev2_protocol_t;
typedef enum gikev2_transform_type_t gikev2_transform_type_t;
typedef enum gikev2_kwa_t gikev2_kwa_t;
typedef enum gikev2_gcauth_t gikev2_gcauth_t;
typedef enum gikev2_sn_t gikev2_sn_t;
typedef enum gikev2_transform_attr_t gikev2_transform_attr_t;
typedef enum gikev2_notify_t gikev2_notify_t;
typedef enum gikev2_gsa_attr_t gikev2_gsa_attr_t;
typedef enum gikev2_gwp_attr_t gikev2_gwp_attr_t;
typedef enum gikev2_gkb_attr_t gikev2_gkb_attr_t;
typedef enum gikev2_mkb_attr_t gikev2_mkb_attr_t;
typedef struct gikev2_err_t gikev2_err_t;
typedef struct gikev2_attr_t gikev2_attr_t;

/**
 * G-IKEv2 exchange types (RFC 9838 9.3)
 */
enum gikev2_exchange_t {
	GIKEV2_GSA_AUTH = 39,
	GIKEV2_GSA_REGISTRATION = 40,
	GIKEV2_GSA_REKEY = 41,
	GIKEV2_GSA_INBAND_REKEY = 42,
};

/**
 * enum names for gikev2_exchange_t
 */
extern enum_name_t *gikev2_exchange_names;

/**
 * G-IKEv2 payload types (RFC 9838 9.3); SAg reuses the SA type 33
 */
enum gikev2_payload_type_t {
	GIKEV2_PL_SAG = 33,
	GIKEV2_PL_IDG = 50,
	GIKEV2_PL_GSA = 51,
	GIKEV2_PL_KD = 52,
};

/**
 * enum names for gikev2_payload_type_t
 */
extern enum_name_t *gikev2_payload_type_names;

/**
 * Security protocol IDs used in GSA policies and group key bags
 */
enum gikev2_protocol_t {
	/** GW policy / member key bag marker, not a protocol */
	GIKEV2_PROTO_NONE = 0,
	GIKEV2_PROTO_AH = 2,
	GIKEV2_PROTO_ESP = 3,
	/** the Rekey SA */
	GIKEV2_PROTO_GIKE_UPDATE = 6,
};

/**
 * enum names for gikev2_protocol_t
 */
extern enum_name_t *gikev2_protocol_names;

/**
 * Transform types a GSA policy may use (RFC 7296, RFC 9827, RFC 9838)
 */
enum gikev2_transform_type_t {
	GIKEV2_TRANS_ENCR = 1,
	GIKEV2_TRANS_PRF = 2,
	GIKEV2_TRANS_INTEG = 3,
	GIKEV2_TRANS_KE = 4,
	GIKEV2_TRANS_SN = 5,
	GIKEV2_TRANS_KWA = 13,
	GIKEV2_TRANS_GCAUTH = 14,
};

/**
 * enum names for gikev2_transform_type_t
 */
extern enum_name_t *gikev2_transform_type_names;

/**
 * Key Wrap Algorithm transform IDs
 */
enum gikev2_kwa_t {
	GIKEV2_KW_5649_128 = 1,
	GIKEV2_KW_5649_192 = 2,
	GIKEV2_KW_5649_256 = 3,
	GIKEV2_KW_ARX = 4,
};

/**
 * enum names for gikev2_kwa_t
 */
extern enum_name_t *gikev2_kwa_names;

/**
 * Group Controller Authentication Method transform IDs
 */
enum gikev2_gcauth_t {
	GIKEV2_GCAUTH_IMPLICIT = 1,
	GIKEV2_GCAUTH_DIGITAL_SIGNATURE = 2,
};

/**
 * enum names for gikev2_gcauth_t
 */
extern enum_name_t *gikev2_gcauth_names;

/**
 * Sequence Numbers transform IDs (RFC 9827, RFC 9838 4.4.2.1.3)
 */
enum gikev2_sn_t {
	GIKEV2_SN_32BIT_SEQUENTIAL = 0,
	GIKEV2_SN_PARTIALLY_TRANSMITTED_64BIT = 1,
	GIKEV2_SN_32BIT_UNSPECIFIED = 2,
};

/**
 * enum names for gikev2_sn_t
 */
extern enum_name_t *gikev2_sn_names;

/**
 * Transform attribute types used in GSA transforms
 */
enum gikev2_transform_attr_t {
	GIKEV2_TATTR_KEY_LENGTH = 14,
	GIKEV2_TATTR_SIGNATURE_ALGORITHM_ID = 18,
};

/**
 * enum names for gikev2_transform_attr_t
 */
extern enum_name_t *gikev2_transform_attr_names;

/**
 * G-IKEv2 notify message types
 */
enum gikev2_notify_t {
	GIKEV2_INVALID_GROUP_ID = 45,
	GIKEV2_AUTHORIZATION_FAILED = 46,
	GIKEV2_REGISTRATION_FAILED = 49,
	GIKEV2_GROUP_SENDER = 16429,
};

/**
 * enum names for gikev2_notify_t
 */
extern enum_name_t *gikev2_notify_names;

/**
 * GSA attributes (RFC 9838 4.4.2.2)
 */
enum gikev2_gsa_attr_t {
	GIKEV2_GSA_KEY_LIFETIME = 1,
	GIKEV2_GSA_INITIAL_MESSAGE_ID = 2,
	GIKEV2_GSA_NEXT_SPI = 3,
};

/**
 * enum names for gikev2_gsa_attr_t
 */
extern enum_name_t *gikev2_gsa_attr_names;

/**
 * Group-wide policy attributes (RFC 9838 4.4.3.1)
 */
enum gikev2_gwp_attr_t {
	GIKEV2_GWP_ATD = 1,
	GIKEV2_GWP_DTD = 2,
	GIKEV2_GWP_SENDER_ID_BITS = 3,
};

/**
 * enum names for gikev2_gwp_attr_t
 */
extern enum_name_t *gikev2_gwp_attr_names;

/**
 * Group key bag attributes (RFC 9838 4.5.2)
 */
enum gikev2_gkb_attr_t {
	GIKEV2_GKB_SA_KEY = 1,
};

/**
 * enum names for gikev2_gkb_attr_t
 */
extern enum_name_t *gikev2_gkb_attr_names;

/**
 * Member key bag attributes (RFC 9838 4.5.3)
 */
enum gikev2_mkb_attr_t {
	GIKEV2_MKB_WRAP_KEY = 1,
	GIKEV2_MKB_AUTH_KEY = 2,
	GIKEV2_MKB_GM_SENDER_ID = 3,
};

/**
 * enum names for gikev2_mkb_attr_t
 */
extern enum_name_t *gikev2_mkb_attr_names;

/** size of the message buffer of gikev2_err_t */
#define GIKEV2_ERR_LEN 160

/**
 * Reason a decoder refused its input, naming the field at fault.
 */
struct gikev2_err_t {

	/** NUL-terminated message, empty if no error was set */
	char msg[GIKEV2_ERR_LEN];
};

/**
 * Record a decode error: logs it once at DBG1 (DBG_ENC) and, if err is not
 * NULL, keeps the first error set in err->msg.
 *
 * @param err		error to fill in, or NULL to only log
 * @param fmt		printf() style format, strongSwan hooks allowed
 */
void gikev2_err_set(gikev2_err_t *err, char *fmt, ...);

/**
 * An IKEv2 attribute (RFC 7296 3.3.5) as read from the wire.
 */
struct gikev2_attr_t {

	/** attribute type, without the AF bit */
	uint16_t type;

	/** TRUE for Type/Value (AF bit set), FALSE for Type/Length/Value */
	bool tv;

	/** the 2-octet value of a TV attribute */
	uint16_t value;

	/** the value of a TLV attribute, points into the reader's data */
	chunk_t data;
};

/**
 * Read one attribute, checking that its declared length fits.
 *
 * @param reader	reader positioned on the attribute
 * @param attr		receives the attribute
 * @param what		name of the attribute list, for the error message
 * @param err		error, naming the field at fault
 * @return			TRUE if read
 */
bool gikev2_attr_read(bio_reader_t *reader, gikev2_attr_t *attr, char *what,
					  gikev2_err_t *err);

/**
 * Write a Type/Value attribute.
 *
 * @param writer	writer to append to
 * @param type		attribute type
 * @param value		attribute value
 */
void gikev2_attr_write_tv(bio_writer_t *writer, uint16_t type,
						  uint16_t value);

/**
 * Write a Type/Length/Value attribute.
 *
 * @param writer	writer to append to
 * @param type		attribute type
 * @param data		attribute value, at most 65535 octets
 */
void gikev2_attr_write_tlv(bio_writer_t *writer, uint16_t type, chunk_t data);

#endif /** GIKEV2_TYPES_H_ @}*/
