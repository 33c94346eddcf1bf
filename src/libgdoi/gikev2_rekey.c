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

#include "gikev2_rekey.h"
#include "gikev2_rekey_auth.h"

#include <crypto/aead.h>
#include <crypto/iv/iv_gen.h>
#include <credentials/keys/signature_params.h>

ENUM(gikev2_rekey_reject_names, GIKEV2_REKEY_OK, GIKEV2_REKEY_POLICY,
	"ok",
	"malformed",
	"oversize",
	"unknown-spi",
	"replay",
	"decrypt",
	"signature",
	"policy",
);

/** lengths of the IKE header, the generic payload header, fixed parts */
#define IKE_HEADER_LEN 28
#define GEN_HEADER_LEN 4
#define DELETE_FIXED_LEN 4
#define AUTH_FIXED_LEN 4

/** offsets in the IKE header */
#define OFF_NEXT_PAYLOAD 16
#define OFF_VERSION 17
#define OFF_EXCHANGE 18
#define OFF_FLAGS 19
#define OFF_MID 20
#define OFF_LENGTH 24

/** IKE version 2.0 */
#define IKEV2_VERSION 0x20

/** IKE header flags */
#define FLAG_INITIATOR 0x08
#define FLAG_RESPONSE 0x20

/** payload types (RFC 7296, RFC 9838) */
#define PT_NONE 0
#define PT_AUTH 39
#define PT_NOTIFY 41
#define PT_DELETE 42
#define PT_SK 46

/** signatures and encryptions made for GSA_REKEY messages, see
 * gikev2_rekey_counters() */
static refcount_t signatures, encryptions;

/** the Digital Signature authentication method (RFC 7427) */
#define AUTH_DS 14

/** Protocol ID and SPI Size of an ESP Delete payload */
#define DELETE_PROTO_ESP 3
#define DELETE_SPI_SIZE 4

/** signatures made until the reserved and the actual length agree */
#define SIGN_ATTEMPTS 64

/**
 * Record why a datagram is refused, return FALSE
 */
static bool refuse(gikev2_rekey_reject_t *reason, gikev2_rekey_reject_t value)
{
	if (reason)
	{
		*reason = value;
	}
	return FALSE;
}

/**
 * Salt (nonce) size of an AEAD algorithm's key material
 */
static size_t aead_salt_size(uint16_t alg)
{
	switch (alg)
	{
		case ENCR_AES_CCM_ICV8:
		case ENCR_AES_CCM_ICV12:
		case ENCR_AES_CCM_ICV16:
		case ENCR_CAMELLIA_CCM_ICV8:
		case ENCR_CAMELLIA_CCM_ICV12:
		case ENCR_CAMELLIA_CCM_ICV16:
			return 3;
		default:
			return 4;
	}
}

/**
 * Create the transform that protects messages under a KEK, keyed with its
 * GSK_e and GSK_a
 */
static aead_t *create_aead(gdoi_kek_t *kek, gikev2_err_t *err)
{
	chunk_t encr, integ, kwk;
	crypter_t *crypter;
	signer_t *signer;
	iv_gen_t *iv_gen;
	aead_t *aead;
	size_t salt;

	kek->get_keys(kek, &encr, &integ, &kwk);
	if (encryption_algorithm_is_aead(kek->encr_alg))
	{
		salt = aead_salt_size(kek->encr_alg);
		aead = NULL;
		if (encr.len > salt)
		{
			aead = lib->crypto->create_aead(lib->crypto, kek->encr_alg,
											encr.len - salt, salt);
		}
		if (!aead || aead->get_key_size(aead) != encr.len ||
			!aead->set_key(aead, encr))
		{
			gikev2_err_set(err, "KEK encryption algorithm %N with a %zu octet "
						   "key not supported", encryption_algorithm_names,
						   kek->encr_alg, encr.len);
			DESTROY_IF(aead);
			return NULL;
		}
		return aead;
	}
	crypter = lib->crypto->create_crypter(lib->crypto, kek->encr_alg,
										  kek->encr_keylen / 8);
	signer = lib->crypto->create_signer(lib->crypto, kek->integ_alg);
	iv_gen = iv_gen_create_for_alg(kek->encr_alg);
	if (!crypter || !signer || !iv_gen ||
		crypter->get_key_size(crypter) != encr.len ||
		signer->get_key_size(signer) != integ.len ||
		!crypter->set_key(crypter, encr) || !signer->set_key(signer, integ))
	{
		gikev2_err_set(err, "KEK algorithms %N/%N not supported",
					   encryption_algorithm_names, kek->encr_alg,
					   integrity_algorithm_names, kek->integ_alg);
		DESTROY_IF(crypter);
		DESTROY_IF(signer);
		DESTROY_IF(iv_gen);
		return NULL;
	}
	return aead_create(crypter, signer, iv_gen);
}

