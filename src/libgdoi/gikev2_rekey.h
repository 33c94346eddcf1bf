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
 * @defgroup gikev2_rekey gikev2_rekey
 * @{ @ingroup libgdoi
 * GSA_REKEY datagrams (RFC 9838 2.4.1), built and opened without an IKE SA:
 *
 *   HDR(SPIi|SPIr = KEK SPI, GSA_REKEY, Initiator, Message ID),
 *     SK{GSA, KD, [D], [AUTH]}
 *
 * The Encrypted payload is protected with the KEK's GSK_e and GSK_a (AEAD
 * or encrypt-then-MAC as for IKEv2, RFC 7296 3.14); AUTH is an RFC 7427
 * Digital Signature (Auth Method 14) over A | P as gikev2_rekey_auth.h
 * describes.  ECDSA signatures are DER encoded and vary in length, so the
 * builder signs again with the length it got until the length it reserved
 * and the one it got agree (the signature covers the AUTH payload length).
 *
 * Acknowledgement of unicast rekeys (an extension: RFC 9838 defines none
 * for GSA_REKEY): a member answers a unicast GSA_REKEY with
 *
 *   HDR(same SPI, GSA_REKEY, Response, same Message ID), SK{}
 *
 * protected with the KEK that protected the rekey, as GSA_INBAND_REKEY is
 * answered.  Multicast rekeys are never acknowledged.
 *
 * A member opens a datagram in this order: gikev2_rekey_peek() (lengths,
 * exchange, SPI and Message ID, no cryptography) so the caller can drop
 * unknown SPIs and replays cheaply, then gikev2_rekey_open() (ICV and
 * decryption with the KEK, then the signature with the KEK's auth_key).
 * The signature covers the plaintext, so it is checked after decryption.
 */

#ifndef GIKEV2_REKEY_H_
#define GIKEV2_REKEY_H_

#include "gikev2_types.h"
#include "gdoi_kek.h"

#include <credentials/keys/private_key.h>

typedef struct gikev2_rekey_hdr_t gikev2_rekey_hdr_t;
typedef enum gikev2_rekey_reject_t gikev2_rekey_reject_t;

/**
 * Largest GSA_REKEY datagram accepted (and built): bigger ones are refused
 * as GIKEV2_REKEY_OVERSIZE.
 */
#define GIKEV2_REKEY_MAX_LEN 16384

/**
 * Why a received GSA_REKEY (or acknowledgement) was dropped, for the log
 * and the per-reason counters.
 */
enum gikev2_rekey_reject_t {
	/** not rejected */
	GIKEV2_REKEY_OK = 0,
	/** truncated, inconsistent lengths, wrong version/exchange/payloads */
	GIKEV2_REKEY_MALFORMED,
	/** longer than GIKEV2_REKEY_MAX_LEN */
	GIKEV2_REKEY_OVERSIZE,
	/** no KEK with this SPI: unknown group or expired KEK (set by callers) */
	GIKEV2_REKEY_UNKNOWN_SPI,
	/** Message ID not newer than the last one accepted (set by callers) */
	GIKEV2_REKEY_REPLAY,
	/** integrity check or decryption failed */
	GIKEV2_REKEY_DECRYPT,
	/** AUTH missing, unexpected, or the signature does not verify */
	GIKEV2_REKEY_SIGNATURE,
	/** GSA or KD refused (set by callers that decode them) */
	GIKEV2_REKEY_POLICY,
	/** number of reasons, not a reason */
	GIKEV2_REKEY_REJECT_MAX,
};

/**
 * enum names for gikev2_rekey_reject_t: "ok", "malformed", "oversize",
 * "unknown-spi", "replay", "decrypt", "signature", "policy".
 */
extern enum_name_t *gikev2_rekey_reject_names;

/**
 * What the unprotected header of a GSA_REKEY datagram says.
 */
struct gikev2_rekey_hdr_t {

	/** Rekey SA SPI (SPIi | SPIr) */
	uint8_t spi[GDOI_KEK_SPI_SIZE];

	/** Message ID */
	uint32_t mid;

	/** TRUE for an acknowledgement (Response flag), FALSE for a rekey */
	bool response;
};

/**
 * Read the header of a received datagram, without cryptography: checks
 * the size limit, the IKE header (version 2.0, exchange GSA_REKEY, Length
 * equal to the datagram's), and that the first payload is an Encrypted
 * payload that spans the rest of the datagram.
 *
 * @param datagram	received UDP payload (without a non-ESP marker)
 * @param hdr		receives the header fields
 * @param reason	receives why it was refused, may be NULL
 * @param err		receives the details, may be NULL
 * @return			TRUE if well formed
 */
bool gikev2_rekey_peek(chunk_t datagram, gikev2_rekey_hdr_t *hdr,
					   gikev2_rekey_reject_t *reason, gikev2_err_t *err);

/**
 * Build a GSA_REKEY datagram, once, for every member and retransmission.
 *
 * @param kek		current KEK: SPI, GSK_e/GSK_a protect the message
 * @param mid		Message ID
 * @param gsa		GSA payload body (gikev2_registration_encode() with
 *					GIKEV2_GSA_REKEY)
 * @param kd		KD payload body (its keys wrapped with the current
 *					KEK's GSK_w)
 * @param del_spis	ESP SPIs (network order) to delete with a Delete
 *					payload, NULL for none; SPI 0 deletes every TEK
 * @param del_count	number of SPIs in del_spis
 * @param signer	private key that signs (its public half is
 *					kek->auth_key), NULL for implicit authentication
 * @param datagram	receives the allocated datagram
 * @param err		receives the reason on failure, may be NULL
 * @return			TRUE if built
 */
bool gikev2_rekey_build(gdoi_kek_t *kek, uint32_t mid, chunk_t gsa,
						chunk_t kd, uint32_t *del_spis, u_int del_count,
						private_key_t *signer, chunk_t *datagram,
						gikev2_err_t *err);

/**
 * Signatures and encryptions made for GSA_REKEY messages and their
 * acknowledgements in this process so far, counted where the private key
 * signs and the KEK's AEAD encrypts (a signature whose length differs from
 * the one guessed is made again and counted twice).
 *
 * @param sigs		receives the number of signatures
 * @param encrs		receives the number of encryptions
 */
void gikev2_rekey_counters(u_int *sigs, u_int *encrs);

/**
 * Build the acknowledgement of a unicast GSA_REKEY (see above).
 *
 * @param kek		KEK that protected the rekey
 * @param mid		its Message ID
 * @param datagram	receives the allocated datagram
 * @param err		receives the reason on failure, may be NULL
 * @return			TRUE if built
 */
bool gikev2_rekey_build_ack(gdoi_kek_t *kek, uint32_t mid, chunk_t *datagram,
							gikev2_err_t *err);

/**
 * Check the integrity of a received GSA_REKEY or acknowledgement, decrypt
 * it and, for a rekey whose KEK has an auth_key, verify the signature with
 * that key and its scheme (the AlgorithmIdentifier in AUTH must match).
 * A rekey must carry GSA and KD, or Delete payloads; an acknowledgement
 * must be empty.  Nothing is changed on failure.
 *
 * @param datagram	received datagram, gikev2_rekey_peek() passed
 * @param kek		KEK whose SPI the header names
 * @param gsa		receives the GSA body (allocated, chunk_empty if none)
 * @param kd		receives the KD body (allocated, chunk_clear() it,
 *					chunk_empty if none)
 * @param del_spis	receives the deleted ESP SPIs (allocated array of
 *					uint32_t in network order, NULL if none), may be NULL
 * @param del_count	receives their number, may be NULL
 * @param reason	receives why it was refused, may be NULL
 * @param err		receives the details, may be NULL
 * @return			TRUE if authentic and well formed
 */
bool gikev2_rekey_open(chunk_t datagram, gdoi_kek_t *kek, chunk_t *gsa,
					   chunk_t *kd, uint32_t **del_spis, u_int *del_count,
					   gikev2_rekey_reject_t *reason, gikev2_err_t *err);

#endif /** GIKEV2_REKEY_H_ @}*/
