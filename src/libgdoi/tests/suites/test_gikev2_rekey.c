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

#include <test_suite.h>

#include <gikev2_rekey.h>
#include <gikev2_rekey_auth.h>

#include <crypto/aead.h>
#include <crypto/iv/iv_gen.h>

/** KEK proposals the tests run with: AEAD, and encrypt-then-MAC */
static char *proposals[] = {
	"aes256gcm16-prfsha256-modp2048",
	"aes128-sha256-modp2048",
};

/**
 * Generate a KEK for unicast rekeys (0.0.0.0/0, UDP 500)
 */
static gdoi_kek_t *kek_generate(char *proposal_str)
{
	traffic_selector_t *src, *dst;
	proposal_t *proposal;
	gdoi_kek_t *kek;

	proposal = proposal_create_from_string(PROTO_IKE, proposal_str);
	ck_assert(proposal);
	src = traffic_selector_create_from_cidr("0.0.0.0/0", IPPROTO_UDP, 0,
											65535);
	dst = traffic_selector_create_from_cidr("0.0.0.0/0", IPPROTO_UDP, 500,
											500);
	kek = gdoi_kek_generate(proposal, GIKEV2_KW_5649_256, 32, src, dst, 3600);
	proposal->destroy(proposal);
	src->destroy(src);
	dst->destroy(dst);
	ck_assert(kek);
	return kek;
}

/**
 * A second KEK object with the same SPI, algorithms and keys
 */
static gdoi_kek_t *kek_copy(gdoi_kek_t *kek)
{
	gdoi_kek_t *copy;

	copy = gdoi_kek_create(chunk_create(kek->spi, sizeof(kek->spi)),
						   kek->encr_alg, kek->encr_keylen, kek->integ_alg,
						   kek->kwa, kek->kwk_size, kek->keymat, kek->src,
						   kek->dst, kek->lifetime);
	ck_assert(copy);
	return copy;
}

/**
 * The transform of a KEK, made here independently of the code under test
 */
static aead_t *kek_aead(gdoi_kek_t *kek)
{
	chunk_t encr, integ, kwk;
	crypter_t *crypter;
	signer_t *signer;
	aead_t *aead;

	kek->get_keys(kek, &encr, &integ, &kwk);
	if (kek->integ_alg == AUTH_UNDEFINED)
	{
		aead = lib->crypto->create_aead(lib->crypto, kek->encr_alg,
										encr.len - 4, 4);
		ck_assert(aead);
		ck_assert(aead->set_key(aead, encr));
		return aead;
	}
	crypter = lib->crypto->create_crypter(lib->crypto, kek->encr_alg,
										  encr.len);
	signer = lib->crypto->create_signer(lib->crypto, kek->integ_alg);
	ck_assert(crypter && signer);
	ck_assert(crypter->set_key(crypter, encr));
	ck_assert(signer->set_key(signer, integ));
	return aead_create(crypter, signer, iv_gen_create_for_alg(kek->encr_alg));
}

/**
 * Decrypt a datagram: returns the plaintext inner payloads P (allocated)
 */
static chunk_t test_decrypt(gdoi_kek_t *kek, chunk_t datagram)
{
	chunk_t copy, iv, crypt, plain;
	aead_t *aead;

	aead = kek_aead(kek);
	copy = chunk_clone(datagram);
	iv = chunk_create(copy.ptr + 32, aead->get_iv_size(aead));
	crypt = chunk_skip(copy, 32 + iv.len);
	ck_assert(aead->decrypt(aead, crypt, chunk_create(copy.ptr, 32), iv,
							NULL));
	crypt.len -= aead->get_icv_size(aead);
	ck_assert(crypt.ptr[crypt.len - 1] < crypt.len);
	plain = chunk_clone(chunk_create(crypt.ptr,
									 crypt.len - crypt.ptr[crypt.len - 1] - 1));
	aead->destroy(aead);
	chunk_clear(&copy);
	return plain;
}

/**
 * Encrypt P as SK payload after a header (the first 32 octets of hdr; its
 * lengths are set here, the first inner payload type if first >= 0), with
 * pad_len octets of padding (0 for the least) and a Pad Length of
 * pad_value (-1 for the right one)
 */
static chunk_t test_seal(gdoi_kek_t *kek, chunk_t hdr, int first,
						 chunk_t plain, size_t pad_len, int pad_value)
{
	chunk_t out, iv, crypt;
	aead_t *aead;
	size_t bs, icv;

	aead = kek_aead(kek);
	bs = aead->get_block_size(aead);
	if (!pad_len)
	{
		pad_len = bs - plain.len % bs;
	}
	iv.len = aead->get_iv_size(aead);
	icv = aead->get_icv_size(aead);
	out = chunk_alloc(32 + iv.len + plain.len + pad_len + icv);
	memcpy(out.ptr, hdr.ptr, 32);
	htoun32(out.ptr + 24, out.len);
	htoun16(out.ptr + 30, out.len - 28);
	if (first >= 0)
	{
		out.ptr[28] = first;
	}
	iv.ptr = out.ptr + 32;
	memset(iv.ptr, 0x5a, iv.len);
	crypt = chunk_create(iv.ptr + iv.len, plain.len + pad_len);
	memcpy(crypt.ptr, plain.ptr, plain.len);
	memset(crypt.ptr + plain.len, 0, pad_len);
	crypt.ptr[crypt.len - 1] = pad_value >= 0 ? pad_value : pad_len - 1;
	ck_assert(aead->encrypt(aead, crypt, chunk_create(out.ptr, 32), iv,
							NULL));
	aead->destroy(aead);
	return out;
}

/**
 * Encrypt P after the header of a datagram
 */
static chunk_t test_encrypt(gdoi_kek_t *kek, chunk_t hdr, chunk_t plain,
							size_t pad_len)
{
	return test_seal(kek, hdr, -1, plain, pad_len, -1);
}

/**
 * Open a datagram, expecting a reason (GIKEV2_REKEY_OK for success)
 */