/**
 * Build HDR, SK{plain} under a KEK: IV, plain, padding, pad length and ICV
 * as for IKEv2 (RFC 7296 3.14), the associated data being the IKE header
 * and the Encrypted payload header
 */
static bool encrypt_datagram(gdoi_kek_t *kek, uint32_t mid, uint8_t flags,
							 uint8_t first, chunk_t plain, chunk_t *datagram,
							 gikev2_err_t *err)
{
	chunk_t out, iv, crypt, padding;
	size_t bs, icv_len;
	iv_gen_t *iv_gen;
	aead_t *aead;
	rng_t *rng;
	u_char *pos;
	bool ok;

	aead = create_aead(kek, err);
	if (!aead)
	{
		return FALSE;
	}
	bs = aead->get_block_size(aead);
	iv.len = aead->get_iv_size(aead);
	icv_len = aead->get_icv_size(aead);
	/* at least one octet, the Pad Length */
	padding.len = bs - (plain.len % bs);
	out.len = IKE_HEADER_LEN + GEN_HEADER_LEN + iv.len + plain.len +
			  padding.len + icv_len;
	if (out.len > GIKEV2_REKEY_MAX_LEN)
	{
		gikev2_err_set(err, "GSA_REKEY of %zu octets exceeds %d", out.len,
					   GIKEV2_REKEY_MAX_LEN);
		aead->destroy(aead);
		return FALSE;
	}
	out = chunk_alloc(out.len);
	pos = out.ptr;
	memcpy(pos, kek->spi, GDOI_KEK_SPI_SIZE);
	pos[OFF_NEXT_PAYLOAD] = PT_SK;
	pos[OFF_VERSION] = IKEV2_VERSION;
	pos[OFF_EXCHANGE] = GIKEV2_GSA_REKEY;
	pos[OFF_FLAGS] = flags;
	htoun32(pos + OFF_MID, mid);
	htoun32(pos + OFF_LENGTH, out.len);
	pos += IKE_HEADER_LEN;
	pos[0] = first;
	pos[1] = 0;
	htoun16(pos + 2, out.len - IKE_HEADER_LEN);
	iv.ptr = pos + GEN_HEADER_LEN;
	crypt = chunk_create(iv.ptr + iv.len, plain.len + padding.len);
	memcpy(crypt.ptr, plain.ptr, plain.len);
	padding.ptr = crypt.ptr + plain.len;

	iv_gen = aead->get_iv_gen(aead);
	rng = lib->crypto->create_rng(lib->crypto, RNG_WEAK);
	/* lower 32 bits of the IV sequence are for fragments, as in charon */
	ok = rng && iv_gen &&
		 iv_gen->get_iv(iv_gen, (uint64_t)mid << 32, iv.len, iv.ptr) &&
		 rng->get_bytes(rng, padding.len - 1, padding.ptr);
	DESTROY_IF(rng);
	if (ok)
	{
		padding.ptr[padding.len - 1] = padding.len - 1;
		ok = aead->encrypt(aead, crypt,
					chunk_create(out.ptr, IKE_HEADER_LEN + GEN_HEADER_LEN),
					iv, NULL);
		ref_get(&encryptions);
	}
	aead->destroy(aead);
	if (!ok)
	{
		gikev2_err_set(err, "encrypting GSA_REKEY failed");
		chunk_clear(&out);
		return FALSE;
	}
	*datagram = out;
	return TRUE;
}

/**
 * Write a generic payload header
 */
