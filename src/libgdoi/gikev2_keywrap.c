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

#include "gikev2_keywrap.h"

#include <crypto/crypters/crypter.h>
#include <crypto/kdfs/kdf.h>

/** semiblock size of the AES key wrap */
#define SEMIBLOCK 8

/** AES block size */
#define BLOCK 16

/** default IV of RFC 3394 */
static const u_char iv_3394[SEMIBLOCK] = {
	0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6,
};

/** constant part of the alternative IV of RFC 5649 */
static const u_char aiv_5649[4] = { 0xa6, 0x59, 0x59, 0xa6 };

/**
 * Create an AES-ECB crypter with a key
 */
static crypter_t *create_aes(chunk_t kek)
{
	crypter_t *aes;

	if (kek.len != 16 && kek.len != 24 && kek.len != 32)
	{
		return NULL;
	}
	aes = lib->crypto->create_crypter(lib->crypto, ENCR_AES_ECB, kek.len);
	if (!aes)
	{
		DBG1(DBG_LIB, "G-IKEv2 key wrap: AES-ECB with %zu octet keys not "
			 "available", kek.len);
		return NULL;
	}
	if (!aes->set_key(aes, kek))
	{
		aes->destroy(aes);
		return NULL;
	}
	return aes;
}

/**
 * The wrapping process W of RFC 3394 2.2.1 (index based), in place on
 * out = A | R[1] .. R[n], with n >= 2
 */
static bool wrap_w(crypter_t *aes, chunk_t out)
{
	u_char b[BLOCK];
	size_t n, i, j;
	uint64_t t;
	bool ok = TRUE;

	n = out.len / SEMIBLOCK - 1;
	for (j = 0; ok && j <= 5; j++)
	{
		for (i = 1; ok && i <= n; i++)
		{
			memcpy(b, out.ptr, SEMIBLOCK);
			memcpy(b + SEMIBLOCK, out.ptr + i * SEMIBLOCK, SEMIBLOCK);
			ok = aes->encrypt(aes, chunk_create(b, BLOCK), chunk_empty, NULL);
			t = htobe64(n * j + i);
			memxor(b, (u_char*)&t, SEMIBLOCK);
			memcpy(out.ptr, b, SEMIBLOCK);
			memcpy(out.ptr + i * SEMIBLOCK, b + SEMIBLOCK, SEMIBLOCK);
		}
	}
	memwipe(b, sizeof(b));
	return ok;
}

/**
 * The unwrapping process W^-1 of RFC 3394 2.2.2, in place on
 * data = C[0] | C[1] .. C[n], leaving A | R[1] .. R[n]
 */
static bool unwrap_w(crypter_t *aes, chunk_t data)
{
	u_char b[BLOCK];
	size_t n, i, j;
	uint64_t t;
	bool ok = TRUE;

	n = data.len / SEMIBLOCK - 1;
	for (j = 6; ok && j-- > 0;)
	{
		for (i = n; ok && i >= 1; i--)
		{
			memcpy(b, data.ptr, SEMIBLOCK);
			t = htobe64(n * j + i);
			memxor(b, (u_char*)&t, SEMIBLOCK);
			memcpy(b + SEMIBLOCK, data.ptr + i * SEMIBLOCK, SEMIBLOCK);
			ok = aes->decrypt(aes, chunk_create(b, BLOCK), chunk_empty, NULL);
			memcpy(data.ptr, b, SEMIBLOCK);
			memcpy(data.ptr + i * SEMIBLOCK, b + SEMIBLOCK, SEMIBLOCK);
		}
	}
	memwipe(b, sizeof(b));
	return ok;
}

/*
 * Described in header
 */