static void assert_open(chunk_t datagram, gdoi_kek_t *kek,
						gikev2_rekey_reject_t expected)
{
	gikev2_rekey_reject_t reason = GIKEV2_REKEY_REJECT_MAX;
	gikev2_rekey_hdr_t hdr;
	gikev2_err_t err = {};
	chunk_t gsa = chunk_from_str("x"), kd = chunk_from_str("y");
	uint32_t *spis = (uint32_t*)"z";
	u_int count = 7;

	if (gikev2_rekey_peek(datagram, &hdr, &reason, &err))
	{
		if (gikev2_rekey_open(datagram, kek, &gsa, &kd, &spis, &count,
							  &reason, &err))
		{
			ck_assert_msg(expected == GIKEV2_REKEY_OK, "opened, expected %N",
						  gikev2_rekey_reject_names, expected);
			ck_assert_int_eq(reason, GIKEV2_REKEY_OK);
			chunk_free(&gsa);
			chunk_clear(&kd);
			free(spis);
			return;
		}
	}
	ck_assert_msg(reason == expected, "refused as %N (%s), expected %N",
				  gikev2_rekey_reject_names, reason, err.msg,
				  gikev2_rekey_reject_names, expected);
	ck_assert_msg(strlen(err.msg), "refused without error text");
	/* outputs untouched */
	ck_assert(gsa.ptr[0] == 'x' && kd.ptr[0] == 'y');
	ck_assert(*(char*)spis == 'z' && count == 7);
}

/** GSA and KD bodies: the codec carries them, it does not decode them */
static chunk_t gsa_body = chunk_from_chars(
	0x06, 0x10, 0x00, 0x08, 0xaa, 0xbb, 0xcc, 0xdd);
static chunk_t kd_body = chunk_from_chars(
	0x06, 0x10, 0x00, 0x0c, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08);

START_TEST(test_round_trip)
{
	gikev2_rekey_hdr_t hdr;
	gikev2_rekey_reject_t reason;
	gikev2_err_t err = {};
	gdoi_kek_t *kek;
	chunk_t datagram, gsa, kd, plain;
	uint32_t dels[] = { htonl(0x01020304), 0 }, *spis;
	u_int count;

	kek = kek_generate(proposals[_i]);
	ck_assert_msg(gikev2_rekey_build(kek, 7, gsa_body, kd_body, dels, 2, NULL,
									 &datagram, &err), "%s", err.msg);
	ck_assert(datagram.len <= GIKEV2_REKEY_MAX_LEN);
	/* the payloads are encrypted */
	ck_assert(!memmem(datagram.ptr, datagram.len, kd_body.ptr, kd_body.len));
	ck_assert(!memmem(datagram.ptr, datagram.len, gsa_body.ptr, gsa_body.len));

	ck_assert(gikev2_rekey_peek(datagram, &hdr, &reason, &err));
	ck_assert(memeq(hdr.spi, kek->spi, sizeof(hdr.spi)));
	ck_assert_int_eq(hdr.mid, 7);
	ck_assert(!hdr.response);
	/* IKE header: SK, 2.0, GSA_REKEY, Initiator */
	ck_assert(memeq(datagram.ptr, kek->spi, 16));
	ck_assert_int_eq(datagram.ptr[16], 46);
	ck_assert_int_eq(datagram.ptr[17], 0x20);
	ck_assert_int_eq(datagram.ptr[18], 41);
	ck_assert_int_eq(datagram.ptr[19], 0x08);
	ck_assert_int_eq(untoh32(datagram.ptr + 20), 7);
	ck_assert_int_eq(datagram.ptr[28], 51);

	ck_assert_msg(gikev2_rekey_open(datagram, kek, &gsa, &kd, &spis, &count,
									&reason, &err), "%s", err.msg);
	ck_assert_int_eq(reason, GIKEV2_REKEY_OK);
	ck_assert_chunk_eq(gsa, gsa_body);
	ck_assert_chunk_eq(kd, kd_body);
	ck_assert_int_eq(count, 2);
	ck_assert(spis[0] == dels[0] && spis[1] == dels[1]);

	/* independent decryption: GSA, KD, D(ESP, 2 SPIs), nothing else */
	plain = test_decrypt(kek, datagram);
	ck_assert_chunk_eq(plain, chunk_from_chars(
		52, 0, 0, 12, 0x06, 0x10, 0x00, 0x08, 0xaa, 0xbb, 0xcc, 0xdd,
		42, 0, 0, 16, 0x06, 0x10, 0x00, 0x0c, 0x01, 0x02, 0x03, 0x04,
		0x05, 0x06, 0x07, 0x08,
		0, 0, 0, 16, 3, 4, 0, 2, 0x01, 0x02, 0x03, 0x04, 0, 0, 0, 0));
	chunk_free(&plain);
	chunk_free(&gsa);
	chunk_clear(&kd);
	free(spis);
	chunk_free(&datagram);
	kek->destroy(kek);
}
END_TEST

START_TEST(test_delete_only)
{
	gikev2_err_t err = {};
	gdoi_kek_t *kek;
	chunk_t datagram, gsa, kd;
	uint32_t dels[] = { 0 }, *spis;
	u_int count;

	kek = kek_generate(proposals[_i]);
	ck_assert(gikev2_rekey_build(kek, 0, chunk_empty, chunk_empty, dels, 1,
								 NULL, &datagram, &err));
	ck_assert_int_eq(datagram.ptr[28], 42);
	ck_assert(gikev2_rekey_open(datagram, kek, &gsa, &kd, &spis, &count, NULL,
								&err));
	ck_assert(!gsa.len && !gsa.ptr && !kd.len && !kd.ptr);
	ck_assert_int_eq(count, 1);
	ck_assert_int_eq(spis[0], 0);
	free(spis);
	chunk_free(&datagram);

	/* no SPIs asked for */
	ck_assert(gikev2_rekey_build(kek, 1, gsa_body, kd_body, NULL, 0, NULL,
								 &datagram, &err));
	ck_assert(gikev2_rekey_open(datagram, kek, &gsa, &kd, NULL, NULL, NULL,
								&err));
	chunk_free(&gsa);
	chunk_clear(&kd);
	chunk_free(&datagram);

	/* nothing to send, GSA without KD */
	ck_assert(!gikev2_rekey_build(kek, 1, chunk_empty, chunk_empty, NULL, 0,
								  NULL, &datagram, &err));
	ck_assert(!gikev2_rekey_build(kek, 1, gsa_body, chunk_empty, NULL, 0,
								  NULL, &datagram, &err));
	kek->destroy(kek);
}
END_TEST