static void write_header(bio_writer_t *writer, uint8_t next, size_t len)
{
	writer->write_uint8(writer, next);
	writer->write_uint8(writer, 0);
	writer->write_uint16(writer, len);
}

/**
 * Build the inner payloads P of a rekey, with a zeroed Signature Value of
 * sig_len octets if alg_id is given
 */
static chunk_t build_plain(chunk_t gsa, chunk_t kd, uint32_t *del_spis,
						   u_int del_count, chunk_t alg_id, size_t sig_len)
{
	bio_writer_t *writer;
	chunk_t plain;
	uint8_t after_kd;
	u_int i;

	after_kd = del_count ? PT_DELETE : alg_id.len ? PT_AUTH : PT_NONE;
	writer = bio_writer_create(GEN_HEADER_LEN * 4 + gsa.len + kd.len +
							   DELETE_FIXED_LEN + del_count * DELETE_SPI_SIZE +
							   AUTH_FIXED_LEN + 1 + alg_id.len + sig_len);
	if (gsa.len)
	{
		write_header(writer, GIKEV2_PL_KD, GEN_HEADER_LEN + gsa.len);
		writer->write_data(writer, gsa);
		write_header(writer, after_kd, GEN_HEADER_LEN + kd.len);
		writer->write_data(writer, kd);
	}
	if (del_count)
	{
		write_header(writer, alg_id.len ? PT_AUTH : PT_NONE, GEN_HEADER_LEN +
					 DELETE_FIXED_LEN + del_count * DELETE_SPI_SIZE);
		writer->write_uint8(writer, DELETE_PROTO_ESP);
		writer->write_uint8(writer, DELETE_SPI_SIZE);
		writer->write_uint16(writer, del_count);
		for (i = 0; i < del_count; i++)
		{	/* already in network order */
			writer->write_data(writer, chunk_create((u_char*)&del_spis[i],
													DELETE_SPI_SIZE));
		}
	}
	if (alg_id.len)
	{
		write_header(writer, PT_NONE, GEN_HEADER_LEN + AUTH_FIXED_LEN + 1 +
					 alg_id.len + sig_len);
		writer->write_uint8(writer, AUTH_DS);
		writer->write_uint24(writer, 0);
		writer->write_uint8(writer, alg_id.len);
		writer->write_data(writer, alg_id);
		memset(writer->skip(writer, sig_len).ptr, 0, sig_len);
	}
	plain = writer->extract_buf(writer);
	writer->destroy(writer);
	return plain;
}

/**
 * Length of a signature of a key, as good a guess as possible: exact for
 * RSA and EdDSA, the most likely DER length for ECDSA
 */
static size_t guess_sig_len(private_key_t *key)
{
	size_t n, content;

	switch (key->get_type(key))
	{
		case KEY_RSA:
			return (key->get_keysize(key) + 7) / 8;
		case KEY_ED25519:
			return 64;
		case KEY_ED448:
			return 114;
		case KEY_ECDSA:
			/* SEQUENCE of two INTEGERs; each gets a leading zero octet half
			 * of the time if the order fills its last octet */
			n = (key->get_keysize(key) + 7) / 8;
			content = 2 * (2 + n) + (key->get_keysize(key) % 8 == 0 ? 1 : 0);
			return content + (content > 127 ? 3 : 2);
		default:
			return 0;
	}
}

/**
 * Check that a private key is the private half of a KEK's auth_key and
 * fits its scheme
 */
static bool check_signer(gdoi_kek_t *kek, private_key_t *signer,
						 gikev2_err_t *err)
{
	chunk_t a, b;

	if (!kek->auth_key || !kek->auth_scheme)
	{
		gikev2_err_set(err, "GSA_REKEY signing key given but the KEK has no "
					   "authentication key (implicit authentication)");
		return FALSE;
	}
	if (signer->get_type(signer) !=
		key_type_from_signature_scheme(kek->auth_scheme->scheme))
	{
		gikev2_err_set(err, "GSA_REKEY signing key of type %N does not fit "
					   "signature scheme %N", key_type_names,
					   signer->get_type(signer), signature_scheme_names,
					   kek->auth_scheme->scheme);
		return FALSE;
	}
	if (!signer->get_fingerprint(signer, KEYID_PUBKEY_SHA1, &a) ||
		!kek->auth_key->get_fingerprint(kek->auth_key, KEYID_PUBKEY_SHA1, &b) ||
		!chunk_equals(a, b))
	{
		gikev2_err_set(err, "GSA_REKEY signing key is not the private key of "
					   "the KEK's authentication key");
		return FALSE;
	}
	return TRUE;
}