bool gikev2_aes_kw_wrap(chunk_t kek, chunk_t key, chunk_t *wrapped)
{
	crypter_t *aes;
	chunk_t out;
	bool ok;

	if (key.len < 2 * SEMIBLOCK || key.len % SEMIBLOCK)
	{
		return FALSE;
	}
	aes = create_aes(kek);
	if (!aes)
	{
		return FALSE;
	}
	out = chunk_cat("cc", chunk_create((u_char*)iv_3394, SEMIBLOCK), key);
	ok = wrap_w(aes, out);
	aes->destroy(aes);
	if (!ok)
	{
		chunk_clear(&out);
		return FALSE;
	}
	*wrapped = out;
	return TRUE;
}

/*
 * Described in header
 */
bool gikev2_aes_kw_unwrap(chunk_t kek, chunk_t wrapped, chunk_t *key)
{
	crypter_t *aes;
	chunk_t data;
	bool ok;

	if (wrapped.len < 3 * SEMIBLOCK || wrapped.len % SEMIBLOCK)
	{
		return FALSE;
	}
	aes = create_aes(kek);
	if (!aes)
	{
		return FALSE;
	}
	data = chunk_clone(wrapped);
	ok = unwrap_w(aes, data);
	aes->destroy(aes);
	if (!ok || !memeq_const(data.ptr, iv_3394, SEMIBLOCK))
	{
		chunk_clear(&data);
		return FALSE;
	}
	*key = chunk_clone(chunk_skip(data, SEMIBLOCK));
	chunk_clear(&data);
	return TRUE;
}

/*
 * Described in header
 */
size_t gikev2_kwa_key_size(gikev2_kwa_t kwa)
{
	switch (kwa)
	{
		case GIKEV2_KW_5649_128:
			return 16;
		case GIKEV2_KW_5649_192:
			return 24;
		case GIKEV2_KW_5649_256:
			return 32;
		default:
			return 0;
	}
}

/**
 * Check the KWA and the size of the KWK
 */
static bool check_kwk(gikev2_kwa_t kwa, chunk_t kwk, gikev2_err_t *err)
{
	size_t size;

	size = gikev2_kwa_key_size(kwa);
	if (!size)
	{
		gikev2_err_set(err, "key wrap algorithm %N not supported",
					   gikev2_kwa_names, kwa);
		return FALSE;
	}
	if (kwk.len != size)
	{
		gikev2_err_set(err, "key wrap key has %zu octets, %N needs %zu",
					   kwk.len, gikev2_kwa_names, kwa, size);
		return FALSE;
	}
	return TRUE;
}

/*
 * Described in header
 */
bool gikev2_key_wrap(gikev2_kwa_t kwa, chunk_t kwk, chunk_t key,
					 chunk_t *wrapped, gikev2_err_t *err)
{
	crypter_t *aes;
	chunk_t out;
	size_t padded;
	bool ok;

	if (!check_kwk(kwa, kwk, err))
	{
		return FALSE;
	}
	if (!key.len || key.len > GIKEV2_KEYWRAP_MAX_KEY)
	{
		gikev2_err_set(err, "key to wrap has %zu octets, not 1 to %d",
					   key.len, GIKEV2_KEYWRAP_MAX_KEY);
		return FALSE;
	}
	aes = create_aes(kwk);
	if (!aes)
	{
		gikev2_err_set(err, "key wrap cipher AES-ECB not available");
		return FALSE;
	}
	/* AIV = A65959A6 | MLI, then P zero-padded to whole semiblocks */
	padded = round_up(key.len, SEMIBLOCK);
	out = chunk_alloc(SEMIBLOCK + padded);
	memset(out.ptr, 0, out.len);
	memcpy(out.ptr, aiv_5649, sizeof(aiv_5649));
	htoun32(out.ptr + sizeof(aiv_5649), key.len);
	memcpy(out.ptr + SEMIBLOCK, key.ptr, key.len);
	if (padded == SEMIBLOCK)
	{	/* a single block is encrypted directly (RFC 5649 4.1) */
		ok = aes->encrypt(aes, out, chunk_empty, NULL);
	}
	else
	{
		ok = wrap_w(aes, out);
	}
	aes->destroy(aes);
	if (!ok)
	{
		chunk_clear(&out);
		gikev2_err_set(err, "key wrap encryption failed");
		return FALSE;
	}
	*wrapped = out;
	return TRUE;
}