START_TEST(test_ack)
{
	gikev2_rekey_hdr_t hdr;
	gikev2_rekey_reject_t reason;
	gikev2_err_t err = {};
	gdoi_kek_t *kek;
	chunk_t datagram, gsa, kd, plain, ack;
	uint32_t *spis;
	u_int count;

	kek = kek_generate(proposals[_i]);
	ck_assert(gikev2_rekey_build_ack(kek, 0x01020304, &datagram, &err));
	ck_assert(gikev2_rekey_peek(datagram, &hdr, &reason, &err));
	ck_assert(hdr.response);
	ck_assert_int_eq(hdr.mid, 0x01020304);
	ck_assert(memeq(hdr.spi, kek->spi, sizeof(hdr.spi)));
	/* Response flag only, SK with no payloads */
	ck_assert_int_eq(datagram.ptr[19], 0x20);
	ck_assert_int_eq(datagram.ptr[28], 0);
	ck_assert(gikev2_rekey_open(datagram, kek, &gsa, &kd, &spis, &count,
								&reason, &err));
	ck_assert(!gsa.len && !kd.len && !spis && !count);
	plain = test_decrypt(kek, datagram);
	ck_assert_int_eq(plain.len, 0);
	chunk_free(&datagram);

	/* an acknowledgement with payloads */
	ck_assert(gikev2_rekey_build(kek, 3, gsa_body, kd_body, NULL, 0, NULL,
								 &datagram, &err));
	plain = test_decrypt(kek, datagram);
	datagram.ptr[19] = 0x20;
	ack = test_encrypt(kek, datagram, plain, 0);
	assert_open(ack, kek, GIKEV2_REKEY_MALFORMED);
	chunk_free(&ack);
	chunk_free(&plain);
	chunk_free(&datagram);
	kek->destroy(kek);
}
END_TEST

/**
 * Key types of the signature tests
 */
static struct {
	key_type_t type;
	u_int bits;
	signature_scheme_t scheme;
	int rounds;
} sig_keys[] = {
	{ KEY_ED25519, 256, SIGN_ED25519, 4 },
	{ KEY_ECDSA, 256, SIGN_ECDSA_WITH_SHA256_DER, 200 },
	{ KEY_RSA, 2048, SIGN_RSA_EMSA_PSS, 2 },
};

static rsa_pss_params_t pss_params = {
	.hash = HASH_SHA256,
	.mgf1_hash = HASH_SHA256,
	.salt_len = HASH_SIZE_SHA256,
};

/**
 * Generate a signing key of sig_keys[i] and set its public half on a KEK
 */
static private_key_t *signing_key(int i, gdoi_kek_t *kek)
{
	signature_params_t scheme = {
		.scheme = sig_keys[i].scheme,
		.params = sig_keys[i].scheme == SIGN_RSA_EMSA_PSS ? &pss_params : NULL,
	};
	private_key_t *key;
	public_key_t *pub;

	key = lib->creds->create(lib->creds, CRED_PRIVATE_KEY, sig_keys[i].type,
							 BUILD_KEY_SIZE, sig_keys[i].bits, BUILD_END);
	ck_assert(key);
	pub = key->get_public_key(key);
	ck_assert(pub);
	kek->set_auth(kek, pub, &scheme);
	pub->destroy(pub);
	return key;
}

/**
 * Offset of the Signature Value in P (the last payload is AUTH)
 */
static size_t sig_offset(chunk_t plain)
{
	size_t pos = 0;
	uint8_t next = 51;

	while (next != 39)
	{
		next = plain.ptr[pos];
		pos += untoh16(plain.ptr + pos + 2);
	}
	ck_assert_int_eq(plain.ptr[pos + 4], 14);
	return pos + 9 + plain.ptr[pos + 8];
}

START_TEST(test_signature)
{
	gikev2_err_t err = {};
	private_key_t *key;
	gdoi_kek_t *kek;
	chunk_t datagram, gsa, kd, plain, data, sig, alg_id, a, data2, sig2;
	size_t off, len, lengths[4] = {};
	bool lengths_differ = FALSE;
	int round;

	kek = kek_generate(proposals[_i % 2]);
	key = signing_key(_i / 2, kek);
	ck_assert(signature_params_build(kek->auth_scheme, &alg_id));
	for (round = 0; round < sig_keys[_i / 2].rounds; round++)
	{
		ck_assert_msg(gikev2_rekey_build(kek, round, gsa_body, kd_body, NULL,
									0, key, &datagram, &err), "%s", err.msg);
		ck_assert_msg(gikev2_rekey_open(datagram, kek, &gsa, &kd, NULL, NULL,
										NULL, &err), "%s", err.msg);
		ck_assert_chunk_eq(gsa, gsa_body);
		ck_assert_chunk_eq(kd, kd_body);
		chunk_free(&gsa);
		chunk_clear(&kd);

		/* known answer: AUTH(14, ASN.1 Length, AlgorithmIdentifier, sig)
		 * is last, and sig is a signature over exactly A | P with the
		 * adjusted lengths and the Signature Value zeroed */
		plain = test_decrypt(kek, datagram);
		off = sig_offset(plain);
		ck_assert(chunk_equals(alg_id, chunk_create(plain.ptr + off -
													alg_id.len, alg_id.len)));
		ck_assert_int_eq(plain.ptr[off - alg_id.len - 1], alg_id.len);
		len = plain.len - off;
		lengths[min(round, countof(lengths) - 1)] = len;
		if (round && len != lengths[0])
		{
			lengths_differ = TRUE;
		}
		sig = chunk_clone(chunk_create(plain.ptr + off, len));
		a = chunk_clone(chunk_create(datagram.ptr, 32));
		htoun32(a.ptr + 24, 32 + plain.len);
		htoun16(a.ptr + 30, plain.len + 4);
		memset(plain.ptr + off, 0, len);
		data = chunk_cat("cc", a, plain);
		chunk_free(&a);
		ck_assert(kek->auth_key->verify(kek->auth_key,
						kek->auth_scheme->scheme, kek->auth_scheme->params,
						data, sig));
		/* gikev2_rekey_auth_data() makes the same of the received P */
		memcpy(plain.ptr + off, sig.ptr, sig.len);
		ck_assert(gikev2_rekey_auth_data(chunk_create(datagram.ptr, 32), plain,
										 &data2, &sig2, NULL));
		ck_assert_chunk_eq(data2, data);
		ck_assert_chunk_eq(sig2, sig);
		/* a signature over the wire lengths does not verify */
		htoun32(data.ptr + 24, datagram.len);
		htoun16(data.ptr + 30, datagram.len - 28);
		ck_assert(!kek->auth_key->verify(kek->auth_key,
						kek->auth_scheme->scheme, kek->auth_scheme->params,
						data, sig));
		chunk_free(&data);
		chunk_free(&data2);
		chunk_free(&sig);
		chunk_free(&sig2);
		chunk_free(&plain);
		chunk_free(&datagram);
	}
	if (sig_keys[_i / 2].type == KEY_ECDSA)
	{	/* DER signatures of variable length went through */
		ck_assert(lengths_differ);
	}
	chunk_free(&alg_id);
	key->destroy(key);
	kek->destroy(kek);
}
END_TEST