/**
 * Build P with an AUTH payload and sign it, again until the reserved length
 * of the Signature Value and the length of the signature agree
 */
static bool build_signed_plain(gdoi_kek_t *kek, uint32_t mid, chunk_t gsa,
							   chunk_t kd, uint32_t *del_spis, u_int del_count,
							   private_key_t *signer, chunk_t *plain,
							   gikev2_err_t *err)
{
	signature_params_t *scheme = kek->auth_scheme;
	u_char a_buf[GIKEV2_REKEY_AUTH_A_LEN] = {};
	chunk_t alg_id, p, data, sig, a = chunk_from_thing(a_buf);
	size_t sig_len;
	int i;

	if (!check_signer(kek, signer, err))
	{
		return FALSE;
	}
	if (!signature_params_build(scheme, &alg_id))
	{
		gikev2_err_set(err, "no AlgorithmIdentifier for signature scheme %N%s",
					   signature_scheme_names, scheme->scheme,
					   scheme->scheme == SIGN_RSA_EMSA_PSS ?
					   " (RSA-PSS needs a fixed salt length)" : "");
		return FALSE;
	}
	if (alg_id.len > 0xff)
	{
		gikev2_err_set(err, "AlgorithmIdentifier of %zu octets does not fit "
					   "the ASN.1 Length of AUTH", alg_id.len);
		chunk_free(&alg_id);
		return FALSE;
	}
	/* A: lengths are set by gikev2_rekey_auth_data() */
	memcpy(a_buf, kek->spi, GDOI_KEK_SPI_SIZE);
	a_buf[OFF_NEXT_PAYLOAD] = PT_SK;
	a_buf[OFF_VERSION] = IKEV2_VERSION;
	a_buf[OFF_EXCHANGE] = GIKEV2_GSA_REKEY;
	a_buf[OFF_FLAGS] = FLAG_INITIATOR;
	htoun32(a_buf + OFF_MID, mid);
	a_buf[IKE_HEADER_LEN] = gsa.len ? GIKEV2_PL_GSA : PT_DELETE;

	sig_len = guess_sig_len(signer);
	for (i = 0; i < SIGN_ATTEMPTS; i++)
	{
		p = build_plain(gsa, kd, del_spis, del_count, alg_id, sig_len);
		if (!gikev2_rekey_auth_data(a, p, &data, NULL, err))
		{
			break;
		}
		ref_get(&signatures);
		if (!signer->sign(signer, scheme->scheme, scheme->params, data, &sig))
		{
			gikev2_err_set(err, "signing GSA_REKEY with %N failed",
						   signature_scheme_names, scheme->scheme);
			chunk_clear(&data);
			break;
		}
		chunk_clear(&data);
		if (sig.len == sig_len)
		{
			memcpy(p.ptr + p.len - sig.len, sig.ptr, sig.len);
			chunk_free(&sig);
			chunk_free(&alg_id);
			*plain = p;
			return TRUE;
		}
		/* the signature covers its own length: sign again with this one */
		sig_len = sig.len;
		chunk_free(&sig);
		chunk_clear(&p);
	}
	if (i == SIGN_ATTEMPTS)
	{
		gikev2_err_set(err, "signature length of %N did not settle after %d "
					   "signatures", signature_scheme_names, scheme->scheme,
					   SIGN_ATTEMPTS);
	}
	chunk_clear(&p);
	chunk_free(&alg_id);
	return FALSE;
}

/*
 * Described in header
 */
