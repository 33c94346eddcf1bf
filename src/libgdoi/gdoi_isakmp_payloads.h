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
 * @defgroup gdoi_isakmp_payloads gdoi_isakmp_payloads
 * @{ @ingroup libgdoi
 *
 * GDOI (RFC 6407) messages on UDP 848: the ISAKMP header and the payloads
 * GDOI uses, as a flat model the key server and the group member share, with
 * a strict encoder and decoder.
 *
 * The model: a gdoi_isakmp_message_t holds the header fields and an ordered
 * array of gdoi_isakmp_payload_t. The group policy is the SA payload
 * (gdoi_isakmp_sa_t: an optional KEK policy, an optional GAP and the TEK
 * policies); the keys are the KD payload (gdoi_isakmp_kd_t). Everything a
 * structure points to is owned by it, key material is wiped when freed.
 *
 * Decoding validates before use (style guide 2.2, 7.1): every length field
 * is checked against what remains, counts against what is present,
 * attributes against per-context tables. A failure fills a
 * gdoi_isakmp_err_t whose text names the field, e.g.
 * "KD Number of Key Packets 3 does not match 2 key packets present".
 *
 * SA TEK ID Data Len: 2 octets are sent (RFC 6407 5.4.1); 1-octet lengths
 * (RFC 3547, the Cisco reference code) are accepted on input. See
 * src/libgdoi/README.md for the reasons.
 *
 * Order inside the SA payload: SAK, then the SATs, then GAP on output
 * (Wireshark 4.0 follows SAK->SAT->SAT only); any order with at most one SAK
 * and one GAP on input.
 */

#ifndef GDOI_ISAKMP_PAYLOADS_H_
#define GDOI_ISAKMP_PAYLOADS_H_

#include "gdoi_isakmp_attrs.h"

typedef enum gdoi_isakmp_payload_type_t gdoi_isakmp_payload_type_t;
typedef struct gdoi_isakmp_tsid_t gdoi_isakmp_tsid_t;
typedef struct gdoi_isakmp_sak_t gdoi_isakmp_sak_t;
typedef struct gdoi_isakmp_sat_t gdoi_isakmp_sat_t;
typedef struct gdoi_isakmp_gap_t gdoi_isakmp_gap_t;
typedef struct gdoi_isakmp_sa_t gdoi_isakmp_sa_t;
typedef struct gdoi_isakmp_keypkt_t gdoi_isakmp_keypkt_t;
typedef struct gdoi_isakmp_kd_t gdoi_isakmp_kd_t;
typedef struct gdoi_isakmp_id_t gdoi_isakmp_id_t;
typedef struct gdoi_isakmp_notify_t gdoi_isakmp_notify_t;
typedef struct gdoi_isakmp_delete_t gdoi_isakmp_delete_t;
typedef struct gdoi_isakmp_payload_t gdoi_isakmp_payload_t;
typedef struct gdoi_isakmp_message_t gdoi_isakmp_message_t;

/** UDP port of GDOI */
#define GDOI_PORT 848
/** DOI of GDOI */
#define GDOI_DOI 2
/** ISAKMP version 1.0 */
#define GDOI_ISAKMP_VERSION 0x10
/** length of the ISAKMP header */
#define GDOI_ISAKMP_HDR_LEN 28
/** GROUPKEY-PULL exchange */
#define GDOI_EXCHANGE_PULL 32
/** GROUPKEY-PUSH exchange */
#define GDOI_EXCHANGE_PUSH 33
/** ISAKMP Informational exchange (notify errors) */
#define GDOI_EXCHANGE_INFO 5
/** header flags */
#define GDOI_FLAG_ENCRYPTION 0x01
#define GDOI_FLAG_COMMIT 0x02
#define GDOI_FLAG_AUTH_ONLY 0x04

/**
 * ISAKMP payload types used by GDOI
 */
enum gdoi_isakmp_payload_type_t {
	GDOI_PL_NONE = 0,
	GDOI_PL_SA = 1,
	GDOI_PL_ID = 5,
	GDOI_PL_HASH = 8,
	GDOI_PL_SIG = 9,
	GDOI_PL_NONCE = 10,
	GDOI_PL_NOTIFY = 11,
	GDOI_PL_DELETE = 12,
	GDOI_PL_SAK = 15,
	GDOI_PL_SAT = 16,
	GDOI_PL_KD = 17,
	GDOI_PL_SEQ = 18,
	GDOI_PL_GAP = 22,
};

/** IPsec DOI identification types (RFC 2407 4.6.2.1, RFC 8052) */
#define GDOI_ID_IPV4_ADDR 1
#define GDOI_ID_FQDN 2
#define GDOI_ID_USER_FQDN 3
#define GDOI_ID_IPV4_ADDR_SUBNET 4
#define GDOI_ID_IPV6_ADDR 5
#define GDOI_ID_IPV6_ADDR_SUBNET 6
#define GDOI_ID_IPV4_ADDR_RANGE 7
#define GDOI_ID_IPV6_ADDR_RANGE 8
#define GDOI_ID_DER_ASN1_DN 9
#define GDOI_ID_DER_ASN1_GN 10
#define GDOI_ID_KEY_ID 11
#define GDOI_ID_OID 13

/** SAT Protocol-ID */
#define GDOI_PROTO_IPSEC_ESP 1
#define GDOI_PROTO_IPSEC_AH 2

/** KEK attributes (SAK) */
#define GDOI_KEK_MANAGEMENT_ALGORITHM 1
#define GDOI_KEK_ALGORITHM 2
#define GDOI_KEK_KEY_LENGTH 3
#define GDOI_KEK_KEY_LIFETIME 4
#define GDOI_SIG_HASH_ALGORITHM 5
#define GDOI_SIG_ALGORITHM 6
#define GDOI_SIG_KEY_LENGTH 7
/** KEK_ALGORITHM values */
#define GDOI_KEK_ALG_DES 1
#define GDOI_KEK_ALG_3DES 2
#define GDOI_KEK_ALG_AES 3

/** IPsec DOI SA attributes (SAT) */
#define GDOI_SA_LIFE_TYPE 1
#define GDOI_SA_LIFE_DURATION 2
#define GDOI_ENCAPSULATION_MODE 4
#define GDOI_AUTH_ALGORITHM 5
#define GDOI_KEY_LENGTH 6
#define GDOI_ADDRESS_PRESERVATION 14
#define GDOI_SA_DIRECTION 15

/** GAP attributes */
#define GDOI_GAP_ACTIVATION_TIME_DELAY 1
#define GDOI_GAP_DEACTIVATION_TIME_DELAY 2
#define GDOI_GAP_SENDER_ID_REQUEST 3

/** KD key packet types */
#define GDOI_KD_TEK 1
#define GDOI_KD_KEK 2
#define GDOI_KD_LKH 3
#define GDOI_KD_SID 4

/** TEK key packet attributes */
#define GDOI_TEK_ALGORITHM_KEY 1
#define GDOI_TEK_INTEGRITY_KEY 2
#define GDOI_TEK_SOURCE_AUTH_KEY 3
/** KEK key packet attributes */
#define GDOI_KEK_ALGORITHM_KEY 1
#define GDOI_SIG_ALGORITHM_KEY 2
/** LKH key packet attributes */
#define GDOI_LKH_DOWNLOAD_ARRAY 1
#define GDOI_LKH_UPDATE_ARRAY 2
#define GDOI_LKH_SIG_KEY 3
/** SID key packet attributes */
#define GDOI_SID_NUMBER_OF_SID_BITS 1
#define GDOI_SID_VALUE 2

/** Nonce data bounds (RFC 2409 5) */
#define GDOI_NONCE_MIN 8
#define GDOI_NONCE_MAX 256

/**
 * Traffic or rekey flow identity inside SAK and SAT
 */
struct gdoi_isakmp_tsid_t {

	/** ID type (GDOI_ID_*) */
	uint8_t type;

	/** port, 0 for any */
	uint16_t port;

	/** identification data (owned) */
	chunk_t data;
};

/**
 * SA KEK payload: the rekey SA policy
 */
struct gdoi_isakmp_sak_t {

	/** IP protocol of the rekey messages (17) */
	uint8_t protocol;

	/** source (the GCKS) */
	gdoi_isakmp_tsid_t src;

	/** destination the PUSH messages go to */
	gdoi_isakmp_tsid_t dst;

	/** KEK SPI: the two ISAKMP cookies of the PUSH header */
	uint8_t spi[16];

	/** RESERVED2 (RFC 3547: POP algorithm and key length), sent as zero */
	uint32_t reserved2;

	/** KEK attributes */
	gdoi_isakmp_attrs_t attrs;
};

/**
 * SA TEK payload: one data-security SA policy
 */
struct gdoi_isakmp_sat_t {

	/** Protocol-ID, GDOI_PROTO_IPSEC_ESP or _AH (others kept as body) */
	uint8_t protocol_id;

	/** IP protocol of the protected traffic, 0 for any (ESP/AH) */
	uint8_t protocol;

	/** source traffic selector (ESP/AH) */
	gdoi_isakmp_tsid_t src;

	/** destination traffic selector (ESP/AH) */
	gdoi_isakmp_tsid_t dst;

	/** IPsec DOI transform ID (ESP/AH) */
	uint8_t transform_id;

	/** SPI (ESP/AH) */
	uint32_t spi;

	/** IPsec DOI SA attributes (ESP/AH) */
	gdoi_isakmp_attrs_t attrs;

	/** body after the Protocol-ID of other protocols (owned) */
	chunk_t body;

	/** width of ID Data Len found on input: 2, or 1 (RFC 3547 form) */
	uint8_t id_len_size;
};

/**
 * Group Associated Policy payload
 */
struct gdoi_isakmp_gap_t {

	/** GAP attributes */
	gdoi_isakmp_attrs_t attrs;
};

/**
 * SA payload with DOI 2: the group policy
 */
struct gdoi_isakmp_sa_t {

	/** situation, 0 */
	uint32_t situation;

	/** KEK policy, NULL if none (owned) */
	gdoi_isakmp_sak_t *sak;

	/** GAP, NULL if none (owned) */
	gdoi_isakmp_gap_t *gap;

	/** TEK policies (owned) */
	gdoi_isakmp_sat_t **sats;

	/** number of TEK policies */
	u_int sat_count;
};

/**
 * One key packet of a KD payload
 */
struct gdoi_isakmp_keypkt_t {

	/** KD type, GDOI_KD_* */
	uint8_t type;

	/** SPI (owned): 4 octets for TEK, 16 for KEK */
	chunk_t spi;

	/** key packet attributes (values wiped when freed) */
	gdoi_isakmp_attrs_t attrs;
};

/**
 * Key Download payload
 */
struct gdoi_isakmp_kd_t {

	/** key packets (owned) */
	gdoi_isakmp_keypkt_t *pkts;

	/** number of key packets */
	u_int count;
};

/**
 * Identification payload (the group ID in PULL message 1)
 */
struct gdoi_isakmp_id_t {

	/** ID type, GDOI_ID_* */
	uint8_t type;

	/** RESERVED (IPsec DOI protocol ID), 0 */
	uint8_t protocol;

	/** RESERVED2 (IPsec DOI port), 0 */
	uint16_t port;

	/** identification data (owned) */
	chunk_t data;
};

/**
 * Notification payload
 */
struct gdoi_isakmp_notify_t {

	/** DOI */
	uint32_t doi;

	/** protocol ID */
	uint8_t protocol;

	/** notify message type */
	uint16_t type;

	/** SPI (owned) */
	chunk_t spi;

	/** notification data (owned) */
	chunk_t data;
};

/**
 * Delete payload
 */
struct gdoi_isakmp_delete_t {

	/** DOI */
	uint32_t doi;

	/** protocol ID of the SAs */
	uint8_t protocol;

	/** SPI size: 4 for TEKs, 16 for KEKs */
	uint8_t spi_size;

	/** number of SPIs */
	uint16_t count;

	/** count SPIs of spi_size octets each (owned) */
	chunk_t spis;
};

/**
 * One payload of a message
 */
struct gdoi_isakmp_payload_t {

	/** payload type */
	gdoi_isakmp_payload_type_t type;

	/** body by type (owned) */
	union {
		/** GDOI_PL_SA */
		gdoi_isakmp_sa_t *sa;
		/** GDOI_PL_KD */
		gdoi_isakmp_kd_t *kd;
		/** GDOI_PL_GAP (outside an SA, PULL message 3) */
		gdoi_isakmp_gap_t *gap;
		/** GDOI_PL_ID */
		gdoi_isakmp_id_t *id;
		/** GDOI_PL_NOTIFY */
		gdoi_isakmp_notify_t *notify;
		/** GDOI_PL_DELETE */
		gdoi_isakmp_delete_t *del;
		/** GDOI_PL_SEQ */
		uint32_t seq;
		/** GDOI_PL_HASH, GDOI_PL_SIG, GDOI_PL_NONCE: the body */
		chunk_t data;
	};

	/**
	 * The whole encoded payload, generic header included; points into the
	 * message's encoded buffer, valid after decode or encode.
	 */
	chunk_t raw;
};

/**
 * A GDOI message
 */
struct gdoi_isakmp_message_t {

	/** initiator cookie */
	uint8_t icookie[8];

	/** responder cookie */
	uint8_t rcookie[8];

	/** exchange type */
	uint8_t exchange;

	/** header flags, GDOI_FLAG_* */
	uint8_t flags;

	/** message ID */
	uint32_t msgid;

	/** first payload type as found in the header (decode) */
	uint8_t first_payload;

	/** payloads (owned) */
	gdoi_isakmp_payload_t *payloads;

	/** number of payloads */
	u_int count;

	/** body still encrypted (E flag set on decode), borrowed from encoded */
	chunk_t encrypted;

	/** the encoded message (owned): decoded input or last encode output */
	chunk_t encoded;

	/** decrypted body given to gdoi_isakmp_message_decode_body() (owned) */
	chunk_t plain;
};

/**
 * Create an empty message.
 *
 * @param exchange		exchange type
 * @param msgid			message ID
 * @return				message, destroy with gdoi_isakmp_message_destroy()
 */
gdoi_isakmp_message_t *gdoi_isakmp_message_create(uint8_t exchange,
												  uint32_t msgid);

/**
 * Append a payload slot. Pointers returned earlier may become invalid.
 *
 * @param msg			message
 * @param type			payload type
 * @return				zeroed payload to fill in (borrowed)
 */
gdoi_isakmp_payload_t *gdoi_isakmp_message_add(gdoi_isakmp_message_t *msg,
											   gdoi_isakmp_payload_type_t type);

/**
 * Append a HASH, SIG or Nonce payload.
 *
 * @param msg			message
 * @param type			GDOI_PL_HASH, GDOI_PL_SIG or GDOI_PL_NONCE
 * @param data			body, cloned
 */
void gdoi_isakmp_message_add_data(gdoi_isakmp_message_t *msg,
								  gdoi_isakmp_payload_type_t type, chunk_t data);

/**
 * Find the first payload of a type.
 *
 * @param msg			message
 * @param type			payload type
 * @return				payload (borrowed), NULL if absent
 */
gdoi_isakmp_payload_t *gdoi_isakmp_message_get(gdoi_isakmp_message_t *msg,
											   gdoi_isakmp_payload_type_t type);

/**
 * Encode a message in clear (the caller encrypts the body if the E flag
 * is set). Also kept in msg->encoded, with each payload's raw set.
 *
 * @param msg			message
 * @param out			receives the encoding (allocated, clear it: KD keys)
 * @param err			receives the reason on failure
 * @return				TRUE if encoded
 */
bool gdoi_isakmp_message_encode(gdoi_isakmp_message_t *msg, chunk_t *out,
								gdoi_isakmp_err_t *err);

/**
 * Decode a message. If the E flag is set only the header is decoded and
 * msg->encrypted holds the body; decrypt it and call
 * gdoi_isakmp_message_decode_body().
 *
 * @param data			the UDP payload
 * @param out			receives the message
 * @param err			receives the reason on failure
 * @return				TRUE if decoded
 */
bool gdoi_isakmp_message_decode(chunk_t data, gdoi_isakmp_message_t **out,
								gdoi_isakmp_err_t *err);

/**
 * Decode the payload chain of a decrypted body: trailing padding after the
 * last payload (next payload 0) is allowed if it is shorter than
 * max_padding.
 *
 * @param msg			message decoded with its E flag set
 * @param plain			decrypted body, cloned
 * @param max_padding	longest padding accepted (e.g. the block size)
 * @param err			receives the reason on failure
 * @return				TRUE if decoded
 */
bool gdoi_isakmp_message_decode_body(gdoi_isakmp_message_t *msg, chunk_t plain,
									 size_t max_padding, gdoi_isakmp_err_t *err);

/**
 * Destroy a message and everything it holds, wiping key material.
 *
 * @param msg			message, may be NULL
 */
void gdoi_isakmp_message_destroy(gdoi_isakmp_message_t *msg);

/**
 * Encode one payload alone, generic header included (its Next Payload
 * field is given).
 *
 * @param payload		payload
 * @param next			next payload type to write
 * @param out			receives the encoding (allocated, clear it)
 * @param err			receives the reason on failure
 * @return				TRUE if encoded
 */
bool gdoi_isakmp_payload_encode(gdoi_isakmp_payload_t *payload, uint8_t next,
								chunk_t *out, gdoi_isakmp_err_t *err);

/**
 * Decode one payload, generic header included; data must hold exactly the
 * payload.
 *
 * @param type			payload type (as announced by the previous payload)
 * @param data			encoded payload
 * @param payload		receives the payload (free with
 *						gdoi_isakmp_payload_clear())
 * @param next			receives the Next Payload field, may be NULL
 * @param err			receives the reason on failure
 * @return				TRUE if decoded
 */
bool gdoi_isakmp_payload_decode(gdoi_isakmp_payload_type_t type, chunk_t data,
								gdoi_isakmp_payload_t *payload, uint8_t *next,
								gdoi_isakmp_err_t *err);

/**
 * Free what a payload holds.
 *
 * @param payload		payload
 */
void gdoi_isakmp_payload_clear(gdoi_isakmp_payload_t *payload);

/**
 * Create an empty group policy (SA payload body).
 *
 * @return				SA, free with gdoi_isakmp_sa_destroy()
 */
gdoi_isakmp_sa_t *gdoi_isakmp_sa_create();

/**
 * Append a TEK policy to an SA.
 *
 * @param sa			SA
 * @param sat			TEK policy, owned by the SA afterwards
 */
void gdoi_isakmp_sa_add_sat(gdoi_isakmp_sa_t *sa, gdoi_isakmp_sat_t *sat);

/**
 * Destroy an SA and its policies.
 *
 * @param sa			SA, may be NULL
 */
void gdoi_isakmp_sa_destroy(gdoi_isakmp_sa_t *sa);

/**
 * Append a key packet to a KD.
 *
 * @param kd			KD
 * @param type			GDOI_KD_*
 * @param spi			SPI, cloned
 * @return				key packet to add attributes to (borrowed)
 */
gdoi_isakmp_keypkt_t *gdoi_isakmp_kd_add(gdoi_isakmp_kd_t *kd, uint8_t type,
										 chunk_t spi);

/**
 * Destroy a KD, wiping the keys.
 *
 * @param kd			KD, may be NULL
 */
void gdoi_isakmp_kd_destroy(gdoi_isakmp_kd_t *kd);

/**
 * Build an ID_KEY_ID group identity from a group number (4 octets,
 * big-endian).
 *
 * @param group			group number
 * @return				ID, free with free() after chunk_free(&id->data)
 */
gdoi_isakmp_id_t *gdoi_isakmp_id_create_group(uint32_t group);

/**
 * Get the group number from an ID_KEY_ID identity of 4 octets.
 *
 * @param id			ID
 * @param group			receives the group number
 * @return				FALSE if not a 4-octet ID_KEY_ID
 */
bool gdoi_isakmp_id_get_group(gdoi_isakmp_id_t *id, uint32_t *group);

/**
 * Check the key packets of a KD against the policy they belong to: every
 * TEK key packet has a SAT with its SPI and keys of the sizes the SAT's
 * transform, key length and authentication algorithm call for; a KEK key
 * packet matches the SAK's SPI, KEK_ALGORITHM and KEK_KEY_LENGTH.
 *
 * @param sa			policy
 * @param kd			keys
 * @param err			receives the reason on failure
 * @return				TRUE if consistent
 */
bool gdoi_isakmp_check_keys(gdoi_isakmp_sa_t *sa, gdoi_isakmp_kd_t *kd,
							gdoi_isakmp_err_t *err);

#endif /** GDOI_ISAKMP_PAYLOADS_H_ @}*/