START_TEST(test_signature_refused)
{
	signature_params_t sha384 = { .scheme = SIGN_ECDSA_WITH_SHA384_DER };
	gikev2_err_t err = {};
	private_key_t *key, *other_key;
	gdoi_kek_t *kek, *implicit, *other;
	chunk_t datagram, forged, plain, signed_dgram, resealed;
	size_t off;

	kek = kek_generate(proposals[_i % 2]);
	key = signing_key(_i / 2, kek);
	ck_assert(gikev2_rekey_build(kek, 1, gsa_body, kd_body, NULL, 0, key,
								 &signed_dgram, &err));
	assert_open(signed_dgram, kek, GIKEV2_REKEY_OK);

	/* AUTH where the group authenticates implicitly */
	implicit = kek_copy(kek);
	assert_open(signed_dgram, implicit, GIKEV2_REKEY_SIGNATURE);

	/* no AUTH where one is expected */
	ck_assert(gikev2_rekey_build(implicit, 1, gsa_body, kd_body, NULL, 0,
								 NULL, &datagram, &err));
	assert_open(datagram, implicit, GIKEV2_REKEY_OK);
	assert_open(datagram, kek, GIKEV2_REKEY_SIGNATURE);
	chunk_free(&datagram);

	/* signed by another key */
	other = kek_copy(kek);
	other_key = signing_key(_i / 2, other);
	ck_assert(gikev2_rekey_build(other, 1, gsa_body, kd_body, NULL, 0,
								 other_key, &datagram, &err));
	assert_open(datagram, other, GIKEV2_REKEY_OK);
	assert_open(datagram, kek, GIKEV2_REKEY_SIGNATURE);
	chunk_free(&datagram);
	/* the builder refuses a key that is not the KEK's */
	ck_assert(!gikev2_rekey_build(kek, 1, gsa_body, kd_body, NULL, 0,
								  other_key, &datagram, &err));
	/* and signing under an implicit KEK, or no signing under a signed one */
	ck_assert(!gikev2_rekey_build(implicit, 1, gsa_body, kd_body, NULL, 0,
								  key, &datagram, &err));
	ck_assert(!gikev2_rekey_build(kek, 1, gsa_body, kd_body, NULL, 0, NULL,
								  &datagram, &err));

	/* forged: a flipped bit in the signature, in a signed payload, in the
	 * AlgorithmIdentifier, in the Auth Method, in the ASN.1 Length */
	plain = test_decrypt(kek, signed_dgram);
	off = sig_offset(plain);
	plain.ptr[plain.len - 1] ^= 0x01;
	forged = test_encrypt(kek, signed_dgram, plain, 0);
	assert_open(forged, kek, GIKEV2_REKEY_SIGNATURE);
	chunk_free(&forged);
	plain.ptr[plain.len - 1] ^= 0x01;
	plain.ptr[10] ^= 0x01;
	forged = test_encrypt(kek, signed_dgram, plain, 0);
	assert_open(forged, kek, GIKEV2_REKEY_SIGNATURE);
	chunk_free(&forged);
	plain.ptr[10] ^= 0x01;
	plain.ptr[off - 2] ^= 0x01;
	forged = test_encrypt(kek, signed_dgram, plain, 0);
	assert_open(forged, kek, GIKEV2_REKEY_SIGNATURE);
	chunk_free(&forged);
	plain.ptr[off - 2] ^= 0x01;
	/* the signed data covers the header: the MID */
	forged = test_encrypt(kek, signed_dgram, plain, 0);
	assert_open(forged, kek, GIKEV2_REKEY_OK);
	chunk_free(&forged);
	forged = chunk_clone(signed_dgram);
	forged.ptr[23] ^= 0x01;
	resealed = test_encrypt(kek, forged, plain, 0);
	assert_open(resealed, kek, GIKEV2_REKEY_SIGNATURE);
	chunk_free(&resealed);
	chunk_free(&forged);
	chunk_free(&plain);

	/* a scheme other than the KEK's */
	if (kek->auth_scheme->scheme == SIGN_ECDSA_WITH_SHA256_DER)
	{
		other->set_auth(other, kek->auth_key, &sha384);
		assert_open(signed_dgram, other, GIKEV2_REKEY_SIGNATURE);
	}
	chunk_free(&signed_dgram);
	key->destroy(key);
	other_key->destroy(other_key);
	other->destroy(other);
	implicit->destroy(implicit);
	kek->destroy(kek);
}
END_TEST

/**
 * A copy of a datagram with a one octet field set
 */
static chunk_t with_octet(chunk_t datagram, size_t off, uint8_t value)
{
	chunk_t copy = chunk_clone(datagram);

	copy.ptr[off] = value;
	return copy;
}

/**
 * A copy of a datagram cut to len octets, its IKE and SK lengths adjusted
 * if consistent is set
 */
static chunk_t truncated(chunk_t datagram, size_t len, bool consistent)
{
	chunk_t copy = chunk_clone(chunk_create(datagram.ptr, len));

	if (consistent)
	{
		htoun32(copy.ptr + 24, len);
		htoun16(copy.ptr + 30, len - 28);
	}
	return copy;
}