bool gikev2_rekey_build(gdoi_kek_t *kek, uint32_t mid, chunk_t gsa,
						chunk_t kd, uint32_t *del_spis, u_int del_count,
						private_key_t *signer, chunk_t *datagram,
						gikev2_err_t *err)
{
	chunk_t plain;
	bool ok;

	if (!gsa.len != !kd.len)
	{
		gikev2_err_set(err, "GSA_REKEY needs both GSA and KD, or neither");
		return FALSE;
	}
	if (!gsa.len && !del_count)
	{
		gikev2_err_set(err, "GSA_REKEY needs GSA and KD, or Delete payloads");
		return FALSE;
	}
	if (gsa.len > 0xffff - GEN_HEADER_LEN || kd.len > 0xffff - GEN_HEADER_LEN ||
		del_count > (0xffff - GEN_HEADER_LEN - DELETE_FIXED_LEN) /
					DELETE_SPI_SIZE)
	{
		gikev2_err_set(err, "GSA_REKEY payload exceeds 65535 octets");
		return FALSE;
	}
	if (!signer && kek->auth_key)
	{
		gikev2_err_set(err, "GSA_REKEY under a KEK with an authentication "
					   "key needs a signing key");
		return FALSE;
	}
	if (signer)
	{
		if (!build_signed_plain(kek, mid, gsa, kd, del_spis, del_count, signer,
								&plain, err))
		{
			return FALSE;
		}
	}
	else
	{
		plain = build_plain(gsa, kd, del_spis, del_count, chunk_empty, 0);
	}
	ok = encrypt_datagram(kek, mid, FLAG_INITIATOR,
						  gsa.len ? GIKEV2_PL_GSA : PT_DELETE, plain, datagram,
						  err);
	chunk_clear(&plain);
	return ok;
}

/*
 * Described in header
 */
void gikev2_rekey_counters(u_int *sigs, u_int *encrs)
{
	*sigs = ref_cur(&signatures);
	*encrs = ref_cur(&encryptions);
}

/*
 * Described in header
 */
bool gikev2_rekey_build_ack(gdoi_kek_t *kek, uint32_t mid, chunk_t *datagram,
							gikev2_err_t *err)
{
	return encrypt_datagram(kek, mid, FLAG_RESPONSE, PT_NONE, chunk_empty,
							datagram, err);
}

/*
 * Described in header
 */
bool gikev2_rekey_peek(chunk_t datagram, gikev2_rekey_hdr_t *hdr,
					   gikev2_rekey_reject_t *reason, gikev2_err_t *err)
{
	u_char *pos = datagram.ptr;

	if (datagram.len > GIKEV2_REKEY_MAX_LEN)
	{
		gikev2_err_set(err, "GSA_REKEY of %zu octets exceeds %d",
					   datagram.len, GIKEV2_REKEY_MAX_LEN);
		return refuse(reason, GIKEV2_REKEY_OVERSIZE);
	}
	if (datagram.len < IKE_HEADER_LEN + GEN_HEADER_LEN)
	{
		gikev2_err_set(err, "GSA_REKEY of %zu octets truncated", datagram.len);
		return refuse(reason, GIKEV2_REKEY_MALFORMED);
	}
	if (pos[OFF_VERSION] != IKEV2_VERSION)
	{
		gikev2_err_set(err, "GSA_REKEY version 0x%02x, not 2.0",
					   pos[OFF_VERSION]);
		return refuse(reason, GIKEV2_REKEY_MALFORMED);
	}
	if (pos[OFF_EXCHANGE] != GIKEV2_GSA_REKEY)
	{
		gikev2_err_set(err, "exchange type %u, not GSA_REKEY",
					   pos[OFF_EXCHANGE]);
		return refuse(reason, GIKEV2_REKEY_MALFORMED);
	}
	if (pos[OFF_FLAGS] != FLAG_INITIATOR && pos[OFF_FLAGS] != FLAG_RESPONSE)
	{
		gikev2_err_set(err, "GSA_REKEY flags 0x%02x, neither Initiator nor "
					   "Response", pos[OFF_FLAGS]);
		return refuse(reason, GIKEV2_REKEY_MALFORMED);
	}
	if (untoh32(pos + OFF_LENGTH) != datagram.len)
	{
		gikev2_err_set(err, "GSA_REKEY Length %u, datagram of %zu octets",
					   untoh32(pos + OFF_LENGTH), datagram.len);
		return refuse(reason, GIKEV2_REKEY_MALFORMED);
	}
	if (pos[OFF_NEXT_PAYLOAD] != PT_SK ||
		untoh16(pos + IKE_HEADER_LEN + 2) != datagram.len - IKE_HEADER_LEN)
	{
		gikev2_err_set(err, "GSA_REKEY has no Encrypted payload spanning the "
					   "datagram");
		return refuse(reason, GIKEV2_REKEY_MALFORMED);
	}
	memcpy(hdr->spi, pos, GDOI_KEK_SPI_SIZE);
	hdr->mid = untoh32(pos + OFF_MID);
	hdr->response = pos[OFF_FLAGS] == FLAG_RESPONSE;
	return TRUE;
}