/*
 * Described in header
 */
bool gikev2_key_unwrap(gikev2_kwa_t kwa, chunk_t kwk, chunk_t wrapped,
					   chunk_t *key, gikev2_err_t *err)
{
	crypter_t *aes;
	chunk_t data;
	uint32_t mli;
	size_t n, i;
	u_char pad = 0;
	bool ok, valid;

	if (!check_kwk(kwa, kwk, err))
	{
		return FALSE;
	}
	if (wrapped.len < 2 * SEMIBLOCK || wrapped.len % SEMIBLOCK ||
		wrapped.len > SEMIBLOCK + GIKEV2_KEYWRAP_MAX_KEY)
	{
		gikev2_err_set(err, "Encrypted Key of %zu octets is not a wrapped "
					   "key of %N", wrapped.len, gikev2_kwa_names, kwa);
		return FALSE;
	}
	aes = create_aes(kwk);
	if (!aes)
	{
		gikev2_err_set(err, "key wrap cipher AES-ECB not available");
		return FALSE;
	}
	data = chunk_clone(wrapped);
	if (data.len == 2 * SEMIBLOCK)
	{
		ok = aes->decrypt(aes, data, chunk_empty, NULL);
	}
	else
	{
		ok = unwrap_w(aes, data);
	}
	aes->destroy(aes);
	if (!ok)
	{
		chunk_clear(&data);
		gikev2_err_set(err, "key unwrap decryption failed");
		return FALSE;
	}
	/* check AIV, MLI and the padding without branching on secret data */
	n = data.len / SEMIBLOCK - 1;
	mli = untoh32(data.ptr + sizeof(aiv_5649));
	valid = memeq_const(data.ptr, aiv_5649, sizeof(aiv_5649));
	valid &= mli > SEMIBLOCK * (n - 1);
	valid &= mli <= SEMIBLOCK * n;
	for (i = 0; i < SEMIBLOCK; i++)
	{
		/* bytes beyond MLI must be zero; mask out those within */
		pad |= data.ptr[data.len - SEMIBLOCK + i] &
			   -(u_char)(SEMIBLOCK * (n - 1) + i >= mli);
	}
	valid &= pad == 0;
	if (!valid)
	{
		chunk_clear(&data);
		gikev2_err_set(err, "Encrypted Key integrity check failed");
		return FALSE;
	}
	*key = chunk_clone(chunk_create(data.ptr + SEMIBLOCK, mli));
	chunk_clear(&data);
	return TRUE;
}

/*
 * Described in header
 */
bool gikev2_derive_gsk_w(pseudo_random_function_t prf, chunk_t sk_d,
						 gikev2_kwa_t kwa, chunk_t *gsk_w)
{
	kdf_t *kdf;
	size_t size;
	bool ok;

	size = gikev2_kwa_key_size(kwa);
	if (!size)
	{
		DBG1(DBG_IKE, "key wrap algorithm %N not supported", gikev2_kwa_names,
			 kwa);
		return FALSE;
	}
	kdf = lib->crypto->create_kdf(lib->crypto, KDF_PRF_PLUS, prf);
	if (!kdf)
	{
		DBG1(DBG_IKE, "prf+ with %N not available",
			 pseudo_random_function_names, prf);
		return FALSE;
	}
	ok = kdf->set_param(kdf, KDF_PARAM_KEY, sk_d) &&
		 kdf->set_param(kdf, KDF_PARAM_SALT,
						chunk_from_str(GIKEV2_GSK_W_LABEL)) &&
		 kdf->allocate_bytes(kdf, size, gsk_w);
	kdf->destroy(kdf);
	return ok;
}