START_TEST(test_header_refused)
{
	gikev2_err_t err = {};
	gdoi_kek_t *kek;
	chunk_t datagram, bad, big;
	size_t cuts[] = { 0, 1, 16, 27, 28, 31 }, iv_icv;
	uint8_t flags[] = { 0x00, 0x28, 0x18, 0x09, 0x20 | 0x10, 0x80 };
	int i;

	kek = kek_generate(proposals[_i]);
	ck_assert(gikev2_rekey_build(kek, 9, gsa_body, kd_body, NULL, 0, NULL,
								 &datagram, &err));
	assert_open(datagram, kek, GIKEV2_REKEY_OK);

	/* truncated: shorter than the headers, or than the IKE Length says */
	for (i = 0; i < countof(cuts); i++)
	{
		bad = truncated(datagram, cuts[i], FALSE);
		assert_open(bad, kek, GIKEV2_REKEY_MALFORMED);
		chunk_free(&bad);
	}
	for (i = 1; i < 16; i++)
	{
		bad = truncated(datagram, datagram.len - i, FALSE);
		assert_open(bad, kek, GIKEV2_REKEY_MALFORMED);
		chunk_free(&bad);
	}
	/* truncated with consistent lengths: too short for IV and ICV, not a
	 * whole number of blocks (CBC), or the ICV does not match */
	iv_icv = _i ? 16 + 16 : 8 + 16;
	bad = truncated(datagram, 32, TRUE);
	assert_open(bad, kek, GIKEV2_REKEY_MALFORMED);
	chunk_free(&bad);
	bad = truncated(datagram, 32 + iv_icv, TRUE);
	assert_open(bad, kek, GIKEV2_REKEY_MALFORMED);
	chunk_free(&bad);
	bad = truncated(datagram, datagram.len - 1, TRUE);
	assert_open(bad, kek, _i ? GIKEV2_REKEY_MALFORMED : GIKEV2_REKEY_DECRYPT);
	chunk_free(&bad);
	bad = truncated(datagram, datagram.len - 16, TRUE);
	assert_open(bad, kek, GIKEV2_REKEY_DECRYPT);
	chunk_free(&bad);

	/* lengths that do not fit */
	bad = chunk_clone(datagram);
	htoun32(bad.ptr + 24, datagram.len + 1);
	assert_open(bad, kek, GIKEV2_REKEY_MALFORMED);
	htoun32(bad.ptr + 24, datagram.len - 1);
	assert_open(bad, kek, GIKEV2_REKEY_MALFORMED);
	htoun32(bad.ptr + 24, datagram.len);
	htoun16(bad.ptr + 30, datagram.len - 27);
	assert_open(bad, kek, GIKEV2_REKEY_MALFORMED);
	htoun16(bad.ptr + 30, datagram.len - 29);
	assert_open(bad, kek, GIKEV2_REKEY_MALFORMED);
	chunk_free(&bad);
	/* trailing data */
	bad = chunk_cat("cc", datagram, chunk_from_chars(0x00));
	assert_open(bad, kek, GIKEV2_REKEY_MALFORMED);
	chunk_free(&bad);

	/* version, exchange, flags, first payload */
	bad = with_octet(datagram, 17, 0x10);
	assert_open(bad, kek, GIKEV2_REKEY_MALFORMED);
	chunk_free(&bad);
	bad = with_octet(datagram, 17, 0x21);
	assert_open(bad, kek, GIKEV2_REKEY_MALFORMED);
	chunk_free(&bad);
	bad = with_octet(datagram, 18, GIKEV2_GSA_REGISTRATION);
	assert_open(bad, kek, GIKEV2_REKEY_MALFORMED);
	chunk_free(&bad);
	bad = with_octet(datagram, 18, GIKEV2_GSA_INBAND_REKEY);
	assert_open(bad, kek, GIKEV2_REKEY_MALFORMED);
	chunk_free(&bad);
	for (i = 0; i < countof(flags); i++)
	{
		bad = with_octet(datagram, 19, flags[i]);
		assert_open(bad, kek, GIKEV2_REKEY_MALFORMED);
		chunk_free(&bad);
	}
	bad = with_octet(datagram, 16, 41);
	assert_open(bad, kek, GIKEV2_REKEY_MALFORMED);
	chunk_free(&bad);

	/* oversize: refused before anything else, the limit itself is not */
	big = chunk_alloc(GIKEV2_REKEY_MAX_LEN + 1);
	memset(big.ptr, 0, big.len);
	memcpy(big.ptr, datagram.ptr, 32);
	htoun32(big.ptr + 24, big.len);
	htoun16(big.ptr + 30, big.len - 28);
	assert_open(big, kek, GIKEV2_REKEY_OVERSIZE);
	big.len--;
	htoun32(big.ptr + 24, big.len);
	htoun16(big.ptr + 30, big.len - 28);
	assert_open(big, kek, GIKEV2_REKEY_DECRYPT);
	chunk_free(&big);
	big = chunk_alloc(GIKEV2_REKEY_MAX_LEN);
	memset(big.ptr, 0, big.len);
	ck_assert(!gikev2_rekey_build(kek, 9, big, kd_body, NULL, 0, NULL, &bad,
								  &err));
	ck_assert(strstr(err.msg, "exceeds"));
	chunk_free(&big);

	chunk_free(&datagram);
	kek->destroy(kek);
}
END_TEST

START_TEST(test_decrypt_refused)
{
	gikev2_rekey_reject_t expected;
	gikev2_err_t err = {};
	gdoi_kek_t *kek, *other, *same_spi;
	chunk_t datagram, bad;
	int i, bit;

	kek = kek_generate(proposals[_i]);
	ck_assert(gikev2_rekey_build(kek, 9, gsa_body, kd_body, NULL, 0, NULL,
								 &datagram, &err));
	/* a flipped bit anywhere is refused: the SPI names another KEK, the
	 * header fields checked before the ICV are malformed, everything else
	 * (Message ID, SK header, IV, ciphertext, ICV) fails the ICV */
	for (i = 0; i < datagram.len; i++)
	{
		if (i < 16)
		{
			expected = GIKEV2_REKEY_UNKNOWN_SPI;
		}
		else if ((i >= 16 && i < 20) || (i >= 24 && i < 28) ||
				 i == 30 || i == 31)
		{
			expected = GIKEV2_REKEY_MALFORMED;
		}
		else
		{
			expected = GIKEV2_REKEY_DECRYPT;
		}
		for (bit = 0; bit < 8; bit += 7)
		{
			bad = with_octet(datagram, i, datagram.ptr[i] ^ (1 << bit));
			assert_open(bad, kek, expected);
			chunk_free(&bad);
		}
	}
	/* the last octet is the ICV's */
	bad = with_octet(datagram, datagram.len - 1,
					 datagram.ptr[datagram.len - 1] ^ 0x80);
	assert_open(bad, kek, GIKEV2_REKEY_DECRYPT);
	chunk_free(&bad);

	/* another KEK, and its keys under the same SPI */
	other = kek_generate(proposals[_i]);
	assert_open(datagram, other, GIKEV2_REKEY_UNKNOWN_SPI);
	same_spi = gdoi_kek_create(chunk_create(kek->spi, sizeof(kek->spi)),
							other->encr_alg, other->encr_keylen,
							other->integ_alg, other->kwa, other->kwk_size,
							other->keymat, other->src, other->dst,
							other->lifetime);
	assert_open(datagram, same_spi, GIKEV2_REKEY_DECRYPT);
	same_spi->destroy(same_spi);
	other->destroy(other);

	chunk_free(&datagram);
	kek->destroy(kek);
}
END_TEST

/**
 * Inner payloads that are refused as malformed, once decrypted
 */