/**
 * Check the ICV and decrypt a copy of the datagram, in place
 */
static bool decrypt_datagram(gdoi_kek_t *kek, chunk_t copy, chunk_t *plain,
							 gikev2_rekey_reject_t *reason, gikev2_err_t *err)
{
	chunk_t assoc, iv, crypt;
	size_t bs, icv_len, pad_len;
	aead_t *aead;

	aead = create_aead(kek, err);
	if (!aead)
	{	/* a KEK we accepted but cannot use */
		return refuse(reason, GIKEV2_REKEY_DECRYPT);
	}
	assoc = chunk_create(copy.ptr, IKE_HEADER_LEN + GEN_HEADER_LEN);
	crypt = chunk_skip(copy, assoc.len);
	bs = aead->get_block_size(aead);
	iv = chunk_create(crypt.ptr, aead->get_iv_size(aead));
	icv_len = aead->get_icv_size(aead);
	if (crypt.len <= iv.len + icv_len ||
		(crypt.len - iv.len - icv_len) % bs)
	{
		gikev2_err_set(err, "GSA_REKEY Encrypted payload of %zu octets does "
					   "not fit %N", crypt.len, encryption_algorithm_names,
					   kek->encr_alg);
		aead->destroy(aead);
		return refuse(reason, GIKEV2_REKEY_MALFORMED);
	}
	crypt = chunk_skip(crypt, iv.len);
	if (!aead->decrypt(aead, crypt, assoc, iv, NULL))
	{
		gikev2_err_set(err, "GSA_REKEY integrity check failed");
		aead->destroy(aead);
		return refuse(reason, GIKEV2_REKEY_DECRYPT);
	}
	aead->destroy(aead);
	crypt.len -= icv_len;
	pad_len = crypt.ptr[crypt.len - 1] + 1;
	if (pad_len > crypt.len)
	{
		gikev2_err_set(err, "GSA_REKEY Pad Length %zu invalid", pad_len - 1);
		return refuse(reason, GIKEV2_REKEY_MALFORMED);
	}
	*plain = chunk_create(crypt.ptr, crypt.len - pad_len);
	return TRUE;
}

/**
 * The inner payloads of a decrypted message, pointing into the plaintext
 */
typedef struct {
	/** GSA body */
	chunk_t gsa;
	/** KD body */
	chunk_t kd;
	/** SPIs of the Delete payloads, concatenated */
	chunk_t spis;
	/** AUTH body */
	chunk_t auth;
	/** whether these are present */
	bool has_gsa, has_kd, has_auth;
	/** number of Delete payloads */
	u_int deletes;
} inner_t;

/**
 * Parse the inner payloads (RFC 7296 3.2): GSA, KD, Delete, Notify (ignored)
 * and AUTH (last)
 */
