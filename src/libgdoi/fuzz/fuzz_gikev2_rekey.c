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

/*
 * libFuzzer target for GSA_REKEY datagrams: gikev2_rekey_peek() and
 * gikev2_rekey_open() with three fixed KEKs (AES-GCM, AES-CBC with
 * HMAC-SHA256, AES-GCM with a fixed Ed25519 authentication key), picked by
 * the datagram's SPI as a member does (the first one if none matches).
 *
 * The first octet picks the mode:
 *  - 0x00-0x7f: the rest is a received datagram
 *  - 0x80-0xff: the rest is KEK index (1 octet), Flags (1), first inner
 *    payload type (1), Message ID (4) and the plaintext inner payloads P;
 *    the target seals P under the KEK (IV, padding, ICV), and if the KEK
 *    signs and P ends with an AUTH payload with a 64 octet Signature Value,
 *    puts a valid signature there first, so that the inner payload parser
 *    and the signature checks are reached
 *
 * A refusal must name its reason and say why; an accepted datagram must
 * give what fits in it, nothing for an acknowledgement.
 */

#include <library.h>
#include <utils/debug.h>
#include <crypto/aead.h>
#include <crypto/iv/iv_gen.h>

#include <gikev2_rekey.h>
#include <gikev2_rekey_auth.h>

/** the KEKs, the last one with an authentication key */
static gdoi_kek_t *keks[3];

/** the private key of the last KEK's authentication key */
static private_key_t *signer;

/**
 * Create a fixed KEK: SPI octets spi_base + 1..16, key material octets
 * key_base + 0..
 */
static gdoi_kek_t *fixed_kek(uint8_t spi_base, uint16_t encr, uint16_t keylen,
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
	return kek;
}

/**
 * OpenSSL keeps global state that LeakSanitizer reports at exit, through
 * allocations inside libcrypto only; objects of ours that leak OpenSSL
 * objects are still reported (their allocations are not in libcrypto)
 */
const char *__lsan_default_suppressions()
{
	return "leak:libcrypto.so\n";
}

/**
 * Release the KEKs and the library at exit
 */
static void cleanup()
{
	int i;

	for (i = 0; i < countof(keks); i++)
	{
		DESTROY_IF(keks[i]);
	}
	DESTROY_IF(signer);
	library_deinit();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	signature_params_t scheme = { .scheme = SIGN_ED25519 };
	u_char seed[34] = { 0x04, 0x20 };
	public_key_t *pub;
	int i;

	dbg_default_set_level(-1);
	library_init(NULL, "fuzz");
	if (!lib->plugins->load(lib->plugins, "openssl"))
	{
		fprintf(stderr, "fuzz_gikev2_rekey: loading the openssl plugin "
				"failed (run make first)\n");
		abort();
	}
	/* GSK_e 32 + salt 4, GSK_w 32 */
	keks[0] = fixed_kek(0x00, ENCR_AES_GCM_ICV16, 256, AUTH_UNDEFINED, 68,
						0x00);
	/* GSK_e 16, GSK_a 32, GSK_w 32 */
	keks[1] = fixed_kek(0x10, ENCR_AES_CBC, 128, AUTH_HMAC_SHA2_256_128, 80,
						0x80);
	keks[2] = fixed_kek(0x20, ENCR_AES_GCM_ICV16, 256, AUTH_UNDEFINED, 68,
						0x40);
	/* Ed25519 private key octets 0xa0..0xbf, as an OCTET STRING */
	for (i = 0; i < 32; i++)
	{
		seed[2 + i] = 0xa0 + i;
	}
	signer = lib->creds->create(lib->creds, CRED_PRIVATE_KEY, KEY_ED25519,
								BUILD_EDDSA_PRIV_ASN1_DER,
								chunk_create(seed, sizeof(seed)), BUILD_END);
	if (!keks[0] || !keks[1] || !keks[2] || !signer)
	{
		abort();
	}
	pub = signer->get_public_key(signer);
	keks[2]->set_auth(keks[2], pub, &scheme);
	pub->destroy(pub);
	atexit(cleanup);
	return 0;
}

/**
 * The transform of a KEK
 */
static aead_t *kek_aead(gdoi_kek_t *kek)
{
	chunk_t encr, integ, kwk;
	crypter_t *crypter;
	signer_t *mac;
	aead_t *aead;

	kek->get_keys(kek, &encr, &integ, &kwk);
	if (kek->integ_alg == AUTH_UNDEFINED)
	{
		aead = lib->crypto->create_aead(lib->crypto, kek->encr_alg,
										encr.len - 4, 4);
		if (!aead || !aead->set_key(aead, encr))
		{
			abort();
		}
		return aead;
	}
	crypter = lib->crypto->create_crypter(lib->crypto, kek->encr_alg,
										  encr.len);
	mac = lib->crypto->create_signer(lib->crypto, kek->integ_alg);
	if (!crypter || !mac || !crypter->set_key(crypter, encr) ||
		!mac->set_key(mac, integ))
	{
		abort();
	}
	return aead_create(crypter, mac, iv_gen_create_for_alg(kek->encr_alg));
}