static struct {
	/** first payload type */
	int first;
	/** P */
	chunk_t plain;
	/** text the error must contain */
	char *err;
} inner_invalid[] = {
	{ 0, { NULL, 0 }, "neither GSA and KD nor Delete" },
	{ 51, chunk_from_chars(0, 0, 0, 5, 0xaa), "neither GSA and KD nor Delete" },
	{ 52, chunk_from_chars(0, 0, 0, 5, 0xaa), "neither GSA and KD nor Delete" },
	{ 51, chunk_from_chars(51, 0, 0, 5, 0xaa, 52, 0, 0, 5, 0xbb, 0, 0, 0, 4),
		"two GSA payloads" },
	{ 51, chunk_from_chars(52, 0, 0, 5, 0xaa, 40, 0, 0, 5, 0xbb, 0, 0, 0, 4),
		"payload type 40 not allowed" },
	{ 51, chunk_from_chars(52, 0, 0, 5, 0xaa, 0, 0, 0, 5, 0xbb, 0x00),
		"1 octets after the last payload" },
	{ 51, chunk_from_chars(52, 0, 0, 3, 0xaa, 0, 0, 0, 5, 0xbb),
		"Payload Length 3 invalid" },
	{ 51, chunk_from_chars(52, 0, 0, 5, 0xaa, 0, 0, 0, 6, 0xbb),
		"Payload Length 6 invalid" },
	{ 51, chunk_from_chars(52, 0, 0, 5, 0xaa, 0, 0, 0),
		"payload header truncated" },
	{ 51, chunk_from_chars(52, 0, 0, 5, 0xaa, 42, 0, 0, 5, 0xbb),
		"payload header truncated" },
	{ 42, chunk_from_chars(0, 0, 0, 12, 2, 4, 0, 1, 1, 2, 3, 4),
		"not an ESP Delete with SPI Size 4" },
	{ 42, chunk_from_chars(0, 0, 0, 12, 3, 8, 0, 1, 1, 2, 3, 4),
		"not an ESP Delete with SPI Size 4" },
	{ 42, chunk_from_chars(0, 0, 0, 8, 3, 4, 0, 0),
		"Num of SPIs 0 does not fit" },
	{ 42, chunk_from_chars(0, 0, 0, 12, 3, 4, 0, 2, 1, 2, 3, 4),
		"Num of SPIs 2 does not fit" },
	{ 42, chunk_from_chars(0, 0, 0, 7, 3, 4, 0),
		"not an ESP Delete" },
	{ 42, chunk_from_chars(41, 0, 0, 12, 3, 4, 0, 1, 1, 2, 3, 4,
						   0, 0, 0, 7, 0, 4, 0),
		"Notify payload truncated" },
	{ 42, chunk_from_chars(39, 0, 0, 12, 3, 4, 0, 1, 1, 2, 3, 4,
						   0, 0, 0, 8, 14, 0, 0, 0),
		"AUTH payload truncated" },
	{ 42, chunk_from_chars(39, 0, 0, 12, 3, 4, 0, 1, 1, 2, 3, 4,
						   0, 0, 0, 10, 14, 0, 0, 0, 2, 0x30),
		"AUTH payload truncated" },
	{ 42, chunk_from_chars(39, 0, 0, 12, 3, 4, 0, 1, 1, 2, 3, 4,
						   41, 0, 0, 10, 14, 0, 0, 0, 1, 0x30,
						   0, 0, 0, 8, 0, 0, 0, 1),
		"AUTH payload is not the last one" },
};

START_TEST(test_inner_refused)
{
	gikev2_rekey_reject_t reason;
	gikev2_rekey_hdr_t hdr;
	gikev2_err_t err = {};
	gdoi_kek_t *kek;
	chunk_t datagram, bad, gsa, kd;
	int i;

	kek = kek_generate(proposals[_i]);
	ck_assert(gikev2_rekey_build(kek, 9, gsa_body, kd_body, NULL, 0, NULL,
								 &datagram, &err));
	for (i = 0; i < countof(inner_invalid); i++)
	{
		bad = test_seal(kek, datagram, inner_invalid[i].first,
						inner_invalid[i].plain, 0, -1);
		ck_assert(gikev2_rekey_peek(bad, &hdr, &reason, &err));
		memset(&err, 0, sizeof(err));
		ck_assert(!gikev2_rekey_open(bad, kek, &gsa, &kd, NULL, NULL,
									 &reason, &err));
		ck_assert_int_eq(reason, GIKEV2_REKEY_MALFORMED);
		ck_assert_msg(strstr(err.msg, inner_invalid[i].err),
					  "%d: '%s' misses '%s'", i, err.msg,
					  inner_invalid[i].err);
		chunk_free(&bad);
	}
	/* a Pad Length longer than the plaintext */
	bad = test_seal(kek, datagram, 0, chunk_empty, 16, 200);
	assert_open(bad, kek, GIKEV2_REKEY_MALFORMED);
	chunk_free(&bad);
	/* padding may be longer than needed */
	bad = test_seal(kek, datagram, 42,
					chunk_from_chars(0, 0, 0, 12, 3, 4, 0, 1, 1, 2, 3, 4),
					52, -1);
	assert_open(bad, kek, GIKEV2_REKEY_OK);
	chunk_free(&bad);
	/* Notify payloads are skipped */
	bad = test_seal(kek, datagram, 41,
					chunk_from_chars(51, 0, 0, 8, 0, 0, 0x40, 0x2d,
									 52, 0, 0, 5, 0xaa, 0, 0, 0, 5, 0xbb),
					0, -1);
	ck_assert(gikev2_rekey_open(bad, kek, &gsa, &kd, NULL, NULL, &reason,
								&err));
	ck_assert_chunk_eq(gsa, chunk_from_chars(0xaa));
	ck_assert_chunk_eq(kd, chunk_from_chars(0xbb));
	chunk_free(&gsa);
	chunk_clear(&kd);
	chunk_free(&bad);

	chunk_free(&datagram);
	kek->destroy(kek);
}
END_TEST

/**
 * Datagrams made independently of this code (Python's cryptography
 * package; the seeds of fuzz_gikev2_rekey, whose KEKs these are): GSA, KD
 * and AUTH (Ed25519) under AES-GCM, Message ID 3
 */