static bool parse_inner(uint8_t next, chunk_t plain, inner_t *inner,
						gikev2_err_t *err)
{
	chunk_t body;
	size_t len;
	uint8_t type;
	uint16_t count;

	while (next != PT_NONE)
	{
		if (inner->has_auth)
		{
			gikev2_err_set(err, "GSA_REKEY AUTH payload is not the last one");
			return FALSE;
		}
		if (plain.len < GEN_HEADER_LEN)
		{
			gikev2_err_set(err, "GSA_REKEY payload header truncated");
			return FALSE;
		}
		type = next;
		next = plain.ptr[0];
		len = untoh16(plain.ptr + 2);
		if (len < GEN_HEADER_LEN || len > plain.len)
		{
			gikev2_err_set(err, "GSA_REKEY payload %u Payload Length %zu "
						   "invalid (%zu octets left)", type, len, plain.len);
			return FALSE;
		}
		body = chunk_create(plain.ptr + GEN_HEADER_LEN, len - GEN_HEADER_LEN);
		plain = chunk_skip(plain, len);
		switch (type)
		{
			case GIKEV2_PL_GSA:
			case GIKEV2_PL_KD:
				if (type == GIKEV2_PL_GSA ? inner->has_gsa : inner->has_kd)
				{
					gikev2_err_set(err, "GSA_REKEY has two %N payloads",
								   gikev2_payload_type_names, type);
					return FALSE;
				}
				if (type == GIKEV2_PL_GSA)
				{
					inner->has_gsa = TRUE;
					inner->gsa = body;
				}
				else
				{
					inner->has_kd = TRUE;
					inner->kd = body;
				}
				break;
			case PT_DELETE:
				if (body.len < DELETE_FIXED_LEN ||
					body.ptr[0] != DELETE_PROTO_ESP ||
					body.ptr[1] != DELETE_SPI_SIZE)
				{
					gikev2_err_set(err, "GSA_REKEY Delete payload is not an "
								   "ESP Delete with SPI Size 4");
					return FALSE;
				}
				count = untoh16(body.ptr + 2);
				if (!count ||
					body.len != DELETE_FIXED_LEN + count * DELETE_SPI_SIZE)
				{
					gikev2_err_set(err, "GSA_REKEY Delete payload Num of SPIs "
								   "%u does not fit its length %zu", count,
								   body.len + GEN_HEADER_LEN);
					return FALSE;
				}
				inner->spis = chunk_cat("mc", inner->spis,
										chunk_skip(body, DELETE_FIXED_LEN));
				inner->deletes++;
				break;
			case PT_NOTIFY:
				/* Protocol ID, SPI Size, Notify Message Type, SPI: status
				 * notifies carry nothing we act on */
				if (body.len < 4 || body.len < 4 + body.ptr[1])
				{
					gikev2_err_set(err, "GSA_REKEY Notify payload truncated");
					return FALSE;
				}
				break;
			case PT_AUTH:
				if (body.len < AUTH_FIXED_LEN + 1 ||
					body.len < AUTH_FIXED_LEN + 1 + body.ptr[AUTH_FIXED_LEN])
				{
					gikev2_err_set(err, "GSA_REKEY AUTH payload truncated");
					return FALSE;
				}
				inner->has_auth = TRUE;
				inner->auth = body;
				break;
			default:
				gikev2_err_set(err, "GSA_REKEY payload type %u not allowed",
							   type);
				return FALSE;
		}
	}
	if (plain.len)
	{
		gikev2_err_set(err, "GSA_REKEY has %zu octets after the last payload",
					   plain.len);
		return FALSE;
	}
	return TRUE;
}

/**
 * Check the AUTH payload of a decrypted rekey, or its absence, against the
 * KEK's authentication key
 */