/**
 * Put a valid signature in P if it ends with an AUTH payload with a 64
 * octet Signature Value
 */
static void sign_plain(chunk_t a, chunk_t p)
{
	chunk_t data, sig;

	if (!gikev2_rekey_auth_data(a, p, &data, &sig, NULL))
	{
		return;
	}
	if (sig.len == 64)
	{
		chunk_free(&sig);
		if (!signer->sign(signer, SIGN_ED25519, NULL, data, &sig) ||
			sig.len != 64)
		{
			abort();
		}
		memcpy(p.ptr + p.len - 64, sig.ptr, 64);
	}
	chunk_free(&sig);
	chunk_free(&data);
}

/**
 * Seal P under a KEK as a datagram with a header of the given fields
 */
static chunk_t seal(gdoi_kek_t *kek, uint8_t flags, uint8_t first,
					const uint8_t *mid, chunk_t plain)
{
	chunk_t out, iv, crypt;
	aead_t *aead;
	size_t bs, pad, icv;

	aead = kek_aead(kek);
	bs = aead->get_block_size(aead);
	pad = bs - plain.len % bs;
	iv.len = aead->get_iv_size(aead);
	icv = aead->get_icv_size(aead);
	out = chunk_alloc(32 + iv.len + plain.len + pad + icv);
	memset(out.ptr, 0, out.len);
	memcpy(out.ptr, kek->spi, 16);
	out.ptr[16] = 46;
	out.ptr[17] = 0x20;
	out.ptr[18] = GIKEV2_GSA_REKEY;
	out.ptr[19] = flags;
	memcpy(out.ptr + 20, mid, 4);
	htoun32(out.ptr + 24, out.len);
	out.ptr[28] = first;
	htoun16(out.ptr + 30, out.len - 28);
	iv.ptr = out.ptr + 32;
	crypt = chunk_create(iv.ptr + iv.len, plain.len + pad);
	memcpy(crypt.ptr, plain.ptr, plain.len);
	crypt.ptr[crypt.len - 1] = pad - 1;
	if (kek->auth_key)
	{
		sign_plain(chunk_create(out.ptr, 32), chunk_create(crypt.ptr,
														   plain.len));
	}
	if (!aead->encrypt(aead, crypt, chunk_create(out.ptr, 32), iv, NULL))
	{
		abort();
	}
	aead->destroy(aead);
	return out;
}

/**
 * Peek and open a datagram with the KEK its SPI names, check the results
 */
static void open_datagram(chunk_t datagram)
{
	gikev2_rekey_reject_t reason = GIKEV2_REKEY_OK;
	gikev2_rekey_hdr_t hdr;
	gikev2_err_t err = {};
	gdoi_kek_t *kek = keks[0];
	chunk_t gsa, kd;
	uint32_t *spis;
	u_int count, i;

	if (!gikev2_rekey_peek(datagram, &hdr, &reason, &err))
	{
		if (reason != GIKEV2_REKEY_MALFORMED &&
			reason != GIKEV2_REKEY_OVERSIZE)
		{
			abort();
		}
		if (!err.msg[0])
		{
			abort();
		}
		return;
	}
	for (i = 0; i < countof(keks); i++)
	{
		if (memeq(hdr.spi, keks[i]->spi, sizeof(hdr.spi)))
		{
			kek = keks[i];
		}
	}
	if (!gikev2_rekey_open(datagram, kek, &gsa, &kd, &spis, &count, &reason,
						   &err))
	{
		switch (reason)
		{
			case GIKEV2_REKEY_MALFORMED:
			case GIKEV2_REKEY_UNKNOWN_SPI:
			case GIKEV2_REKEY_DECRYPT:
			case GIKEV2_REKEY_SIGNATURE:
				break;
			default:
				abort();
		}
		if (!err.msg[0])
		{
			abort();
		}
		return;
	}
	if (reason != GIKEV2_REKEY_OK ||
		gsa.len + kd.len + count * 4 > datagram.len ||
		(hdr.response && (gsa.len || kd.len || count || spis)) ||
		(!count && spis) || (count && !spis))
	{
		abort();
	}
	chunk_free(&gsa);
	chunk_clear(&kd);
	free(spis);
}

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	chunk_t datagram;

	if (len < 1)
	{
		return 0;
	}
	if (!(buf[0] & 0x80))
	{
		open_datagram(chunk_create((u_char*)buf + 1, len - 1));
		return 0;
	}
	if (len < 8 || len - 8 > GIKEV2_REKEY_MAX_LEN)
	{
		return 0;
	}
	datagram = seal(keks[buf[1] % countof(keks)], buf[2], buf[3], buf + 4,
					chunk_create((u_char*)buf + 8, len - 8));
	open_datagram(datagram);
	chunk_free(&datagram);
	return 0;
}