static chunk_t vector_signed = chunk_from_chars(
	0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c,
	0x2d, 0x2e, 0x2f, 0x30, 0x2e, 0x20, 0x29, 0x08, 0x00, 0x00, 0x00, 0x03,
	0x00, 0x00, 0x01, 0x41, 0x33, 0x00, 0x01, 0x25, 0x30, 0x31, 0x32, 0x33,
	0x34, 0x35, 0x36, 0x37, 0x82, 0x2e, 0xe4, 0x28, 0x4c, 0x64, 0x8c, 0x7d,
	0x1c, 0x43, 0x57, 0x43, 0xa9, 0x86, 0x45, 0xa1, 0xef, 0xf2, 0xf1, 0x5b,
	0xb1, 0xd4, 0x7e, 0xd2, 0x33, 0x17, 0x0d, 0x62, 0x2e, 0xe5, 0x9b, 0x93,
	0x77, 0x04, 0x69, 0x74, 0xf1, 0x0c, 0x32, 0xc7, 0xbd, 0xf2, 0x7c, 0xc1,
	0x43, 0xd2, 0xea, 0xcf, 0x71, 0x81, 0xd7, 0x8c, 0x02, 0x4c, 0xac, 0x9f,
	0x8e, 0x50, 0x98, 0xd4, 0xb1, 0xc5, 0x99, 0x7d, 0x9c, 0xe1, 0xd8, 0xd5,
	0xd1, 0x67, 0xa4, 0x43, 0xd1, 0x0a, 0x00, 0x39, 0xeb, 0x54, 0x41, 0xf2,
	0x9f, 0xee, 0xe0, 0x87, 0x4b, 0x4e, 0x80, 0xad, 0x26, 0x59, 0x5a, 0xc2,
	0x35, 0x08, 0x40, 0xa4, 0xf9, 0x9d, 0xe4, 0x5a, 0x1c, 0xc3, 0x3c, 0x3f,
	0xa1, 0x21, 0xe5, 0xad, 0x87, 0xb0, 0x2a, 0x02, 0x87, 0x62, 0xa8, 0xf3,
	0x4e, 0xd8, 0xf9, 0x1e, 0xbb, 0x17, 0x26, 0x9c, 0xa9, 0x13, 0x46, 0x30,
	0x1a, 0x19, 0x01, 0xfe, 0xee, 0xef, 0x63, 0x4b, 0xaa, 0x7f, 0x93, 0x1a,
	0xc6, 0xd0, 0xf3, 0x1d, 0x7c, 0xe9, 0x6c, 0x94, 0x52, 0x27, 0xef, 0x78,
	0x80, 0x29, 0xe8, 0x60, 0xdb, 0x88, 0x5f, 0xd9, 0x41, 0xf4, 0xe4, 0xc5,
	0xa2, 0x7f, 0x04, 0xe4, 0x10, 0x95, 0x96, 0x8b, 0x73, 0x98, 0x6c, 0x79,
	0xb6, 0x07, 0x56, 0x6a, 0xb0, 0x31, 0xb6, 0x89, 0xc7, 0x7e, 0xf8, 0xf5,
	0x4e, 0x15, 0xdd, 0xef, 0xa6, 0x24, 0x04, 0x7f, 0x13, 0x06, 0xa5, 0xa2,
	0xdf, 0xd2, 0xf8, 0x7e, 0x4a, 0x45, 0x39, 0xaa, 0x3b, 0x16, 0xa0, 0x07,
	0xa0, 0x76, 0xab, 0x8b, 0x1d, 0x0a, 0x61, 0xa9, 0xae, 0x56, 0xc4, 0x97,
	0xe5, 0xb7, 0x76, 0x7e, 0xf7, 0xae, 0x5c, 0xf4, 0xf6, 0x21, 0x63, 0xf9,
	0xa3, 0xc5, 0x88, 0xfd, 0xe3, 0x6b, 0x73, 0xb8, 0x30, 0x9b, 0x55, 0xf9,
	0xc0, 0x6b, 0xd1, 0x24, 0x5c, 0x00, 0xfd, 0x83, 0x49, 0xbd, 0x8a, 0x9d,
	0x0c, 0xd7, 0xb0, 0xc0, 0x40, 0xb8, 0x82, 0xaa, 0x47, 0xe1, 0xc2, 0x75,
	0x83, 0x47, 0x6d, 0x4d, 0xbb, 0xad, 0xd6, 0xb9, 0xe6);

/**
 * GSA, KD and D (ESP SPIs 0x12345678 and 0) under AES-CBC with
 * HMAC-SHA256-128, Message ID 2
 */
static chunk_t vector_cbc = chunk_from_chars(
	0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c,
	0x1d, 0x1e, 0x1f, 0x20, 0x2e, 0x20, 0x29, 0x08, 0x00, 0x00, 0x00, 0x02,
	0x00, 0x00, 0x01, 0x10, 0x33, 0x00, 0x00, 0xf4, 0x30, 0x31, 0x32, 0x33,
	0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f,
	0x4b, 0xe4, 0x3c, 0x38, 0x0e, 0xbb, 0x7d, 0x59, 0x89, 0xa0, 0xb1, 0x86,
	0x1c, 0xcb, 0x6c, 0x28, 0x62, 0x9b, 0xab, 0xda, 0x29, 0xc8, 0x42, 0x5c,
	0xd6, 0x84, 0xfb, 0xa9, 0x37, 0xfb, 0x5d, 0x0f, 0x32, 0x96, 0x8e, 0x3e,
	0xec, 0xbe, 0xb9, 0x85, 0xb5, 0x55, 0xee, 0x66, 0x14, 0xe4, 0xfa, 0x34,
	0x5e, 0x66, 0x09, 0xcc, 0xaa, 0x5f, 0xb4, 0x45, 0x29, 0x3f, 0x43, 0x5a,
	0x6e, 0xeb, 0x9b, 0x45, 0x7a, 0xc5, 0xd2, 0xf0, 0x18, 0x49, 0x85, 0xad,
	0x5a, 0x69, 0x7b, 0xc6, 0x60, 0x9c, 0x1c, 0x7f, 0x4f, 0xbc, 0x74, 0x90,
	0xc8, 0x31, 0xa3, 0xef, 0xef, 0x43, 0x19, 0x74, 0x6a, 0x2c, 0x48, 0x4b,
	0xae, 0xdb, 0xaf, 0x1c, 0xbb, 0x20, 0x01, 0x16, 0x27, 0xf1, 0x89, 0x16,
	0x65, 0x90, 0x6c, 0xd5, 0xc4, 0x6e, 0x36, 0xb0, 0x7e, 0xbc, 0xc0, 0x62,
	0x57, 0x2a, 0x14, 0xff, 0xc1, 0x8d, 0xe1, 0x23, 0xfa, 0x04, 0x7d, 0xbf,
	0xd3, 0x41, 0xcc, 0xa0, 0xa6, 0x44, 0x8f, 0x5f, 0x63, 0xfb, 0x8c, 0x71,
	0xf0, 0x58, 0xe5, 0x97, 0xdd, 0xcc, 0xf3, 0x30, 0x39, 0xb7, 0x02, 0xad,
	0x2b, 0x5e, 0x95, 0xf5, 0x72, 0xc0, 0x85, 0x72, 0x85, 0x21, 0x5b, 0x3a,
	0xe8, 0x9a, 0xd0, 0x48, 0xe9, 0x72, 0x91, 0x66, 0xd6, 0xab, 0x61, 0xc2,
	0xf0, 0xad, 0x6e, 0x6d, 0x3c, 0x5a, 0x2b, 0xe4, 0xea, 0x94, 0xf9, 0x89,
	0xab, 0xaf, 0x26, 0x1e, 0x1f, 0xae, 0x49, 0xb2, 0xe1, 0x2e, 0xc3, 0x58,
	0x72, 0x0c, 0xdd, 0xc4, 0xc2, 0xa2, 0xfb, 0x7f, 0xcf, 0x17, 0x64, 0x92,
	0x60, 0x9b, 0x8f, 0x09, 0x1f, 0x70, 0x49, 0xaa);