static bool verify_auth(gdoi_kek_t *kek, chunk_t a, chunk_t plain,
						inner_t *inner, gikev2_rekey_reject_t *reason,
						gikev2_err_t *err)
{
	signature_params_t params = {};
	chunk_t alg_id, data, sig;
	bool ok;

	if (kek->auth_key && !kek->auth_scheme)
	{
		gikev2_err_set(err, "KEK has an authentication key without scheme");
		return refuse(reason, GIKEV2_REKEY_SIGNATURE);
	}
	if (!kek->auth_key)
	{
		if (inner->has_auth)
		{
			gikev2_err_set(err, "GSA_REKEY has an AUTH payload, but the group "
						   "uses implicit authentication");
			return refuse(reason, GIKEV2_REKEY_SIGNATURE);
		}
		return TRUE;
	}
	if (!inner->has_auth)
	{
		gikev2_err_set(err, "GSA_REKEY misses the AUTH payload");
		return refuse(reason, GIKEV2_REKEY_SIGNATURE);
	}
	if (inner->auth.ptr[0] != AUTH_DS)
	{
		gikev2_err_set(err, "GSA_REKEY AUTH method %u, not Digital Signature",
					   inner->auth.ptr[0]);
		return refuse(reason, GIKEV2_REKEY_SIGNATURE);
	}
	alg_id = chunk_create(inner->auth.ptr + AUTH_FIXED_LEN + 1,
						  inner->auth.ptr[AUTH_FIXED_LEN]);
	if (!alg_id.len || !signature_params_parse(alg_id, 0, &params) ||
		!signature_params_equal(&params, kek->auth_scheme))
	{
		gikev2_err_set(err, "GSA_REKEY AUTH AlgorithmIdentifier is not %N",
					   signature_scheme_names, kek->auth_scheme->scheme);
		signature_params_clear(&params);
		return refuse(reason, GIKEV2_REKEY_SIGNATURE);
	}
	signature_params_clear(&params);
	if (!gikev2_rekey_auth_data(a, plain, &data, &sig, err))
	{
		return refuse(reason, GIKEV2_REKEY_MALFORMED);
	}
	ok = sig.len && kek->auth_key->verify(kek->auth_key,
							kek->auth_scheme->scheme, kek->auth_scheme->params,
							data, sig);
	chunk_clear(&data);
	chunk_free(&sig);
	if (!ok)
	{
		gikev2_err_set(err, "GSA_REKEY signature (%N) invalid",
					   signature_scheme_names, kek->auth_scheme->scheme);
		return refuse(reason, GIKEV2_REKEY_SIGNATURE);
	}
	return TRUE;
}

/*
 * Described in header
 */
bool gikev2_rekey_open(chunk_t datagram, gdoi_kek_t *kek, chunk_t *gsa,
					   chunk_t *kd, uint32_t **del_spis, u_int *del_count,
					   gikev2_rekey_reject_t *reason, gikev2_err_t *err)
{
	gikev2_rekey_hdr_t hdr;
	inner_t inner = {};
	chunk_t copy, plain;
	bool ok = FALSE;

	if (!gikev2_rekey_peek(datagram, &hdr, reason, err))
	{
		return FALSE;
	}
	if (!memeq(hdr.spi, kek->spi, GDOI_KEK_SPI_SIZE))
	{
		gikev2_err_set(err, "GSA_REKEY SPI is not the KEK's");
		return refuse(reason, GIKEV2_REKEY_UNKNOWN_SPI);
	}
	copy = chunk_clone(datagram);
	if (!decrypt_datagram(kek, copy, &plain, reason, err))
	{
		chunk_clear(&copy);
		return FALSE;
	}
	if (!parse_inner(copy.ptr[IKE_HEADER_LEN], plain, &inner, err))
	{
		refuse(reason, GIKEV2_REKEY_MALFORMED);
	}
	else if (hdr.response)
	{
		if (inner.has_gsa || inner.has_kd || inner.has_auth || inner.deletes ||
			plain.len)
		{
			gikev2_err_set(err, "GSA_REKEY acknowledgement is not empty");
			refuse(reason, GIKEV2_REKEY_MALFORMED);
		}
		else
		{
			ok = TRUE;
		}
	}
	else if (inner.has_gsa != inner.has_kd ||
			 (!inner.has_gsa && !inner.deletes))
	{
		gikev2_err_set(err, "GSA_REKEY carries neither GSA and KD nor Delete "
					   "payloads");
		refuse(reason, GIKEV2_REKEY_MALFORMED);
	}
	else
	{
		ok = verify_auth(kek, chunk_create(copy.ptr, GIKEV2_REKEY_AUTH_A_LEN),
						 plain, &inner, reason, err);
	}
	if (ok)
	{
		*gsa = inner.has_gsa ? chunk_clone(inner.gsa) : chunk_empty;
		*kd = inner.has_kd ? chunk_clone(inner.kd) : chunk_empty;
		if (del_spis)
		{
			*del_spis = inner.spis.len ? (uint32_t*)chunk_clone(inner.spis).ptr
									   : NULL;
		}
		if (del_count)
		{
			*del_count = inner.spis.len / DELETE_SPI_SIZE;
		}
		if (reason)
		{
			*reason = GIKEV2_REKEY_OK;
		}
	}
	chunk_free(&inner.spis);
	chunk_clear(&copy);
	return ok;
}