/**
 * The fixed KEKs of the vectors: SPI octets spi_base + 1..16, key material
 * octets key_base + 0..
 */
static gdoi_kek_t *vector_kek(uint8_t spi_base, uint16_t encr, uint16_t keylen,
							  uint16_t integ, size_t keymat_len,
							  uint8_t key_base)
{
	traffic_selector_t *any;
	u_char spi[16], keymat[128];
	gdoi_kek_t *kek;
	int i;

	for (i = 0; i < sizeof(spi); i++)
	{
		spi[i] = spi_base + i + 1;
	}
	for (i = 0; i < keymat_len; i++)
	{
		keymat[i] = key_base + i;
	}
	any = traffic_selector_create_from_cidr("0.0.0.0/0", IPPROTO_UDP, 500,
											500);
	kek = gdoi_kek_create(chunk_create(spi, sizeof(spi)), encr, keylen, integ,
						  GIKEV2_KW_5649_256, 32,
						  chunk_create(keymat, keymat_len), any, any, 3600);
	any->destroy(any);
	ck_assert(kek);
	return kek;
}

START_TEST(test_vectors)
{
	signature_params_t scheme = { .scheme = SIGN_ED25519 };
	u_char seed[34] = { 0x04, 0x20 };
	gikev2_rekey_hdr_t hdr;
	gikev2_err_t err = {};
	private_key_t *key;
	public_key_t *pub;
	gdoi_kek_t *kek;
	chunk_t gsa, kd;
	uint32_t *spis;
	u_int count;
	int i;

	for (i = 0; i < 32; i++)
	{
		seed[2 + i] = 0xa0 + i;
	}
	key = lib->creds->create(lib->creds, CRED_PRIVATE_KEY, KEY_ED25519,
							 BUILD_EDDSA_PRIV_ASN1_DER,
							 chunk_create(seed, sizeof(seed)), BUILD_END);
	ck_assert(key);
	pub = key->get_public_key(key);
	kek = vector_kek(0x20, ENCR_AES_GCM_ICV16, 256, AUTH_UNDEFINED, 68, 0x40);
	kek->set_auth(kek, pub, &scheme);
	ck_assert(gikev2_rekey_peek(vector_signed, &hdr, NULL, &err));
	ck_assert_int_eq(hdr.mid, 3);
	ck_assert_msg(gikev2_rekey_open(vector_signed, kek, &gsa, &kd, &spis,
									&count, NULL, &err), "%s", err.msg);
	ck_assert_int_eq(gsa.len, 76);
	ck_assert(memeq(gsa.ptr, "\x03\x04\x00\x4c\x12\x34\x56\x78", 8));
	ck_assert_int_eq(kd.len, 100);
	ck_assert(memeq(kd.ptr, "\x06\x10\x00\x38\x00\x11\x22\x33", 8));
	ck_assert(!count && !spis);
	chunk_free(&gsa);
	chunk_clear(&kd);
	/* the signature is the one that counts */
	kek->set_auth(kek, NULL, NULL);
	assert_open(vector_signed, kek, GIKEV2_REKEY_SIGNATURE);
	kek->destroy(kek);
	pub->destroy(pub);
	key->destroy(key);

	kek = vector_kek(0x10, ENCR_AES_CBC, 128, AUTH_HMAC_SHA2_256_128, 80,
					 0x80);
	ck_assert_msg(gikev2_rekey_open(vector_cbc, kek, &gsa, &kd, &spis,
									&count, NULL, &err), "%s", err.msg);
	ck_assert_int_eq(gsa.len, 76);
	ck_assert_int_eq(kd.len, 100);
	ck_assert_int_eq(count, 2);
	ck_assert(spis[0] == htonl(0x12345678) && spis[1] == 0);
	chunk_free(&gsa);
	chunk_clear(&kd);
	free(spis);
	kek->destroy(kek);
}
END_TEST

START_TEST(test_reject_names)
{
	char *names[] = { "ok", "malformed", "oversize", "unknown-spi", "replay",
					  "decrypt", "signature", "policy" };
	int i;

	ck_assert_int_eq(countof(names), GIKEV2_REKEY_REJECT_MAX);
	for (i = 0; i < GIKEV2_REKEY_REJECT_MAX; i++)
	{
		ck_assert_str_eq(enum_to_name(gikev2_rekey_reject_names, i), names[i]);
	}
	ck_assert(!enum_to_name(gikev2_rekey_reject_names,
							GIKEV2_REKEY_REJECT_MAX));
}
END_TEST

Suite *gikev2_rekey_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("gikev2 rekey");

	tc = tcase_create("round trip");
	tcase_add_loop_test(tc, test_round_trip, 0, countof(proposals));
	tcase_add_loop_test(tc, test_delete_only, 0, countof(proposals));
	tcase_add_loop_test(tc, test_ack, 0, countof(proposals));
	tcase_add_test(tc, test_vectors);
	tcase_add_test(tc, test_reject_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("refused");
	tcase_add_loop_test(tc, test_header_refused, 0, countof(proposals));
	tcase_add_loop_test(tc, test_decrypt_refused, 0, countof(proposals));
	tcase_add_loop_test(tc, test_inner_refused, 0, countof(proposals));
	suite_add_tcase(s, tc);

	tc = tcase_create("signatures");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_signature, 0, 2 * countof(sig_keys));
	tcase_add_loop_test(tc, test_signature_refused, 0, 2 * countof(sig_keys));
	suite_add_tcase(s, tc);

	return s;
}
